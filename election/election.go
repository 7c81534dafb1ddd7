package election

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"
)

// Election is the Consul lock for one producer. Its methods are safe for
// concurrent use; it holds no state besides its configuration.
type Election struct {
	cfg            Config
	log            hclog.Logger
	key            string
	maintenanceKey string
	handoffKey     string
}

// New validates cfg, fills in its defaults and returns the election.
func New(cfg Config) (*Election, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	base := cfg.Prefix + "/" + cfg.Producer
	return &Election{
		cfg:            cfg,
		log:            cfg.Logger.Named("election"),
		key:            base + "/leader",
		maintenanceKey: base + "/maintenance",
		handoffKey:     base + "/switchover",
	}, nil
}

// Key returns the lock key.
func (e *Election) Key() string { return e.key }

// MaintenanceKey returns the maintenance flag's key.
func (e *Election) MaintenanceKey() string { return e.maintenanceKey }

// Config returns the configuration with defaults filled in.
func (e *Election) Config() Config { return e.cfg }

// TryAcquire makes one attempt to take the lock, writing rec as the key's
// value (Session and AcquiredAt are filled in, Node defaults to
// Config.Node, Handoff is cleared). A non-empty rec.Session names the session
// whose value the caller read: the attempt fails with ErrConflict when the
// key's value was written by another since. It returns ErrHeld when another session
// holds the lock, ErrLockDelay while Consul's lock-delay refuses it,
// ErrConflict when the key changed during the attempt and ErrForeignValue
// when the key holds something else than a record. ctx bounds only the
// attempt; the returned Term lives until Release and must be released.
//
// The attempt reads the key, creates a session and locks the key in one
// transaction that also checks the key is unchanged since the read.
func (e *Election) TryAcquire(ctx context.Context, rec Record) (*Term, error) {
	pair, err := e.get(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("election: acquire %s: %w", e.key, err)
	}
	guard := &api.KVTxnOp{Verb: api.KVCheckNotExists, Key: e.key}
	if pair != nil {
		if pair.Session != "" {
			return nil, ErrHeld
		}
		cur, err := decodeRecord(pair.Value)
		if err != nil {
			return nil, fmt.Errorf("election: acquire %s: %w", e.key, err)
		}
		if rec.Session != "" && cur.Session != rec.Session {
			return nil, fmt.Errorf("%w: the value was written by session %s, not %s as read", ErrConflict, cur.Session, rec.Session)
		}
		guard = &api.KVTxnOp{Verb: api.KVCheckIndex, Key: e.key, Index: pair.ModifyIndex}
	}

	sent := time.Now()
	cctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	sid, err := e.createSession(cctx)
	cancel()
	if err != nil {
		return nil, err
	}

	if rec.Node == "" {
		rec.Node = e.cfg.Node
	}
	rec.Session = sid
	rec.AcquiredAt = time.Now().UTC()
	rec.Handoff = nil
	value, err := encodeRecord(rec)
	if err != nil {
		e.abandon(sid)
		return nil, err
	}
	// The lock must be confirmed before the term would already be lost.
	lctx, cancel := context.WithDeadline(ctx, minTime(time.Now().Add(e.cfg.RequestTimeout), sent.Add(e.cfg.LostAfter)))
	results, err := e.kvTxn(lctx, guard, &api.KVTxnOp{Verb: api.KVLock, Key: e.key, Value: value, Session: sid})
	cancel()
	if err != nil {
		e.abandon(sid)
		return nil, acquireError(e.key, err)
	}
	kv := lastKV(results)
	if kv == nil || kv.Session != sid {
		e.abandon(sid)
		return nil, fmt.Errorf("election: acquire %s: lock result does not name our session", e.key)
	}
	t := newTerm(e, sid, rec, kv.LockIndex, kv.ModifyIndex, sent)
	e.log.Info("lock acquired", "key", e.key, "session", sid, "lock_index", kv.LockIndex)
	return t, nil
}

// acquireError maps a failed lock transaction to the election's errors.
func acquireError(key string, err error) error {
	var te *txnError
	if !errors.As(err, &te) {
		return fmt.Errorf("election: acquire %s: %w", key, err)
	}
	op, what := te.failedOp()
	switch {
	case strings.Contains(what, "lock delay"):
		return fmt.Errorf("%w: %s", ErrLockDelay, key)
	case op == 0:
		return fmt.Errorf("%w: %s", ErrConflict, key)
	case strings.Contains(what, "already held"):
		return fmt.Errorf("%w: %s", ErrHeld, key)
	default:
		return fmt.Errorf("election: acquire %s: %w", key, err)
	}
}

// abandon destroys a session that did not get the lock, so it does not
// linger until its TTL.
func (e *Election) abandon(sid string) {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.RequestTimeout)
	defer cancel()
	if err := e.destroySession(ctx, sid); err != nil {
		e.log.Warn("destroy unused session failed", "session", sid, "error", err)
	}
}

// Leader returns the record in the lock key and whether a session holds the
// lock. The record stays after release (with any hand-off); a missing key
// gives a zero Record and false. A value that is not a record is
// ErrForeignValue.
func (e *Election) Leader(ctx context.Context) (Record, bool, error) {
	pair, err := e.get(ctx, false)
	if err != nil {
		return Record{}, false, fmt.Errorf("election: leader %s: %w", e.key, err)
	}
	if pair == nil {
		return Record{}, false, nil
	}
	rec, err := decodeRecord(pair.Value)
	if err != nil {
		return Record{}, pair.Session != "", fmt.Errorf("election: leader %s: %w", e.key, err)
	}
	return rec, pair.Session != "", nil
}

// get reads the lock key once.
func (e *Election) get(ctx context.Context, consistent bool) (*api.KVPair, error) {
	q := &api.QueryOptions{RequireConsistent: consistent}
	pair, _, err := e.cfg.Client.KV().Get(e.key, q.WithContext(ctx))
	return pair, err
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
