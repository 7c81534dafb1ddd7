package keepertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// DefaultFenceAfter is how long after its acquisition a term's FenceBy falls: the time a
// holder that has lost the lock has to pause its nodeos.
const DefaultFenceAfter = 5 * time.Second

// errUnreachable is what a frozen agent's Release and Retire return.
var errUnreachable = errors.New("keepertest: agent cannot reach the lock")

// Lock is an in-memory keeper.Lock. Its methods are safe for concurrent use; the zero value is
// not usable, call NewLock.
type Lock struct {
	mu       sync.Mutex
	held     *term
	rec      keeper.LockRecord
	maint    bool
	switchTo string
	switchAt time.Time
	watchers []chan keeper.LockView
	acquires []string // nodes, in acquisition order
	terms    int      // acquisitions so far, naming each one's Term
	frozen   map[string]bool
	// newestFirst delivers views to the most recently started watch first.
	newestFirst bool
	fenceAfter  time.Duration
}

var _ keeper.Lock = (*Lock)(nil)

// NewLock returns a free lock with an empty value, no maintenance flag and no switchover
// request. Its terms must be fenced DefaultFenceAfter after their acquisition.
func NewLock() *Lock { return &Lock{fenceAfter: DefaultFenceAfter} }

// term is one tenure of a Lock.
type term struct {
	l        *Lock
	node     string
	lost     chan struct{}
	lostOnce sync.Once
	fenceBy  time.Time
}

var _ keeper.Term = (*term)(nil)

// Acquire takes the lock for rec.Node, writing rec as the lock's value, or returns
// keeper.ErrLockHeld when a term holds it. It never blocks.
func (l *Lock) Acquire(ctx context.Context, rec keeper.LockRecord) (keeper.Term, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held != nil {
		return nil, keeper.ErrLockHeld
	}
	if rec.Term != "" && rec.Term != l.rec.Term {
		return nil, fmt.Errorf("%w: the value was written by %s, not %s as read", keeper.ErrLockHeld, l.rec.Term, rec.Term)
	}
	l.terms++
	rec.Term = fmt.Sprintf("term-%d", l.terms)
	t := &term{l: l, node: rec.Node, lost: make(chan struct{}), fenceBy: time.Now().Add(l.fenceAfter)}
	l.held, l.rec = t, rec
	l.acquires = append(l.acquires, rec.Node)
	l.notifyLocked()
	return t, nil
}

// Watch returns a channel that holds the current view at once and then the latest view after
// every change, an undelivered view being replaced by a newer one. The channel closes when ctx
// ends.
func (l *Lock) Watch(ctx context.Context) <-chan keeper.LockView {
	ch := make(chan keeper.LockView, 1)
	l.mu.Lock()
	l.watchers = append(l.watchers, ch)
	ch <- l.viewLocked()
	l.mu.Unlock()
	go func() {
		<-ctx.Done()
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, w := range l.watchers {
			if w == ch {
				l.watchers = append(l.watchers[:i], l.watchers[i+1:]...)
				close(ch)
				break
			}
		}
	}()
	return ch
}

func (l *Lock) viewLocked() keeper.LockView {
	return keeper.LockView{Held: l.held != nil, Record: l.rec, Maintenance: l.maint, SwitchoverTo: l.switchTo, SwitchoverAt: l.switchAt}
}

// notifyLocked delivers the latest view to every watcher, replacing an undelivered one.
func (l *Lock) notifyLocked() {
	v := l.viewLocked()
	ws := append([]chan keeper.LockView(nil), l.watchers...)
	if l.newestFirst {
		slices.Reverse(ws)
	}
	for _, w := range ws {
		select {
		case <-w:
		default:
		}
		w <- v
	}
}

// Revoke ends the current term as the invalidation of its Consul session would: the lock is
// free, its value stays, and the holder's Lost channel closes. It does nothing while the lock
// is free.
func (l *Lock) Revoke() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held != nil {
		l.held.lostOnce.Do(func() { close(l.held.lost) })
		l.held = nil
		l.notifyLocked()
	}
}

// SetMaintenance sets the operator's maintenance flag, as "eoskeeper pause" and "eoskeeper
// resume" do.
func (l *Lock) SetMaintenance(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maint = on
	l.notifyLocked()
}

// RequestSwitchover asks the holder to hand production to node to, as "eoskeeper switchover"
// does; the request is stamped with the current time. A Release with a hand-off record
// clears it.
func (l *Lock) RequestSwitchover(to string) { l.RequestSwitchoverAt(to, time.Now()) }

// RequestSwitchoverAt is RequestSwitchover with the request stamped at, e.g. to model a
// request older than keeper.MaxSwitchoverAge left behind by a killed command.
func (l *Lock) RequestSwitchoverAt(to string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.switchTo, l.switchAt = to, at
	l.notifyLocked()
}

// Freeze cuts node's agent off from the lock, as when its process is killed: its Release and
// Retire fail and change nothing, so its term ends only when the test calls Revoke (the
// session expiring). It cannot be undone.
func (l *Lock) Freeze(node string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.frozen == nil {
		l.frozen = map[string]bool{}
	}
	l.frozen[node] = true
}

// DeliverNewestFirst, when on, makes every change reach the most recently started watch first,
// so that in a race for a freed lock the agents started last (the lower-priority ones, in
// the usual start order) hear of it first.
func (l *Lock) DeliverNewestFirst(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.newestFirst = on
}

// Holder returns the node whose term holds the lock, or "" when it is free.
func (l *Lock) Holder() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		return ""
	}
	return l.held.node
}

// Record returns the lock's value: the record of its latest holder, kept after release.
func (l *Lock) Record() keeper.LockRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rec
}

// Acquisitions returns the nodes that have acquired the lock, in order, one entry per term.
func (l *Lock) Acquisitions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.acquires...)
}

// Lost closes when the term ends: on Release, or on Revoke while it holds the lock.
func (t *term) Lost() <-chan struct{} { return t.lost }

// FenceBy is DefaultFenceAfter past the acquisition.
func (t *term) FenceBy() time.Time { return t.fenceBy }

// SetWatermark writes wm into the lock's value while the term holds the lock, and returns
// keeper.ErrLockHeld otherwise.
func (t *term) SetWatermark(ctx context.Context, wm keeper.Block) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.held != t {
		return keeper.ErrLockHeld
	}
	t.l.rec.Watermark = wm
	t.l.notifyLocked()
	return nil
}

// Retire frees the lock if the term still holds it.
func (t *term) Retire(ctx context.Context) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.frozen[t.node] {
		return errUnreachable
	}
	if t.l.held == t {
		t.l.held = nil
		t.l.notifyLocked()
	}
	return nil
}

// Release ends the term and, if it still holds the lock, frees it, writing h into the value
// (a nil h clears the hand-off record); a hand-off clears the switchover request.
func (t *term) Release(ctx context.Context, h *keeper.Handoff) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.frozen[t.node] {
		return errUnreachable
	}
	t.lostOnce.Do(func() { close(t.lost) })
	if t.l.held != t {
		return nil
	}
	t.l.held = nil
	t.l.rec.Handoff = h
	if h != nil {
		t.l.switchTo = ""
	}
	t.l.notifyLocked()
	return nil
}
