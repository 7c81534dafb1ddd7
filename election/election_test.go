package election

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/hashicorp/consul/api"
)

func TestElection(t *testing.T) {
	t.Parallel()
	srv := consultest.Start(t)
	client := srv.Client()

	t.Run("an acquisition on a stale read is refused", func(t *testing.T) {
		a := newElection(t, fastConfig(client, "stale", "a"))
		b := newElection(t, fastConfig(client, "stale", "b"))
		first := acquire(t, a, Record{})
		read := first.Session()
		if err := first.Release(context.Background(), &Handoff{To: "b"}); err != nil {
			t.Fatal(err)
		}
		second := acquire(t, a, Record{Session: read}) // a's read is current: allowed
		if err := second.Release(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		// b decided on the first term's value (its hand-off); a later term wrote the key since.
		if _, err := b.TryAcquire(context.Background(), Record{Session: read}); !errors.Is(err, ErrConflict) {
			t.Fatalf("TryAcquire on a stale read = %v, want ErrConflict", err)
		}
		third := acquire(t, b, Record{Session: second.Session()})
		if err := third.Release(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("acquire and release", func(t *testing.T) {
		a := newElection(t, fastConfig(client, "acq", "a"))
		b := newElection(t, fastConfig(client, "acq", "b"))
		if a.Key() != "eoskeeper/acq/leader" {
			t.Fatalf("Key() = %q, want eoskeeper/acq/leader", a.Key())
		}
		term := acquire(t, a, Record{Role: "A"})

		rec, held, err := b.Leader(context.Background())
		if err != nil || !held || rec.Node != "a" || rec.Role != "A" || rec.Session != term.Session() {
			t.Fatalf("Leader() = %+v, %v, %v; want held by a with session %s", rec, held, err, term.Session())
		}
		if _, err := b.TryAcquire(context.Background(), Record{}); !errors.Is(err, ErrHeld) {
			t.Fatalf("second TryAcquire = %v, want ErrHeld", err)
		}
		if fb, want := term.FenceBy(), a.Config().fenceWindow(); !fb.After(time.Now()) || fb.Sub(term.LastRenewal()) != want {
			t.Fatalf("FenceBy = %v after last renewal; want %s, in the future", fb.Sub(term.LastRenewal()), want)
		}

		if err := term.Release(context.Background(), nil); err != nil {
			t.Fatalf("Release: %v", err)
		}
		select {
		case <-term.Lost():
		default:
			t.Fatal("Lost open after Release")
		}
		if !errors.Is(term.Err(), ErrReleased) {
			t.Fatalf("Err() after Release = %v, want ErrReleased", term.Err())
		}
		if err := term.Release(context.Background(), nil); !errors.Is(err, ErrReleased) {
			t.Fatalf("second Release = %v, want ErrReleased", err)
		}
		rec, held, err = b.Leader(context.Background())
		if err != nil || held || rec.Node != "a" {
			t.Fatalf("Leader() after release = %+v, %v, %v; want free, record of a kept", rec, held, err)
		}
		// A release is no invalidation: no lock-delay.
		tb := acquire(t, b, Record{})
		if got := tb.Record(); got.Node != "b" || got.Session != tb.Session() || got.AcquiredAt.IsZero() {
			t.Fatalf("new holder's record = %+v", got)
		}
		if err := term.UpdateWatermark(context.Background(), Watermark{BlockNum: 1}); !errors.Is(err, ErrLost) {
			t.Fatalf("UpdateWatermark on a released term = %v, want ErrLost", err)
		}
	})

	t.Run("three contenders race 100 times", func(t *testing.T) {
		var es []*Election
		for i := range 3 {
			es = append(es, newElection(t, fastConfig(client, "race", fmt.Sprintf("n%d", i))))
		}
		for round := range 100 {
			var wg sync.WaitGroup
			start := make(chan struct{})
			terms := make([]*Term, len(es))
			errs := make([]error, len(es))
			for i, e := range es {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					terms[i], errs[i] = e.TryAcquire(context.Background(), Record{})
				}()
			}
			close(start)
			wg.Wait()
			var winner *Term
			for i, term := range terms {
				if term == nil {
					if !isAny(errs[i], ErrHeld, ErrConflict) {
						t.Fatalf("round %d: contender %d refused with %v, want ErrHeld or ErrConflict", round, i, errs[i])
					}
					continue
				}
				if winner != nil {
					t.Fatalf("round %d: two holders (%s and %s)", round, winner.Session(), term.Session())
				}
				winner = term
			}
			if winner == nil {
				t.Fatalf("round %d: no holder; errors %v", round, errs)
			}
			_, held, err := es[0].Leader(context.Background())
			if err != nil || !held {
				t.Fatalf("round %d: Leader() = held %v, %v", round, held, err)
			}
			if err := winner.Release(context.Background(), nil); err != nil {
				t.Fatalf("round %d: Release: %v", round, err)
			}
		}
	})

	t.Run("watermark and hand-off", func(t *testing.T) {
		a := newElection(t, fastConfig(client, "handoff", "a"))
		b := newElection(t, fastConfig(client, "handoff", "b"))
		term := acquire(t, a, Record{Role: "A"})
		w := Watermark{BlockNum: 1234, Slot: 99, Node: "a"}
		if err := term.UpdateWatermark(context.Background(), w); err != nil {
			t.Fatalf("UpdateWatermark: %v", err)
		}
		if err := term.UpdateWatermark(context.Background(), Watermark{BlockNum: 1235, Slot: 99, Node: "a"}); err != nil {
			t.Fatalf("second UpdateWatermark: %v", err)
		}
		rec, held, err := b.Leader(context.Background())
		if err != nil || !held || rec.Watermark.BlockNum != 1235 {
			t.Fatalf("Leader() = %+v, %v, %v; want held with watermark 1235", rec, held, err)
		}
		// Our own writes keep the lock index, so the term's watch stays calm.
		select {
		case <-term.Lost():
			t.Fatalf("Lost closed after own watermark writes: %v", term.Err())
		default:
		}
		w = Watermark{BlockNum: 1236, Slot: 100, Node: "a"}
		if err := term.Release(context.Background(), &Handoff{To: "b", Watermark: w}); err != nil {
			t.Fatalf("Release with hand-off: %v", err)
		}
		rec, held, err = b.Leader(context.Background())
		if err != nil || held || rec.Handoff == nil || rec.Handoff.To != "b" || rec.Handoff.Watermark != w || rec.Handoff.At.IsZero() {
			t.Fatalf("Leader() after hand-off = %+v (handoff %+v), held %v, %v", rec, rec.Handoff, held, err)
		}
		if rec.Node != "a" || rec.Watermark.BlockNum != 1235 {
			t.Fatalf("hand-off record lost the holder's fields: %+v", rec)
		}
		tb := acquire(t, b, Record{Watermark: rec.Handoff.Watermark})
		if got, _, _ := b.Leader(context.Background()); got.Handoff != nil || got.Node != "b" || got.Watermark != w {
			t.Fatalf("record after the target acquired = %+v", got)
		}
		_ = tb
	})

	t.Run("maintenance round trip", func(t *testing.T) {
		e := newElection(t, fastConfig(client, "maint", "a"))
		ctx := context.Background()
		if m, err := e.Maintenance(ctx); err != nil || m.On {
			t.Fatalf("Maintenance() on a fresh key = %+v, %v; want off", m, err)
		}
		if err := e.SetMaintenance(ctx, true, "kernel upgrade", "alice"); err != nil {
			t.Fatal(err)
		}
		m, err := e.Maintenance(ctx)
		if err != nil || !m.On || m.Reason != "kernel upgrade" || m.By != "alice" || m.At.IsZero() {
			t.Fatalf("Maintenance() = %+v, %v; want on by alice", m, err)
		}
		if err := e.SetMaintenance(ctx, false, "done", "bob"); err != nil {
			t.Fatal(err)
		}
		if m, err := e.Maintenance(ctx); err != nil || m.On || m.By != "bob" {
			t.Fatalf("Maintenance() after off = %+v, %v; want off by bob", m, err)
		}
		if _, err := client.KV().Put(&api.KVPair{Key: e.MaintenanceKey(), Value: []byte("yes")}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Maintenance(ctx); !errors.Is(err, ErrForeignValue) {
			t.Fatalf("Maintenance() on a foreign value = %v, want ErrForeignValue", err)
		}
	})

	t.Run("foreign value is never overwritten", func(t *testing.T) {
		e := newElection(t, fastConfig(client, "foreign", "a"))
		if _, err := client.KV().Put(&api.KVPair{Key: e.Key(), Value: []byte(`{"x":1}`)}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.TryAcquire(context.Background(), Record{}); !errors.Is(err, ErrForeignValue) {
			t.Fatalf("TryAcquire on a foreign value = %v, want ErrForeignValue", err)
		}
		if _, _, err := e.Leader(context.Background()); !errors.Is(err, ErrForeignValue) {
			t.Fatalf("Leader() on a foreign value = %v, want ErrForeignValue", err)
		}
		pair, _, err := client.KV().Get(e.Key(), nil)
		if err != nil || pair == nil || string(pair.Value) != `{"x":1}` || pair.Session != "" {
			t.Fatalf("foreign key after attempts = %+v, %v; want untouched", pair, err)
		}
	})

	t.Run("watch follows the key and coalesces", func(t *testing.T) {
		a := newElection(t, fastConfig(client, "watch", "a"))
		b := newElection(t, fastConfig(client, "watch", "b"))
		ctx, cancel := context.WithCancel(context.Background())
		ch := b.Watch(ctx)
		waitState(t, ch, "initial state of a missing key", func(s LeaderState) bool { return s.Err == nil && !s.Exists })

		term := acquire(t, a, Record{})
		waitState(t, ch, "held by a", func(s LeaderState) bool { return s.Held && s.Record.Node == "a" && s.Session == term.Session() })

		// Many changes while nobody reads: the reader sees the latest.
		for i := 1; i <= 10; i++ {
			if err := term.UpdateWatermark(context.Background(), Watermark{BlockNum: uint32(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(ch); n > 1 {
			t.Fatalf("watch buffered %d states, want at most 1", n)
		}
		waitState(t, ch, "watermark 10", func(s LeaderState) bool { return s.Record.Watermark.BlockNum == 10 })

		if err := term.Release(context.Background(), &Handoff{To: "b"}); err != nil {
			t.Fatal(err)
		}
		waitState(t, ch, "free with hand-off to b", func(s LeaderState) bool {
			return s.Exists && !s.Held && s.Record.Handoff != nil && s.Record.Handoff.To == "b"
		})
		cancel()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case _, ok := <-ch:
				if !ok {
					return
				}
			case <-deadline:
				t.Fatal("watch channel not closed 10s after ctx ended")
			}
		}
	})

	t.Run("maintenance and hand-off request watches", func(t *testing.T) {
		a := newElection(t, fastConfig(client, "flags", "a"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		maint := a.WatchMaintenance(ctx)
		reqs := a.WatchHandoffRequest(ctx)
		waitState(t, maint, "maintenance off at start", func(u MaintenanceUpdate) bool { return u.Err == nil && !u.State.On })
		waitState(t, reqs, "no request at start", func(u HandoffRequestUpdate) bool { return u.Err == nil && u.Request.To == "" })

		if err := a.SetMaintenance(ctx, true, "upgrade", "ops"); err != nil {
			t.Fatal(err)
		}
		waitState(t, maint, "maintenance on", func(u MaintenanceUpdate) bool { return u.State.On && u.State.Reason == "upgrade" })
		if err := a.RequestHandoff(ctx, "b", "ops"); err != nil {
			t.Fatal(err)
		}
		got := waitState(t, reqs, "request to b", func(u HandoffRequestUpdate) bool { return u.Request.To == "b" })
		if got.Request.By != "ops" || time.Since(got.Request.At) > time.Minute {
			t.Fatalf("request = %+v, want by ops, made just now", got.Request)
		}
		if err := a.CancelHandoffRequest(ctx); err != nil {
			t.Fatal(err)
		}
		waitState(t, reqs, "request cancelled", func(u HandoffRequestUpdate) bool { return u.Err == nil && u.Request.To == "" })

		if _, err := client.KV().Put(&api.KVPair{Key: a.HandoffRequestKey(), Value: []byte(`{"to":"c"}`)}, nil); err != nil {
			t.Fatal(err)
		}
		waitState(t, reqs, "a foreign request value reported", func(u HandoffRequestUpdate) bool {
			return errors.Is(u.Err, ErrForeignValue) && u.Request.To == ""
		})
		if err := a.RequestHandoff(ctx, "", "ops"); err == nil {
			t.Fatal("RequestHandoff without a target succeeded")
		}
	})

	t.Run("lock-delay after session destroy", func(t *testing.T) {
		a := newElection(t, fastConfig(client, "delay", "a"))
		b := newElection(t, fastConfig(client, "delay", "b"))
		term := acquire(t, a, Record{})
		lost := lostAt(term)

		destroyed := time.Now()
		if _, err := client.Session().Destroy(term.Session(), nil); err != nil {
			t.Fatal(err)
		}
		lostTime := waitLost(t, lost, 5*time.Second)
		if !isAny(term.Err(), ErrNotHeld, ErrSessionInvalidated) {
			t.Fatalf("Lost reason = %v, want ErrNotHeld or ErrSessionInvalidated", term.Err())
		}
		if _, err := b.TryAcquire(context.Background(), Record{}); !errors.Is(err, ErrLockDelay) {
			t.Fatalf("TryAcquire right after destroy = %v, want ErrLockDelay", err)
		}
		got, tb := rival(contextWithTimeout(t, 10*time.Second), b)
		if tb == nil {
			t.Fatal("rival never acquired after the lock-delay")
		}
		t.Cleanup(func() { releaseQuietly(tb) })
		if d, delay := got.Sub(destroyed), b.Config().LockDelay; d <= delay {
			t.Fatalf("rival acquired %s after destroy, within the %s lock-delay", d, delay)
		}
		if !lostTime.Before(got) {
			t.Fatalf("Lost closed at %v, not before the rival acquired at %v", lostTime, got)
		}
	})
}

func contextWithTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// waitState reads ch until ok accepts a state, for at most 10s.
func waitState[T any](t testing.TB, ch <-chan T, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.After(10 * time.Second)
	var last T
	for {
		select {
		case s, open := <-ch:
			if !open {
				t.Fatalf("watch closed while waiting for %s", what)
			}
			if ok(s) {
				return s
			}
			last = s
		case <-deadline:
			t.Fatalf("no watch state %s within 10s; last %+v", what, last)
		}
	}
}
