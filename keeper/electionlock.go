package keeper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/election"
)

// SwitchoverRequest is the operator's request, stored beside the lock, that the holder hand
// production to another node between our producer's turns.
type SwitchoverRequest struct {
	To string    `json:"to"`
	By string    `json:"by,omitempty"`
	At time.Time `json:"at"`
}

// SwitchoverKey returns the Consul key of the switchover request for an election.
func SwitchoverKey(e *election.Election) string { return path.Dir(e.Key()) + "/switchover" }

// ElectionLock adapts a Consul election to the keeper's Lock. client must be the Consul client
// the election uses; it also watches the maintenance flag and the switchover request.
func ElectionLock(e *election.Election, client *api.Client) Lock {
	return &electionLock{e: e, kv: client.KV()}
}

type electionLock struct {
	e  *election.Election
	kv *api.KV
}

func (l *electionLock) Acquire(ctx context.Context, rec LockRecord) (Term, error) {
	t, err := l.e.TryAcquire(ctx, election.Record{
		Node:      rec.Node,
		Role:      string(rec.Role),
		Watermark: toWatermark(rec.Watermark),
	})
	if errors.Is(err, election.ErrHeld) || errors.Is(err, election.ErrLockDelay) || errors.Is(err, election.ErrConflict) {
		return nil, fmt.Errorf("%w: %w", ErrLockHeld, err)
	}
	if err != nil {
		return nil, err
	}
	return electionTerm{t}, nil
}

// Watch merges three Consul blocking-query watches (lock key, maintenance flag, switchover
// request) into one channel that keeps only the latest view. All goroutines end with ctx.
func (l *electionLock) Watch(ctx context.Context) <-chan LockView {
	out := make(chan LockView, 1)
	var (
		mu    sync.Mutex
		view  LockView
		ready int // bit per watch that has delivered; the view goes out once all three have
		wg    sync.WaitGroup
	)
	update := func(bit int, f func(*LockView)) {
		mu.Lock()
		defer mu.Unlock()
		f(&view)
		ready |= bit
		if ready != 7 {
			return
		}
		select {
		case <-out:
		default:
		}
		out <- view
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		for s := range l.e.Watch(ctx) {
			update(1, func(v *LockView) {
				v.Err = s.Err
				if s.Err == nil {
					v.Held, v.Record = s.Held, fromRecord(s.Record)
				}
			})
		}
	}()
	go func() {
		defer wg.Done()
		l.watchKey(ctx, l.e.MaintenanceKey(), func(pair *api.KVPair) {
			m, err := l.e.Maintenance(ctx)
			update(2, func(v *LockView) {
				if err != nil {
					v.Err = err
					return
				}
				v.Maintenance, v.MaintenanceReason = m.On, m.Reason
			})
		})
	}()
	go func() {
		defer wg.Done()
		l.watchKey(ctx, SwitchoverKey(l.e), func(pair *api.KVPair) {
			var req SwitchoverRequest
			if pair != nil {
				if err := json.Unmarshal(pair.Value, &req); err != nil {
					update(4, func(v *LockView) { v.Err = fmt.Errorf("switchover request %s: %w", pair.Key, err) })
					return
				}
			}
			update(4, func(v *LockView) { v.SwitchoverTo, v.SwitchoverAt = req.To, req.At })
		})
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// watchKey calls f with the key's value (nil when absent) at start and after every change,
// using Consul blocking queries, until ctx ends.
func (l *electionLock) watchKey(ctx context.Context, key string, f func(*api.KVPair)) {
	bo := backoff.NewExponentialBackOff(backoff.WithInitialInterval(100*time.Millisecond),
		backoff.WithMaxInterval(5*time.Second), backoff.WithMaxElapsedTime(0))
	var index uint64
	first := true
	for ctx.Err() == nil {
		q := (&api.QueryOptions{WaitIndex: index, WaitTime: 5 * time.Minute}).WithContext(ctx)
		pair, meta, err := l.kv.Get(key, q)
		if err != nil {
			t := time.NewTimer(bo.NextBackOff())
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
			continue
		}
		bo.Reset()
		prev := index
		index = meta.LastIndex
		if index < prev {
			index = 0 // the index went backwards: start over, as Consul's docs say
		}
		if first || index != prev {
			first = false
			f(pair)
		}
	}
}

type electionTerm struct{ t *election.Term }

func (t electionTerm) Lost() <-chan struct{} { return t.t.Lost() }
func (t electionTerm) FenceBy() time.Time    { return t.t.FenceBy() }

func (t electionTerm) SetWatermark(ctx context.Context, wm Block) error {
	return t.t.UpdateWatermark(ctx, toWatermark(wm))
}

func (t electionTerm) Release(ctx context.Context, h *Handoff) error {
	if h == nil {
		return t.t.Release(ctx, nil)
	}
	return t.t.Release(ctx, &election.Handoff{To: h.To, Watermark: toWatermark(h.Watermark)})
}

func toWatermark(b Block) election.Watermark {
	return election.Watermark{BlockNum: b.Num, Slot: b.Slot, Node: b.Node}
}

func fromWatermark(w election.Watermark) Block {
	return Block{Num: w.BlockNum, Slot: w.Slot, Node: w.Node}
}

func fromRecord(r election.Record) LockRecord {
	rec := LockRecord{Node: r.Node, Role: Role(r.Role), Watermark: fromWatermark(r.Watermark)}
	if r.Handoff != nil {
		rec.Handoff = &Handoff{To: r.Handoff.To, Watermark: fromWatermark(r.Handoff.Watermark)}
	}
	return rec
}
