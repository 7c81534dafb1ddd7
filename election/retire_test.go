package election

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
)

// A holder cut off from Consul loses its term and cannot release it; once Consul answers
// again, Retire frees the lock its unrenewed session still holds, so the lock is free at once
// instead of after the session's expiry and the lock-delay.
func TestRetireFreesLockOfLostTerm(t *testing.T) {
	t.Parallel()
	srv := consultest.Start(t)
	proxy := consultest.NewProxy(t, srv.HTTPAddr)
	cfg := fastConfig(consultest.NewClient(t, proxy.Addr), "retire", "holder")
	// The session outlives the test's cut by far: only Retire can free the lock in time.
	cfg.SessionTTL, cfg.LockDelay = 30*time.Second, 30*time.Second
	e := newElection(t, cfg)
	term := acquire(t, e, Record{})
	if err := term.Retire(context.Background()); !errors.Is(err, ErrNotReleased) {
		t.Fatalf("Retire of a held term = %v, want ErrNotReleased", err)
	}

	proxy.Cut(consultest.Refuse)
	select {
	case <-term.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("term not lost while cut off")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := term.Release(ctx, nil); err == nil {
		t.Fatal("Release succeeded while cut off")
	}
	if err := term.Retire(ctx); err == nil {
		t.Fatal("Retire succeeded while cut off")
	}
	pair, _, err := srv.Client().KV().Get(e.Key(), &api.QueryOptions{RequireConsistent: true})
	if err != nil || pair == nil || pair.Session != term.Session() {
		t.Fatalf("lock key while cut off = %+v, %v; want still held by the lost session %s", pair, err, term.Session())
	}

	proxy.Restore()
	if err := term.Retire(context.Background()); err != nil {
		t.Fatalf("Retire after the cut: %v", err)
	}
	pair, _, err = srv.Client().KV().Get(e.Key(), &api.QueryOptions{RequireConsistent: true})
	if err != nil || pair == nil || pair.Session != "" {
		t.Fatalf("lock key after Retire = %+v, %v; want free", pair, err)
	}
	rival := newElection(t, fastConfig(srv.Client(), "retire", "rival"))
	next, err := rival.TryAcquire(context.Background(), Record{})
	if err != nil {
		t.Fatalf("rival could not acquire right after Retire (no lock-delay applies to a release): %v", err)
	}
	t.Cleanup(func() { releaseQuietly(next) })
	if err := term.Retire(context.Background()); err != nil {
		t.Fatalf("second Retire, the key now held by a rival: %v, want nil (nothing of the term holds it)", err)
	}
	pair, _, err = srv.Client().KV().Get(e.Key(), &api.QueryOptions{RequireConsistent: true})
	if err != nil || pair == nil || pair.Session != next.Session() {
		t.Fatalf("rival's lock after a second Retire = %+v, %v; want untouched", pair, err)
	}
}
