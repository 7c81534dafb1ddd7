package keeper

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// memLock is an in-memory Lock with the semantics the keeper relies on: one holder at a time,
// a value that survives release, a watch that delivers every change, and terms the test can
// revoke to model a lost session.
type memLock struct {
	mu       sync.Mutex
	held     *memTerm
	rec      LockRecord
	maint    bool
	switchTo string
	switchAt time.Time
	watchers []chan LockView
	acquires []string // nodes, in acquisition order
	frozen   map[string]bool
	// lastFirst delivers views to the most recently started watcher first, favouring
	// lower-priority agents started later in a race for a freed lock.
	lastFirst bool
	ttl       time.Duration
}

func newMemLock() *memLock { return &memLock{ttl: 5 * time.Second} }

type memTerm struct {
	l        *memLock
	node     string
	lost     chan struct{}
	lostOnce sync.Once
	fenceBy  time.Time
}

func (l *memLock) Acquire(ctx context.Context, rec LockRecord) (Term, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held != nil {
		return nil, ErrLockHeld
	}
	t := &memTerm{l: l, node: rec.Node, lost: make(chan struct{}), fenceBy: time.Now().Add(l.ttl)}
	l.held, l.rec = t, rec
	l.acquires = append(l.acquires, rec.Node)
	l.notifyLocked()
	return t, nil
}

func (l *memLock) Watch(ctx context.Context) <-chan LockView {
	ch := make(chan LockView, 1)
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

func (l *memLock) viewLocked() LockView {
	return LockView{Held: l.held != nil, Record: l.rec, Maintenance: l.maint, SwitchoverTo: l.switchTo, SwitchoverAt: l.switchAt}
}

// notifyLocked delivers the latest view to every watcher, replacing an undelivered one.
func (l *memLock) notifyLocked() {
	v := l.viewLocked()
	ws := append([]chan LockView(nil), l.watchers...)
	if l.lastFirst {
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

// revoke ends the current term as a session invalidation would: the value stays, the lock is
// free, and the holder's Lost closes.
func (l *memLock) revoke() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held != nil {
		l.held.lostOnce.Do(func() { close(l.held.lost) })
		l.held = nil
		l.notifyLocked()
	}
}

func (l *memLock) setMaintenance(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maint = on
	l.notifyLocked()
}

func (l *memLock) requestSwitchover(to string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.switchTo, l.switchAt = to, time.Now()
	l.notifyLocked()
}

func (l *memLock) holder() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		return ""
	}
	return l.held.node
}

func (l *memLock) acquisitions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.acquires...)
}

func (t *memTerm) Lost() <-chan struct{} { return t.lost }
func (t *memTerm) FenceBy() time.Time    { return t.fenceBy }

func (t *memTerm) SetWatermark(ctx context.Context, wm Block) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.held != t {
		return ErrLockHeld
	}
	t.l.rec.Watermark = wm
	t.l.notifyLocked()
	return nil
}

// freeze makes node's agent unable to reach the lock, as a killed process: its release and
// writes are lost, and its term ends only when revoked (the session expiring).
func (l *memLock) freeze(node string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.frozen == nil {
		l.frozen = map[string]bool{}
	}
	l.frozen[node] = true
}

func (t *memTerm) Retire(ctx context.Context) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.frozen[t.node] {
		return errors.New("memlock: agent cannot reach the lock")
	}
	if t.l.held == t {
		t.l.held = nil
		t.l.notifyLocked()
	}
	return nil
}

func (t *memTerm) Release(ctx context.Context, h *Handoff) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.frozen[t.node] {
		return errors.New("memlock: agent cannot reach the lock")
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

var _ Lock = (*memLock)(nil)
