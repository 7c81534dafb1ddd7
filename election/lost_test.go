package election

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/hashicorp/consul/api"
)

// lossKind is one way a holder can lose the lock.
type lossKind struct {
	name string
	// inject causes the loss; the holder talks to Consul through p.
	inject func(t *testing.T, direct *api.Client, p *consultest.Proxy, term *Term)
	want   []error
	runs   int
}

// slack covers goroutine scheduling and one local round trip on a loaded
// machine; the bounds below are otherwise exact.
const slack = 250 * time.Millisecond

func lossKinds() []lossKind {
	return []lossKind{
		{
			name: "session destroy",
			inject: func(t *testing.T, c *api.Client, _ *consultest.Proxy, term *Term) {
				if _, err := c.Session().Destroy(term.Session(), nil); err != nil {
					t.Fatal(err)
				}
			},
			want: []error{ErrNotHeld, ErrSessionInvalidated},
			runs: 7,
		},
		{
			name: "key overwrite",
			inject: func(t *testing.T, c *api.Client, _ *consultest.Proxy, term *Term) {
				// A well-formed record, so only the reset lock index betrays the write.
				pair, _, err := c.KV().Get(term.e.Key(), nil)
				if err != nil || pair == nil {
					t.Fatalf("read lock key: %v, %v", pair, err)
				}
				if _, err := c.KV().Put(&api.KVPair{Key: pair.Key, Value: pair.Value}, nil); err != nil {
					t.Fatal(err)
				}
			},
			want: []error{ErrKeyOverwritten},
			runs: 7,
		},
		{
			name: "key delete",
			inject: func(t *testing.T, c *api.Client, _ *consultest.Proxy, term *Term) {
				if _, err := c.KV().Delete(term.e.Key(), nil); err != nil {
					t.Fatal(err)
				}
			},
			want: []error{ErrKeyDeleted},
			runs: 7,
		},
		{
			name: "network cut (blackhole)",
			inject: func(_ *testing.T, _ *api.Client, p *consultest.Proxy, _ *Term) {
				p.Cut(consultest.Blackhole)
			},
			want: []error{ErrRenewTimeout},
			runs: 5,
		},
		{
			name: "network cut (refuse)",
			inject: func(_ *testing.T, _ *api.Client, p *consultest.Proxy, _ *Term) {
				p.Cut(consultest.Refuse)
			},
			want: []error{ErrRenewTimeout},
			runs: 5,
		},
	}
}

// TestLoss checks that Lost closes for every kind of loss within the
// documented bound (LostAfter after the last good renewal's send) and before
// a rival acquires the lock, and logs the detection latency of each kind.
func TestLoss(t *testing.T) {
	t.Parallel()
	srv := consultest.Start(t)
	direct := srv.Client()
	for _, kind := range lossKinds() {
		t.Run(kind.name, func(t *testing.T) {
			var sinceFault, sinceRenewal durations
			for run := range kind.runs {
				f, r := lossRun(t, kind, srv, direct, fmt.Sprintf("loss%d", run), run == 0)
				sinceFault, sinceRenewal = append(sinceFault, f), append(sinceRenewal, r)
			}
			t.Logf("detection latency of %s over %d runs: after the fault median %s max %s; after the last good renewal's send median %s max %s",
				kind.name, len(sinceFault), sinceFault.median(), sinceFault.max(), sinceRenewal.median(), sinceRenewal.max())
		})
	}
}

// lossRun acquires through a fresh proxy, injects the loss and checks the
// bounds. With withRival, a contender on a direct connection keeps trying
// from the moment of the fault and must succeed only after Lost closed.
func lossRun(t *testing.T, kind lossKind, srv *consultest.Server, direct *api.Client, producer string, withRival bool) (sinceFault, sinceRenewal time.Duration) {
	t.Helper()
	proxy := consultest.NewProxy(t, srv.HTTPAddr)
	producer = fmt.Sprintf("%s-%d", producer, time.Now().UnixNano())
	holder := newElection(t, fastConfig(consultest.NewClient(t, proxy.Addr), producer, "holder"))
	term := acquire(t, holder, Record{})
	lost := lostAt(term)
	// Let the term settle into its renew/watch rhythm.
	waitRenewal(t, term, time.Now())

	var rivalAt <-chan time.Time
	fault := time.Now()
	kind.inject(t, direct, proxy, term)
	if withRival {
		cfg := fastConfig(direct, producer, "rival")
		window := 2*cfg.SessionTTL + cfg.LockDelay + 3*time.Second
		rivalAt = startRival(t, newElection(t, cfg), window)
	}
	lostTime := waitLost(t, lost, 5*time.Second)
	proxy.Restore()

	if !isAny(term.Err(), kind.want...) {
		t.Fatalf("Lost reason = %v, want one of %v", term.Err(), kind.want)
	}
	cfg := holder.Config()
	sinceRenewal = lostTime.Sub(term.LastRenewal())
	if sinceRenewal > cfg.LostAfter+slack {
		t.Fatalf("Lost closed %s after the last good renewal's send; bound is LostAfter %s (+%s slack)", sinceRenewal, cfg.LostAfter, slack)
	}
	if !lostTime.Before(term.FenceBy()) {
		t.Fatalf("Lost closed at %v, not before FenceBy %v", lostTime, term.FenceBy())
	}
	if withRival {
		got := <-rivalAt
		if got.IsZero() {
			t.Fatalf("rival never acquired after %s", kind.name)
		}
		if !lostTime.Before(got) {
			t.Fatalf("rival acquired at %v, before Lost closed at %v", got, lostTime)
		}
		if kind.want[0] == ErrRenewTimeout && !term.FenceBy().Before(got) {
			t.Fatalf("rival acquired at %v, not after FenceBy %v", got, term.FenceBy())
		}
		t.Logf("%s: rival acquired %s after Lost closed", kind.name, got.Sub(lostTime))
	}
	return lostTime.Sub(fault), sinceRenewal
}

// waitRenewal waits until the term has a good renewal sent after after.
func waitRenewal(t testing.TB, term *Term, after time.Time) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !term.LastRenewal().After(after) {
		if time.Now().After(deadline) {
			t.Fatalf("no good renewal after %v within 5s (last %v, lost: %v)", after, term.LastRenewal(), term.Err())
		}
		select {
		case <-term.Lost():
			t.Fatalf("Lost closed while waiting for a renewal: %v", term.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestShortBlip checks that a network cut shorter than the retry budget
// does not lose leadership.
func TestShortBlip(t *testing.T) {
	t.Parallel()
	srv := consultest.Start(t)
	for _, mode := range []consultest.CutMode{consultest.Blackhole, consultest.Refuse} {
		t.Run(mode.String(), func(t *testing.T) {
			proxy := consultest.NewProxy(t, srv.HTTPAddr)
			cfg := fastConfig(consultest.NewClient(t, proxy.Addr), "blip-"+mode.String(), "holder")
			cfg.SessionTTL, cfg.LostAfter, cfg.LockDelay = 3*time.Second, 2*time.Second, 3*time.Second
			cfg.RenewInterval, cfg.RequestTimeout = 500*time.Millisecond, 500*time.Millisecond
			e := newElection(t, cfg)
			term := acquire(t, e, Record{})
			waitRenewal(t, term, time.Now())

			proxy.Cut(mode)
			cutDone := make(chan struct{})
			go func() {
				defer close(cutDone)
				<-time.After(500 * time.Millisecond)
			}()
			<-cutDone
			restored := time.Now()
			proxy.Restore()

			waitRenewal(t, term, restored)
			select {
			case <-term.Lost():
				t.Fatalf("a 500ms %s lost leadership: %v", mode, term.Err())
			default:
			}
			pair, _, err := srv.Client().KV().Get(e.Key(), &api.QueryOptions{RequireConsistent: true})
			if err != nil || pair == nil || pair.Session != term.Session() {
				t.Fatalf("lock key after the blip = %+v, %v; want held by %s", pair, err, term.Session())
			}
			if err := term.UpdateWatermark(context.Background(), Watermark{BlockNum: 7}); err != nil {
				t.Fatalf("guarded write after the blip: %v", err)
			}
		})
	}
}
