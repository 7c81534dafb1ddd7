package keeper

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// jumpClock is a Clock whose After moves time on at once.
type jumpClock struct{ t time.Time }

func (c *jumpClock) Now() time.Time { return c.t }
func (c *jumpClock) After(d time.Duration) <-chan time.Time {
	c.t = c.t.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

// pauseNode is a chainNode whose pause calls fail with the errors in errs, in turn (the last
// one again once they run out); a nil error pauses it.
type pauseNode struct {
	*chainNode
	errs  []error
	calls int
}

func (n *pauseNode) Pause(context.Context) error {
	err := n.errs[min(n.calls, len(n.errs)-1)]
	n.calls++
	return err
}

var errRefused = fmt.Errorf("dial tcp 127.0.0.1:8888: %w", syscall.ECONNREFUSED)

// TestPauseConfirmedDown: a nodeos that refuses every connection is taken for down after
// downConfirm, long before the pause deadline; one refusal followed by an answer, or another
// kind of failure, is retried until the deadline.
func TestPauseConfirmedDown(t *testing.T) {
	timeout := errors.New("context deadline exceeded")
	tests := []struct {
		name     string
		errs     []error
		wantDown bool
		wantErr  bool
		// elapsed bounds the time pauseConfirmed took.
		minElapsed, maxElapsed time.Duration
	}{
		{"refusing: down after downConfirm", []error{errRefused}, true, true, downConfirm, downConfirm + retryPause},
		{"refused, then paused", []error{errRefused, errRefused, nil}, false, false, 0, downConfirm},
		{"refused between timeouts: the run starts again", []error{errRefused, errRefused, timeout, errRefused, errRefused, errRefused, errRefused, errRefused},
			true, true, 2*retryPause + downConfirm, 2*retryPause + downConfirm + retryPause},
		{"timing out: retried until the deadline", []error{timeout}, false, true, 4*time.Second - retryPause, 4 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &jumpClock{t: time.Now()} // the pause calls' contexts run on the real clock
			cfg := DefaultConfig()
			cfg.Producer, cfg.Node, cfg.Role = "eosstorebest", "a", RoleA
			cfg.Logger = hclog.NewNullLogger()
			node := &pauseNode{chainNode: newChainNode(), errs: tc.errs}
			k, err := New(cfg, Deps{Node: node, Lock: quietLock{}, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			start := clock.Now()
			err = k.pauseConfirmed(context.Background(), start.Add(4*time.Second), nil)
			elapsed := clock.Now().Sub(start)
			if (err != nil) != tc.wantErr || nodeosDown(err) != tc.wantDown {
				t.Fatalf("pauseConfirmed = %v, want error %t, down %t", err, tc.wantErr, tc.wantDown)
			}
			if elapsed < tc.minElapsed || elapsed > tc.maxElapsed {
				t.Errorf("pauseConfirmed took %s, want %s to %s", elapsed, tc.minElapsed, tc.maxElapsed)
			}
		})
	}
}
