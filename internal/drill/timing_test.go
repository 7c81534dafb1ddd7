package drill

import (
	"testing"
	"time"
)

func TestHandoffMax(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      Options
		timing    faultTiming
		detect    time.Duration
		wantTurns int
	}{
		// 21 producers at 500 ms: a round is 126 s, so a crash detected in 3.5 s loses nothing
		// between our turns and at most the turn it lands in.
		{"real between", Options{Producers: 21, BlockInterval: 500 * time.Millisecond}, betweenTurns, 3500 * time.Millisecond, 0},
		{"real inside", Options{Producers: 21, BlockInterval: 500 * time.Millisecond}, insideTurn, 3500 * time.Millisecond, 1},
		{"real any", Options{Producers: 21, BlockInterval: 500 * time.Millisecond}, anyTime, 3500 * time.Millisecond, 2},
		// 4 producers at 50 ms: a round is 2.4 s, the gap between our turns 1.8 s.
		{"fast between", Options{Producers: 4, BlockInterval: 50 * time.Millisecond}, betweenTurns, 3500 * time.Millisecond, 1},
		{"fast between, quick", Options{Producers: 4, BlockInterval: 50 * time.Millisecond}, betweenTurns, 1800 * time.Millisecond, 0},
		{"fast inside", Options{Producers: 4, BlockInterval: 50 * time.Millisecond}, insideTurn, 3500 * time.Millisecond, 2},
		{"fast any", Options{Producers: 4, BlockInterval: 50 * time.Millisecond}, anyTime, 8 * time.Second, 5},
	} {
		c := &Cluster{opts: tc.opts}
		if got := c.handoffMax(tc.timing, tc.detect); got != tc.wantTurns {
			t.Errorf("%s: handoffMax = %d, want %d", tc.name, got, tc.wantTurns)
		}
	}
}

func TestCrashDetectFollowsPollInterval(t *testing.T) {
	c := &Cluster{opts: Options{PollInterval: 100 * time.Millisecond}}
	if got, want := c.crashDetect(), 3500*time.Millisecond; got != want {
		t.Errorf("crashDetect = %s, want %s (5 polls, 2 s of pause attempts, 1 s to resume)", got, want)
	}
}

func TestSetBoundsByPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy   string
		min, max int
	}{{policyKeeper, 0, 1}, {policySeed, 0, 1}, {policyEvidence, 2, 3}} {
		c := &Cluster{policy: tc.policy}
		var r Result
		c.setBounds(&r, 1, 2, 3)
		if r.MinMissed != tc.min || r.MaxMissed != tc.max {
			t.Errorf("%s: bounds %d..%d, want %d..%d", tc.policy, r.MinMissed, r.MaxMissed, tc.min, tc.max)
		}
	}
}
