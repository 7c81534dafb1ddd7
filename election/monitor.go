package election

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/hashicorp/consul/api"
)

// minWatchWait is the shortest blocking query worth sending; below it the
// term goroutine just sleeps until the next renewal.
const minWatchWait = 20 * time.Millisecond

// run is the term's goroutine. It renews the session every RenewInterval
// (retrying with backoff after a failure) and between renewals watches the
// lock key with consistent blocking queries that end before the next renewal
// is due. Every request's deadline is at most lostAt, so the loop notices
// lostAt within scheduling delay. It closes Lost and returns on the first
// proof of loss, at lostAt, or when Release cancels ctx.
func (t *Term) run(ctx context.Context) {
	defer close(t.done)
	cfg := t.e.cfg
	bo := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(max(cfg.RenewInterval/10, 10*time.Millisecond)),
		backoff.WithMaxInterval(max(cfg.RenewInterval/2, 10*time.Millisecond)),
		backoff.WithMaxElapsedTime(0),
	)
	t.mu.Lock()
	nextRenew := t.lastGood.Add(cfg.RenewInterval)
	index := t.modifyIndex
	t.mu.Unlock()
	watching := true
	for {
		if ctx.Err() != nil {
			t.lose(ErrReleased)
			return
		}
		lostAt := t.lostAt()
		now := time.Now()
		if !now.Before(lostAt) {
			t.lose(fmt.Errorf("%w: none succeeded within %s", ErrRenewTimeout, cfg.LostAfter))
			return
		}
		if !now.Before(nextRenew) {
			err := t.renewOnce(ctx, lostAt)
			switch {
			case err == nil:
				bo.Reset()
				nextRenew = t.LastRenewal().Add(cfg.RenewInterval)
				watching = true
			case errors.Is(err, errRenewNotFound):
				t.lose(fmt.Errorf("%w: renewal answered 404", ErrSessionInvalidated))
				return
			default:
				delay := bo.NextBackOff()
				nextRenew = time.Now().Add(delay)
				t.e.log.Debug("session renewal failed", "session", t.session, "error", err, "retry_in", delay)
			}
			continue
		}
		if wait := time.Until(nextRenew) * 16 / 17; watching && wait >= minWatchWait {
			next, reason, err := t.watchOnce(ctx, index, wait, minTime(nextRenew.Add(cfg.RequestTimeout), lostAt))
			if reason != nil {
				t.lose(reason)
				return
			}
			if err != nil {
				// Renewal decides; retry the watch after the next good renewal.
				watching = false
				if ctx.Err() == nil {
					t.e.log.Debug("lock key watch failed", "key", t.e.key, "error", err)
				}
				continue
			}
			index = next
			continue
		}
		timer := time.NewTimer(time.Until(minTime(nextRenew, lostAt)))
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
		timer.Stop()
	}
}

// renewOnce sends one renewal bounded by RequestTimeout and lostAt, and
// records its send time when Consul answers 200.
func (t *Term) renewOnce(ctx context.Context, lostAt time.Time) error {
	sent := time.Now()
	rctx, cancel := context.WithDeadline(ctx, minTime(sent.Add(t.e.cfg.RequestTimeout), lostAt))
	defer cancel()
	if err := t.e.renewSession(rctx, t.session); err != nil {
		return err
	}
	t.renewed(sent)
	return nil
}

// watchOnce runs one consistent blocking query on the lock key. It returns
// the index to wait on next, or a loss reason when the key no longer
// belongs to this term.
func (t *Term) watchOnce(ctx context.Context, index uint64, wait time.Duration, deadline time.Time) (uint64, error, error) {
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	q := &api.QueryOptions{RequireConsistent: true, WaitIndex: index, WaitTime: wait}
	pair, meta, err := t.e.cfg.Client.KV().Get(t.e.key, q.WithContext(wctx))
	if err != nil {
		return index, nil, err
	}
	if reason := t.check(pair); reason != nil {
		return index, reason, nil
	}
	return nextIndex(index, meta.LastIndex), nil, nil
}

// check returns a loss reason unless pair is the lock key held by this
// term's session with its lock index and a record this term wrote.
func (t *Term) check(pair *api.KVPair) error {
	if pair == nil {
		return ErrKeyDeleted
	}
	if pair.Session != t.session {
		if pair.Session == "" {
			return fmt.Errorf("%w: key released", ErrNotHeld)
		}
		return fmt.Errorf("%w: held by session %s", ErrNotHeld, pair.Session)
	}
	if pair.LockIndex != t.lockIndex {
		return fmt.Errorf("%w: lock index %d, want %d", ErrKeyOverwritten, pair.LockIndex, t.lockIndex)
	}
	rec, err := decodeRecord(pair.Value)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeyOverwritten, err)
	}
	if rec.Session != t.session {
		return fmt.Errorf("%w: record names session %s", ErrKeyOverwritten, rec.Session)
	}
	return nil
}

// nextIndex applies the blocking-query rules: start over when the index
// goes backwards, and treat 0 as 1 so a query always blocks.
func nextIndex(prev, got uint64) uint64 {
	if got < prev {
		return 0
	}
	return max(got, 1)
}
