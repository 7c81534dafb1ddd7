package election

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/testlog"
)

// fastConfig is the timing used against a dev agent: every bound of the
// package scaled down so loss and lock-delay tests take seconds, with
// request timeouts loose enough for a loaded two-core machine.
func fastConfig(c *api.Client, producer, node string) Config {
	return Config{
		Client:         c,
		Producer:       producer,
		Node:           node,
		SessionTTL:     2 * time.Second,
		MinSessionTTL:  time.Second,
		RenewInterval:  300 * time.Millisecond,
		LostAfter:      1400 * time.Millisecond,
		RequestTimeout: 500 * time.Millisecond,
		LockDelay:      2 * time.Second,
	}
}

// newElection builds an election whose log is printed only if the test fails.
func newElection(t testing.TB, cfg Config) *Election {
	t.Helper()
	cfg.Logger = testLogger(t, cfg.Node)
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func testLogger(t testing.TB, name string) hclog.Logger {
	buf := &testlog.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", name, buf.String())
		}
	})
	return hclog.New(&hclog.LoggerOptions{Name: name, Output: buf, Level: hclog.Debug})
}

// acquire takes the lock or fails the test, and releases it in t.Cleanup.
func acquire(t testing.TB, e *Election, rec Record) *Term {
	t.Helper()
	term, err := e.TryAcquire(context.Background(), rec)
	if err != nil {
		t.Fatalf("TryAcquire by %s: %v", e.cfg.Node, err)
	}
	t.Cleanup(func() { releaseQuietly(term) })
	return term
}

func releaseQuietly(term *Term) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = term.Release(ctx, nil)
}

// lostAt returns a channel that yields the instant Lost closed.
func lostAt(term *Term) <-chan time.Time {
	ch := make(chan time.Time, 1)
	go func() {
		<-term.Lost()
		ch <- time.Now()
	}()
	return ch
}

// waitLost waits up to d for Lost and returns the instant it closed.
func waitLost(t testing.TB, at <-chan time.Time, d time.Duration) time.Time {
	t.Helper()
	select {
	case ts := <-at:
		return ts
	case <-time.After(d):
		t.Fatalf("Lost did not close within %s", d)
		return time.Time{}
	}
}

// rival keeps calling TryAcquire until it succeeds or ctx ends, and returns
// the instant its first success returned (zero if none) and the term.
func rival(ctx context.Context, e *Election) (time.Time, *Term) {
	for {
		term, err := e.TryAcquire(ctx, Record{})
		if err == nil {
			return time.Now(), term
		}
		select {
		case <-ctx.Done():
			return time.Time{}, nil
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startRival runs rival in a goroutine and releases what it got at cleanup.
func startRival(t testing.TB, e *Election, window time.Duration) <-chan time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), window)
	ch := make(chan time.Time, 1)
	var term *Term
	done := make(chan struct{})
	go func() {
		defer close(done)
		var at time.Time
		at, term = rival(ctx, e)
		ch <- at
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		if term != nil {
			releaseQuietly(term)
		}
	})
	return ch
}

// durations summarises repeated measurements.
type durations []time.Duration

func (d durations) median() time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func (d durations) max() time.Duration {
	if len(d) == 0 {
		return 0
	}
	return slices.Max(d)
}

func isAny(err error, targets ...error) bool {
	for _, target := range targets {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
