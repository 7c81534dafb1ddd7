package election

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/consul/api"
)

// Term is one holding of the lock, from TryAcquire to Release. One goroutine
// per term renews the session and watches the lock key; it exits when Lost
// closes, and Release waits for it. A Term's methods are safe for concurrent
// use.
//
// Holding can never be proven, only disproven late: a holder must stop
// producing when Lost closes and be paused before FenceBy.
type Term struct {
	e         *Election
	session   string
	lockIndex uint64

	lost     chan struct{}
	lostOnce sync.Once
	cancel   context.CancelFunc
	done     chan struct{}
	released atomic.Bool

	// wmu serialises the term's own writes to the lock key.
	wmu sync.Mutex

	mu          sync.Mutex
	rec         Record
	modifyIndex uint64
	lastGood    time.Time // send time of the last renewal answered 200
	err         error
}

func newTerm(e *Election, sid string, rec Record, lockIndex, modifyIndex uint64, sent time.Time) *Term {
	ctx, cancel := context.WithCancel(context.Background())
	t := &Term{
		e:           e,
		session:     sid,
		lockIndex:   lockIndex,
		lost:        make(chan struct{}),
		cancel:      cancel,
		done:        make(chan struct{}),
		rec:         rec,
		modifyIndex: modifyIndex,
		lastGood:    sent,
	}
	go t.run(ctx)
	return t
}

// Lost returns a channel that closes when holding the lock can no longer be
// proven: no renewal succeeded within Config.LostAfter of the last good
// one's send time, Consul reported the session gone, the lock key was
// deleted, overwritten or is held by another session, or the term was
// released. Err then says which.
func (t *Term) Lost() <-chan struct{} { return t.lost }

// Err returns why Lost closed, or nil while it is open.
func (t *Term) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// FenceBy returns the instant by which the holder must have stopped
// producing: the send time of the last renewal Consul answered with 200 plus
// min(SessionTTL, LockDelay). No other session can acquire the lock at or
// before this instant (see the package documentation). Lost closes
// SessionTTL-or-LockDelay minus LostAfter earlier.
func (t *Term) FenceBy() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastGood.Add(t.e.cfg.fenceWindow())
}

// LastRenewal returns the send time of the last renewal Consul answered with
// 200 (the session's creation for a new term).
func (t *Term) LastRenewal() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastGood
}

// Session returns the term's Consul session ID.
func (t *Term) Session() string { return t.session }

// LockIndex returns the lock index Consul assigned at acquisition; with the
// key and the session it identifies this term uniquely.
func (t *Term) LockIndex() uint64 { return t.lockIndex }

// Record returns the record as last written by this term.
func (t *Term) Record() Record {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rec
	if r.Handoff != nil {
		h := *r.Handoff
		r.Handoff = &h
	}
	return r
}

// lostAt is when the term gives up without a further good renewal.
func (t *Term) lostAt() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastGood.Add(t.e.cfg.LostAfter)
}

func (t *Term) renewed(sent time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if sent.After(t.lastGood) {
		t.lastGood = sent
	}
}

// lose records the reason and closes Lost, once.
func (t *Term) lose(reason error) {
	t.lostOnce.Do(func() {
		t.mu.Lock()
		t.err = reason
		since := time.Since(t.lastGood)
		t.mu.Unlock()
		close(t.lost)
		if errors.Is(reason, ErrReleased) {
			t.e.log.Info("term ended", "key", t.e.key, "session", t.session)
			return
		}
		t.e.log.Warn("leadership lost", "key", t.e.key, "session", t.session,
			"reason", reason, "since_last_renewal", since)
	})
}

// isLost reports whether Lost is closed.
func (t *Term) isLost() bool {
	select {
	case <-t.lost:
		return true
	default:
		return false
	}
}

// UpdateWatermark writes w into the record in the lock key, only if this
// term's session still holds the key and nothing else wrote it since. It
// returns an error wrapping ErrLost when the term is lost or the guarded
// write is refused.
func (t *Term) UpdateWatermark(ctx context.Context, w Watermark) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if t.isLost() {
		return fmt.Errorf("%w: %w", ErrLost, t.Err())
	}
	lostAt := t.lostAt()
	if !time.Now().Before(lostAt) {
		return fmt.Errorf("%w: %w", ErrLost, ErrRenewTimeout)
	}
	rec := t.Record()
	rec.Watermark = w
	value, err := encodeRecord(rec)
	if err != nil {
		return err
	}
	t.mu.Lock()
	index := t.modifyIndex
	t.mu.Unlock()
	wctx, cancel := context.WithDeadline(ctx, minTime(time.Now().Add(t.e.cfg.RequestTimeout), lostAt))
	defer cancel()
	results, err := t.e.kvTxn(wctx,
		&api.KVTxnOp{Verb: api.KVCheckSession, Key: t.e.key, Session: t.session},
		&api.KVTxnOp{Verb: api.KVCheckIndex, Key: t.e.key, Index: index},
		&api.KVTxnOp{Verb: api.KVLock, Key: t.e.key, Value: value, Session: t.session},
	)
	var te *txnError
	if errors.As(err, &te) {
		return fmt.Errorf("%w: watermark write refused: %w", ErrLost, err)
	}
	if err != nil {
		return fmt.Errorf("election: update watermark: %w", err)
	}
	t.mu.Lock()
	t.rec = rec
	if kv := lastKV(results); kv != nil && kv.ModifyIndex > t.modifyIndex {
		t.modifyIndex = kv.ModifyIndex
	}
	t.mu.Unlock()
	return nil
}

// Release ends the term: it stops renewal (closing Lost), unlocks the key
// writing the record with handoff (nil for none) if this session still holds
// it, then destroys the session. Call it once per term, also after Lost, and
// only after the producer is paused: an unlock frees the key at once, with
// no lock-delay. Each request is bounded by ctx and Config.RequestTimeout. A
// second call returns ErrReleased.
func (t *Term) Release(ctx context.Context, handoff *Handoff) error {
	if !t.released.CompareAndSwap(false, true) {
		return ErrReleased
	}
	t.cancel()
	<-t.done
	return t.giveUp(ctx, handoff)
}

// Retire finishes giving up a released term whose Release failed (Consul unreachable then): it
// unlocks the key if this term's session still holds it, and destroys the session, so a lock
// that only a lost, unrenewed session still holds frees without waiting for the session to
// expire and the lock-delay to pass. It returns nil once nothing of the term holds the lock.
func (t *Term) Retire(ctx context.Context) error {
	if !t.released.Load() {
		return ErrNotReleased
	}
	err := t.giveUp(ctx, nil)
	if errors.Is(err, ErrNotHeld) && !errors.Is(err, errDestroy) {
		return nil
	}
	return err
}

// giveUp unlocks the key held by this term's session, recording handoff, and destroys the session.
func (t *Term) giveUp(ctx context.Context, handoff *Handoff) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	rec := t.Record()
	if handoff != nil {
		h := *handoff
		if h.At.IsZero() {
			h.At = time.Now().UTC()
		}
		rec.Handoff = &h
	}
	var errs []error
	value, err := encodeRecord(rec)
	if err == nil {
		uctx, cancel := context.WithTimeout(ctx, t.e.cfg.RequestTimeout)
		_, err = t.e.kvTxn(uctx,
			&api.KVTxnOp{Verb: api.KVCheckSession, Key: t.e.key, Session: t.session},
			&api.KVTxnOp{Verb: api.KVUnlock, Key: t.e.key, Value: value, Session: t.session},
		)
		cancel()
		var te *txnError
		switch {
		case errors.As(err, &te):
			errs = append(errs, fmt.Errorf("election: release %s: %w: %w", t.e.key, ErrNotHeld, err))
		case err != nil:
			errs = append(errs, fmt.Errorf("election: release %s: %w", t.e.key, err))
		default:
			t.mu.Lock()
			t.rec = rec
			t.mu.Unlock()
		}
	} else {
		errs = append(errs, err)
	}
	dctx, cancel := context.WithTimeout(ctx, t.e.cfg.RequestTimeout)
	if err := t.e.destroySession(dctx, t.session); err != nil {
		errs = append(errs, err)
	}
	cancel()
	if len(errs) == 0 {
		t.e.log.Info("lock released", "key", t.e.key, "session", t.session, "handoff", handoff != nil)
	}
	return errors.Join(errs...)
}
