package sim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// The lock contract: the properties of keeper.Lock and keeper.Term that the keeper relies on,
// checked against the simulated lock (lockAPI, term) and against the real one
// (keeper.ElectionLock on a Consul dev agent), so the simulation's lock cannot drift from
// Consul's behaviour unnoticed. Both run with the same short timings; the real side lets time
// pass with real sleeps, the simulated side in virtual time.

// lockTimings are the election's settings both sides run with.
type lockTimings struct {
	ttl, lockDelay, lostAfter, renewEvery, requestTimeout time.Duration
}

// contractLockTimings are the election package's test timings against a dev agent with
// session_ttl_min = "1s".
var contractLockTimings = lockTimings{
	ttl:            2 * time.Second,
	lockDelay:      2 * time.Second,
	lostAfter:      1400 * time.Millisecond,
	renewEvery:     300 * time.Millisecond,
	requestTimeout: 500 * time.Millisecond,
}

// contractSlack covers scheduling, a few local round trips and the polling period on a loaded
// machine; the bounds it widens are otherwise exact.
const contractSlack = 300 * time.Millisecond

// contractSeeds is how many seeds the simulated side runs each property with: its latencies
// and session expiry draws come from the seed, and a simulated run costs next to nothing.
const contractSeeds = 16

// contractPoll is how often the properties look at a side while waiting.
const contractPoll = 50 * time.Millisecond

// lockSide is one implementation of the lock and the world around it. The nodes node-a,
// node-b and node-c each have their own connection to the lock.
type lockSide interface {
	// acquire makes one Lock.Acquire attempt as node.
	acquire(node string, rec keeper.LockRecord) (keeper.Term, error)
	// view returns the latest lock view a watch of an uninvolved observer delivered.
	view() keeper.LockView
	// cut makes node unable to reach the lock's store (its renewals fail); restore undoes it.
	cut(node string)
	restore(node string)
	// now is the nodes' clock; sleep lets d pass on it.
	now() time.Time
	sleep(d time.Duration)
	// ctx returns a context for one call of a term.
	ctx() (context.Context, context.CancelFunc)
}

// lockProperties is the contract.
var lockProperties = []struct {
	name  string
	check func(t *testing.T, s lockSide)
}{
	{"acquire_exclusive", propAcquireExclusive},
	{"watermark_and_release", propWatermarkRelease},
	{"handoff_release", propHandoffRelease},
	{"expiry_and_lock_delay", propExpiry},
}

// TestLockContract checks every property against the simulated lock and a real Consul.
func TestLockContract(t *testing.T) {
	t.Run("sim", func(t *testing.T) {
		for _, p := range lockProperties {
			t.Run(p.name, func(t *testing.T) {
				for seed := range contractSeeds {
					t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { p.check(t, newSimLockSide(t, int64(seed))) })
				}
			})
		}
	})
	t.Run("consul", func(t *testing.T) {
		srv := consultest.Start(t, consultest.WithHCL(`session_ttl_min = "1s"`))
		for _, p := range lockProperties {
			t.Run(p.name, func(t *testing.T) {
				p.check(t, newConsulLockSide(t, srv))
			})
		}
	})
}

// propAcquireExclusive: Acquire on a free lock succeeds; another node's Acquire then reports
// ErrLockHeld; the view shows the lock held with the holder's record and a term identifier.
func propAcquireExclusive(t *testing.T, s lockSide) {
	ta, err := s.acquire("node-a", record("node-a", keeper.RoleA))
	if err != nil {
		t.Fatalf("Acquire of a free lock: %v", err)
	}
	v := waitView(t, s, "held by node-a", func(v keeper.LockView) bool { return v.Held && v.Record.Node == "node-a" })
	if v.Record.Role != keeper.RoleA || v.Record.Term == "" || v.Record.Handoff != nil {
		t.Errorf("view of the new holder's record: %+v, want role A, a term and no hand-off", v.Record)
	}
	for _, n := range []string{"node-b", "node-c"} {
		if _, err := s.acquire(n, record(n, keeper.RoleB)); !errors.Is(err, keeper.ErrLockHeld) {
			t.Errorf("Acquire by %s while node-a holds the lock: %v, want an error wrapping keeper.ErrLockHeld", n, err)
		}
	}
	if closed(ta.Lost()) {
		t.Errorf("Lost closed while the term is held and renewed")
	}
	if v := s.view(); !v.Held || v.Record.Node != "node-a" {
		t.Errorf("refused acquisitions changed the view: %+v", v)
	}
}

// propWatermarkRelease: SetWatermark writes the value while held; Release frees the lock,
// closes Lost and keeps the value; SetWatermark then fails and writes nothing; the lock can
// be taken again at once (a release arms no lock-delay) under a new term.
func propWatermarkRelease(t *testing.T, s lockSide) {
	ta, err := s.acquire("node-a", record("node-a", keeper.RoleA))
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	first := waitView(t, s, "held by node-a", func(v keeper.LockView) bool { return v.Held && v.Record.Node == "node-a" }).Record.Term
	wm := keeper.Block{Num: 1234, Slot: 5678, Node: "node-a"}
	if err := termCall(s, func(ctx context.Context) error { return ta.SetWatermark(ctx, wm) }); err != nil {
		t.Fatalf("SetWatermark while held: %v", err)
	}
	waitView(t, s, "the watermark", func(v keeper.LockView) bool { return v.Held && v.Record.Watermark == wm })
	if err := termCall(s, func(ctx context.Context) error { return ta.Release(ctx, nil) }); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if !closed(ta.Lost()) {
		t.Errorf("Lost is open after Release returned")
	}
	v := waitView(t, s, "free", func(v keeper.LockView) bool { return !v.Held })
	if v.Record.Node != "node-a" || v.Record.Watermark != wm || v.Record.Term != first || v.Record.Handoff != nil {
		t.Errorf("value after release: %+v, want node-a's record with watermark %+v, term %q and no hand-off", v.Record, wm, first)
	}
	late := keeper.Block{Num: 1240, Slot: 5690, Node: "node-a"}
	if err := termCall(s, func(ctx context.Context) error { return ta.SetWatermark(ctx, late) }); err == nil {
		t.Errorf("SetWatermark after Release succeeded")
	}
	s.sleep(2 * contractPoll)
	if v := s.view(); v.Record.Watermark != wm {
		t.Errorf("watermark after a refused write: %+v, want %+v", v.Record.Watermark, wm)
	}
	ta2, err := s.acquire("node-a", record("node-a", keeper.RoleA))
	if err != nil {
		t.Fatalf("Acquire right after a release: %v (a release must not arm the lock-delay)", err)
	}
	defer release(s, ta2)
	v = waitView(t, s, "held again", func(v keeper.LockView) bool { return v.Held })
	if v.Record.Term == "" || v.Record.Term == first {
		t.Errorf("second acquisition's term %q, want one different from the first (%q)", v.Record.Term, first)
	}
	if v.Record.Watermark != (keeper.Block{}) {
		t.Errorf("second acquisition's watermark %+v, want the one it wrote (none)", v.Record.Watermark)
	}
}

// propHandoffRelease: Release with a hand-off records To and the watermark in the value and
// frees the lock at once: the named node acquires at its first attempt, under a new term, and
// its acquisition clears the hand-off.
func propHandoffRelease(t *testing.T, s lockSide) {
	ta, err := s.acquire("node-a", record("node-a", keeper.RoleA))
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	first := waitView(t, s, "held by node-a", func(v keeper.LockView) bool { return v.Held && v.Record.Node == "node-a" }).Record.Term
	wm := keeper.Block{Num: 777, Slot: 9999, Node: "node-a"}
	if err := termCall(s, func(ctx context.Context) error { return ta.SetWatermark(ctx, wm) }); err != nil {
		t.Fatalf("SetWatermark: %v", err)
	}
	h := &keeper.Handoff{To: "node-b", Watermark: wm}
	if err := termCall(s, func(ctx context.Context) error { return ta.Release(ctx, h) }); err != nil {
		t.Fatalf("Release with a hand-off: %v", err)
	}
	if !closed(ta.Lost()) {
		t.Errorf("Lost is open after Release returned")
	}
	v := waitView(t, s, "free with a hand-off", func(v keeper.LockView) bool { return !v.Held && v.Record.Handoff != nil })
	if got := v.Record.Handoff; got.To != "node-b" || got.Watermark != wm {
		t.Errorf("hand-off in the value: to %q watermark %+v, want to node-b at %+v", got.To, got.Watermark, wm)
	}
	if v.Record.Node != "node-a" || v.Record.Watermark != wm {
		t.Errorf("value after the hand-off: %+v, want node-a's record with its watermark", v.Record)
	}
	tb, err := s.acquire("node-b", record("node-b", keeper.RoleB))
	if err != nil {
		t.Fatalf("the hand-off's target could not acquire at once: %v", err)
	}
	defer release(s, tb)
	v = waitView(t, s, "held by node-b", func(v keeper.LockView) bool { return v.Held && v.Record.Node == "node-b" })
	if v.Record.Term == "" || v.Record.Term == first {
		t.Errorf("node-b's term %q, want one different from node-a's (%q)", v.Record.Term, first)
	}
	if v.Record.Handoff != nil {
		t.Errorf("the new holder's value kept the hand-off: %+v", *v.Record.Handoff)
	}
}

// propExpiry: a holder whose renewals stop (it cannot reach the store) keeps the lock held
// in everyone's view until the session expires, no earlier than the TTL after its last good
// renewal and no later than two TTLs after the last renewal it sent; the lock-delay then refuses every acquisition for about
// lock-delay; the rival gets the lock no earlier than the holder's FenceBy, which lies
// min(TTL, lock-delay) after the last good renewal; the holder's Lost closed LostAfter after
// that renewal, before FenceBy. A release of the old term once it reaches the store again
// fails and leaves the new holder alone, and a retire then succeeds.
func propExpiry(t *testing.T, s lockSide) {
	lt := contractLockTimings
	window := min(lt.ttl, lt.lockDelay)
	before := s.now()
	ta, err := s.acquire("node-a", record("node-a", keeper.RoleA))
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	after := s.now()
	if f := ta.FenceBy(); f.Before(before.Add(window)) || f.After(after.Add(window)) {
		t.Errorf("FenceBy right after acquiring is %s past the attempt's start, want %s (within the attempt's %s)",
			f.Sub(before), window, after.Sub(before))
	}
	first := waitView(t, s, "held by node-a", func(v keeper.LockView) bool { return v.Held && v.Record.Node == "node-a" }).Record.Term
	f0 := ta.FenceBy()
	s.sleep(3 * lt.renewEvery)
	if f := ta.FenceBy(); !f.After(f0) || f.After(s.now().Add(window)) {
		t.Errorf("FenceBy while renewals succeed: %s past the first, %s before now+window; want it to advance and stay within the window",
			f.Sub(f0), s.now().Add(window).Sub(f))
	}

	cutAt := s.now()
	s.cut("node-a")
	var lostAt, freeAt, gotAt time.Time
	var tb keeper.Term
	for end := cutAt.Add(2*lt.ttl + lt.lockDelay + 3*time.Second); s.now().Before(end); s.sleep(contractPoll) {
		now := s.now()
		if lostAt.IsZero() && closed(ta.Lost()) {
			lostAt = now
		}
		v := s.view()
		if freeAt.IsZero() && !v.Held {
			freeAt = now
		}
		if !v.Held || freeAt.IsZero() && now.Sub(cutAt) < time.Second {
			// Try while refused by lock-delay, and a few times while still held.
			tb, err = s.acquire("node-b", record("node-b", keeper.RoleB))
			if err == nil {
				gotAt = s.now()
				break
			}
			if !errors.Is(err, keeper.ErrLockHeld) {
				t.Errorf("Acquire by node-b at +%s after the cut: %v, want an error wrapping keeper.ErrLockHeld", now.Sub(cutAt), err)
			}
		}
	}
	if tb == nil {
		t.Fatalf("node-b never acquired the lock of a holder cut off %s ago", s.now().Sub(cutAt))
	}
	defer release(s, tb)

	fenceBy := ta.FenceBy()
	lastGood := fenceBy.Add(-window)
	t.Logf("after the last good renewal: Lost %s, lock free %s, rival holds %s; cut %s after it",
		lostAt.Sub(lastGood), freeAt.Sub(lastGood), gotAt.Sub(lastGood), cutAt.Sub(lastGood))
	if !lastGood.After(cutAt.Add(-lt.lostAfter)) || lastGood.After(cutAt.Add(contractSlack)) {
		t.Errorf("last good renewal (FenceBy - %s) %s before the cut, want within LostAfter (%s) before it, the term being held then",
			window, cutAt.Sub(lastGood), lt.lostAfter)
	}
	switch {
	case lostAt.IsZero():
		t.Errorf("Lost never closed")
	case lostAt.After(lastGood.Add(lt.lostAfter + contractSlack)):
		t.Errorf("Lost closed %s after the last good renewal, want by LostAfter (%s)", lostAt.Sub(lastGood), lt.lostAfter)
	case !lostAt.Before(fenceBy):
		t.Errorf("Lost closed %s after FenceBy, want before it", lostAt.Sub(fenceBy))
	}
	switch {
	case freeAt.IsZero():
		t.Errorf("the view never showed the lock free")
	case freeAt.Before(lastGood.Add(lt.ttl)):
		t.Errorf("the lock was free %s after the last good renewal, before the TTL (%s)", freeAt.Sub(lastGood), lt.ttl)
	case freeAt.After(lastGood.Add(lt.lostAfter + 2*lt.ttl + contractSlack)):
		// A renewal sent after the last good one may have reached the store with its answer
		// lost; the holder sends none later than LostAfter after the last good one.
		t.Errorf("the lock was free only %s after the last good renewal, want within LostAfter and two TTLs (%s)",
			freeAt.Sub(lastGood), lt.lostAfter+2*lt.ttl)
	}
	if gotAt.Before(fenceBy) {
		t.Errorf("node-b acquired %s before node-a's FenceBy", fenceBy.Sub(gotAt))
	}
	if !freeAt.IsZero() {
		if d := gotAt.Sub(freeAt); d < lt.lockDelay-contractSlack || d > lt.lockDelay+2*contractSlack {
			t.Errorf("node-b acquired %s after the lock showed free, want the lock-delay (%s)", d, lt.lockDelay)
		}
	}
	v := waitView(t, s, "held by node-b", func(v keeper.LockView) bool { return v.Held && v.Record.Node == "node-b" })
	if v.Record.Term == first {
		t.Errorf("node-b's term is node-a's (%q)", first)
	}

	s.restore("node-a")
	if err := termCall(s, func(ctx context.Context) error { return ta.Release(ctx, &keeper.Handoff{To: "node-c"}) }); err == nil {
		t.Errorf("Release of a term whose session lost the lock succeeded, want an error")
	}
	s.sleep(2 * contractPoll)
	if v := s.view(); !v.Held || v.Record.Node != "node-b" || v.Record.Handoff != nil {
		t.Errorf("the stale term's release changed the new holder's lock: %+v", v)
	}
	if err := termCall(s, func(ctx context.Context) error { return ta.Retire(ctx) }); err != nil {
		t.Errorf("Retire of a term that no longer holds the lock: %v, want nil", err)
	}
	if v := s.view(); !v.Held || v.Record.Node != "node-b" {
		t.Errorf("the stale term's retire changed the new holder's lock: %+v", v)
	}
}

func record(node string, role keeper.Role) keeper.LockRecord {
	return keeper.LockRecord{Node: node, Role: role}
}

// termCall runs one call of a term with the side's context.
func termCall(s lockSide, f func(ctx context.Context) error) error {
	ctx, cancel := s.ctx()
	defer cancel()
	return f(ctx)
}

// release gives a term up at the end of a property.
func release(s lockSide, t keeper.Term) {
	_ = termCall(s, func(ctx context.Context) error { return t.Release(ctx, nil) })
}

// waitView polls the side's view until ok holds, or fails the test after a few seconds.
func waitView(t *testing.T, s lockSide, what string, ok func(keeper.LockView) bool) keeper.LockView {
	t.Helper()
	var v keeper.LockView
	for end := s.now().Add(3 * time.Second); s.now().Before(end); s.sleep(contractPoll / 2) {
		if v = s.view(); ok(v) {
			return v
		}
	}
	t.Fatalf("the view never showed the lock %s; last view %+v", what, v)
	return v
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// simLockSide is the simulated lock.
type simLockSide struct{ h *harness }

func newSimLockSide(t *testing.T, seed int64) *simLockSide {
	return &simLockSide{h: newHarness(t, seed, contractLockTimings)}
}

func (s *simLockSide) acquire(node string, rec keeper.LockRecord) (keeper.Term, error) {
	var tm keeper.Term
	var err error
	ctx, cancel := s.ctx()
	defer cancel()
	s.h.do(node, func() { tm, err = s.h.lockAPI(node).Acquire(ctx, rec) })
	if err != nil {
		return nil, err
	}
	return simTerm{h: s.h, owner: node, t: tm}, nil
}

// view is the lock as a watch reads it: the simulated watches deliver exactly this, later.
func (s *simLockSide) view() keeper.LockView { return s.h.w.consul.view() }
func (s *simLockSide) cut(node string)       { s.h.w.consul.cut[node] = true }
func (s *simLockSide) restore(node string)   { s.h.w.consul.cut[node] = false }
func (s *simLockSide) now() time.Time        { return s.h.now() }
func (s *simLockSide) sleep(d time.Duration) { s.h.advance(d) }

func (s *simLockSide) ctx() (context.Context, context.CancelFunc) {
	return s.h.ctx(keeper.DefaultConfig().CallTimeout)
}

// consulLockSide is keeper.ElectionLock on a Consul dev agent: each node has its own client
// through a proxy the property can cut, and a direct observer's Watch supplies the views.
type consulLockSide struct {
	t        *testing.T
	srv      *consultest.Server
	producer string
	locks    map[string]keeper.Lock
	proxies  map[string]*consultest.Proxy

	mu     sync.Mutex
	latest keeper.LockView
}

var consulSideSeq int

func newConsulLockSide(t *testing.T, srv *consultest.Server) *consulLockSide {
	consulSideSeq++
	s := &consulLockSide{t: t, srv: srv, producer: fmt.Sprintf("contract%d", consulSideSeq),
		locks: map[string]keeper.Lock{}, proxies: map[string]*consultest.Proxy{}}
	for _, n := range []string{"node-a", "node-b", "node-c"} {
		p := consultest.NewProxy(t, srv.HTTPAddr)
		s.proxies[n] = p
		s.locks[n] = keeper.ElectionLock(s.election(p.Addr, n))
	}
	ctx, cancel := context.WithCancel(context.Background())
	views := keeper.ElectionLock(s.election(srv.HTTPAddr, "observer")).Watch(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range views {
			if v.Err == nil {
				s.mu.Lock()
				s.latest = v
				s.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return s
}

func (s *consulLockSide) election(addr, node string) *election.Election {
	lt := contractLockTimings
	e, err := election.New(election.Config{
		Client:         consultest.NewClient(s.t, addr),
		Producer:       s.producer,
		Node:           node,
		SessionTTL:     lt.ttl,
		MinSessionTTL:  time.Second,
		RenewInterval:  lt.renewEvery,
		LostAfter:      lt.lostAfter,
		RequestTimeout: lt.requestTimeout,
		LockDelay:      lt.lockDelay,
	})
	if err != nil {
		s.t.Fatalf("election.New(%s): %v", node, err)
	}
	return e
}

func (s *consulLockSide) acquire(node string, rec keeper.LockRecord) (keeper.Term, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	tm, err := s.locks[node].Acquire(ctx, rec)
	if err == nil {
		s.t.Cleanup(func() {
			s.proxies[node].Restore()
			release(s, tm)
		})
	}
	return tm, err
}

func (s *consulLockSide) view() keeper.LockView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest
}

func (s *consulLockSide) cut(node string)       { s.proxies[node].Cut(consultest.Refuse) }
func (s *consulLockSide) restore(node string)   { s.proxies[node].Restore() }
func (s *consulLockSide) now() time.Time        { return time.Now() }
func (s *consulLockSide) sleep(d time.Duration) { time.Sleep(d) }

func (s *consulLockSide) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), keeper.DefaultConfig().CallTimeout)
}
