package keeper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/eoskeeper/eoskeeper/election"
)

// ElectionLock adapts a Consul election to the keeper's Lock: the lock key, the maintenance
// flag and the operator's hand-off request, all followed by the election's blocking-query
// watches.
func ElectionLock(e *election.Election) Lock {
	return &electionLock{e: e}
}

type electionLock struct {
	e *election.Election
}

func (l *electionLock) Acquire(ctx context.Context, rec LockRecord) (Term, error) {
	t, err := l.e.TryAcquire(ctx, election.Record{
		Node:      rec.Node,
		Role:      string(rec.Role),
		Watermark: toWatermark(rec.Watermark),
		Session:   rec.Term, // the value the caller read; TryAcquire refuses a newer one
	})
	if errors.Is(err, election.ErrHeld) || errors.Is(err, election.ErrLockDelay) || errors.Is(err, election.ErrConflict) {
		return nil, fmt.Errorf("%w: %w", ErrLockHeld, err)
	}
	if err != nil {
		return nil, err
	}
	return electionTerm{t}, nil
}

// Watch merges the election's three watches (lock key, maintenance flag, hand-off request)
// into one channel that keeps only the latest view; the first view without Err goes out once
// all three have answered successfully, so a flag is never taken as off because its read
// failed. A failed read is sent at once with Err set and the last good values (zero before
// the first good view). All goroutines end with ctx, and the
// channel then closes.
func (l *electionLock) Watch(ctx context.Context) <-chan LockView {
	out := make(chan LockView, 1)
	var (
		mu    sync.Mutex
		view  LockView
		ready int // a bit per watch that has reported
		wg    sync.WaitGroup
	)
	update := func(bit int, err error, f func(*LockView)) {
		mu.Lock()
		defer mu.Unlock()
		view.Err = err
		if err == nil {
			f(&view)
			ready |= bit
		}
		if ready != 7 && err == nil {
			return
		}
		select {
		case <-out:
		default:
		}
		out <- view
	}
	follow := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	follow(func() {
		for s := range l.e.Watch(ctx) {
			update(1, s.Err, func(v *LockView) { v.Held, v.Record = s.Held, fromRecord(s.Record) })
		}
	})
	follow(func() {
		for m := range l.e.WatchMaintenance(ctx) {
			update(2, m.Err, func(v *LockView) { v.Maintenance, v.MaintenanceReason = m.State.On, m.State.Reason })
		}
	})
	follow(func() {
		for r := range l.e.WatchHandoffRequest(ctx) {
			update(4, r.Err, func(v *LockView) { v.SwitchoverTo, v.SwitchoverAt = r.Request.To, r.Request.At })
		}
	})
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

type electionTerm struct{ t *election.Term }

func (t electionTerm) Lost() <-chan struct{} { return t.t.Lost() }
func (t electionTerm) FenceBy() time.Time    { return t.t.FenceBy() }

func (t electionTerm) SetWatermark(ctx context.Context, wm Block) error {
	return t.t.UpdateWatermark(ctx, toWatermark(wm))
}

func (t electionTerm) Retire(ctx context.Context) error { return t.t.Retire(ctx) }

func (t electionTerm) Release(ctx context.Context, h *Handoff) error {
	if h == nil {
		return t.t.Release(ctx, nil)
	}
	eh := &election.Handoff{To: h.To, Watermark: toWatermark(h.Watermark), Reason: h.Reason, Head: h.Head, StoppedAt: h.StoppedAt,
		ResumeFromSlot: h.ResumeFrom}
	for _, s := range h.Successors {
		eh.Successors = append(eh.Successors, election.Successor{Node: s.Node, AfterMs: s.After.Milliseconds()})
	}
	return t.t.Release(ctx, eh)
}

func toWatermark(b Block) election.Watermark {
	return election.Watermark{BlockNum: b.Num, Slot: b.Slot, Node: b.Node}
}

func fromWatermark(w election.Watermark) Block {
	return Block{Num: w.BlockNum, Slot: w.Slot, Node: w.Node}
}

func fromRecord(r election.Record) LockRecord {
	rec := LockRecord{Node: r.Node, Role: Role(r.Role), Watermark: fromWatermark(r.Watermark), Term: r.Session}
	if h := r.Handoff; h != nil {
		rec.Handoff = &Handoff{To: h.To, Watermark: fromWatermark(h.Watermark), Reason: h.Reason, Head: h.Head, StoppedAt: h.StoppedAt,
			ResumeFrom: h.ResumeFromSlot}
		for _, s := range h.Successors {
			rec.Handoff.Successors = append(rec.Handoff.Successors, Successor{Node: s.Node, After: time.Duration(s.AfterMs) * time.Millisecond})
		}
	}
	return rec
}
