package keepertest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
)

// next receives one view or fails the test.
func next(t *testing.T, views <-chan keeper.LockView) keeper.LockView {
	t.Helper()
	select {
	case v, ok := <-views:
		if !ok {
			t.Fatal("watch closed")
		}
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no view delivered")
	}
	panic("unreachable")
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestLockWatchDeliversChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	lock := keepertest.NewLock()
	views := lock.Watch(ctx)
	if v := next(t, views); v.Held || v.Maintenance || v.SwitchoverTo != "" {
		t.Fatalf("first view of a new lock = %+v, want free and no flags", v)
	}
	term, err := lock.Acquire(ctx, keeper.LockRecord{Node: "a", Role: keeper.RoleA})
	if err != nil {
		t.Fatal(err)
	}
	if v := next(t, views); !v.Held || v.Record.Node != "a" {
		t.Fatalf("view after a's Acquire = %+v, want held by a", v)
	}
	if err := term.SetWatermark(ctx, keeper.Block{Num: 42, Node: "a"}); err != nil {
		t.Fatal(err)
	}
	lock.SetMaintenance(true)
	lock.RequestSwitchover("b")
	// The undelivered views were replaced: the next one has all three changes.
	v := next(t, views)
	if v.Record.Watermark.Num != 42 || !v.Maintenance || v.SwitchoverTo != "b" || v.SwitchoverAt.IsZero() {
		t.Fatalf("latest view = %+v, want watermark 42, maintenance and a switchover to b", v)
	}
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	lock.RequestSwitchoverAt("c", at)
	if v := next(t, views); v.SwitchoverTo != "c" || !v.SwitchoverAt.Equal(at) {
		t.Fatalf("view after RequestSwitchoverAt = %+v, want a switchover to c at %s", v, at)
	}
	cancel()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-views:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch not closed after its context ended")
		}
	}
}

func TestLockReleaseKeepsValueAndHandoff(t *testing.T) {
	ctx := context.Background()
	lock := keepertest.NewLock()
	term, err := lock.Acquire(ctx, keeper.LockRecord{Node: "a", Role: keeper.RoleA})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(term.FenceBy()); d <= 0 || d > keepertest.DefaultFenceAfter {
		t.Fatalf("FenceBy is %s away, want within (0, %s]", d, keepertest.DefaultFenceAfter)
	}
	lock.RequestSwitchover("b")
	if err := term.Release(ctx, &keeper.Handoff{To: "b"}); err != nil {
		t.Fatal(err)
	}
	if !closed(term.Lost()) {
		t.Fatal("Lost still open after Release")
	}
	if h := lock.Holder(); h != "" {
		t.Fatalf("holder after Release = %q, want none", h)
	}
	rec := lock.Record()
	if rec.Node != "a" || rec.Handoff == nil || rec.Handoff.To != "b" {
		t.Fatalf("value after Release = %+v, want a's record with a hand-off to b", rec)
	}
	if v := <-lock.Watch(ctx); v.SwitchoverTo != "" {
		t.Fatalf("switchover request %q survived the hand-off", v.SwitchoverTo)
	}
	if err := term.SetWatermark(ctx, keeper.Block{Num: 1}); !errors.Is(err, keeper.ErrLockHeld) {
		t.Fatalf("SetWatermark after Release = %v, want ErrLockHeld", err)
	}
}

func TestLockRevokeAndFreeze(t *testing.T) {
	ctx := context.Background()
	lock := keepertest.NewLock()
	a, err := lock.Acquire(ctx, keeper.LockRecord{Node: "a"})
	if err != nil {
		t.Fatal(err)
	}
	lock.Freeze("a")
	if err := a.Release(ctx, nil); err == nil {
		t.Fatal("a frozen agent's Release succeeded")
	}
	if err := a.Retire(ctx); err == nil {
		t.Fatal("a frozen agent's Retire succeeded")
	}
	if h := lock.Holder(); h != "a" || closed(a.Lost()) {
		t.Fatalf("frozen holder lost the lock on its own (holder %q)", h)
	}
	lock.Revoke()
	if !closed(a.Lost()) || lock.Holder() != "" {
		t.Fatalf("Revoke left holder %q, Lost closed %t", lock.Holder(), closed(a.Lost()))
	}
	b, err := lock.Acquire(ctx, keeper.LockRecord{Node: "b"})
	if err != nil {
		t.Fatalf("Acquire after Revoke: %v", err)
	}
	if err := b.Retire(ctx); err != nil || lock.Holder() != "" {
		t.Fatalf("Retire = %v, holder %q; want the lock freed", err, lock.Holder())
	}
}
