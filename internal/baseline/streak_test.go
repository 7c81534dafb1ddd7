package baseline

import (
	"testing"
	"time"
)

func TestStreakObserve(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type step struct {
		ms      int
		ours    bool
		tr      transition
		span    time.Duration
		samples int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"present keeps no streak", []step{
			{0, true, unchanged, 0, 0}, {100, true, unchanged, 0, 0},
		}},
		{"span runs from the first absent sample", []step{
			{0, true, unchanged, 0, 0}, {100, false, started, 0, 1}, {350, false, unchanged, 250 * time.Millisecond, 2},
			{1100, false, unchanged, time.Second, 3},
		}},
		{"present sample resets", []step{
			{0, false, started, 0, 1}, {500, false, unchanged, 500 * time.Millisecond, 2}, {600, true, reset, 0, 0},
			{700, false, started, 0, 1}, {900, false, unchanged, 200 * time.Millisecond, 2},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s streak
			for i, st := range tc.steps {
				tr, span := s.observe(at(st.ms), st.ours)
				if tr != st.tr || span != st.span || s.samples != st.samples {
					t.Fatalf("step %d (%dms, ours %v): got transition %d span %s samples %d, want %d %s %d",
						i, st.ms, st.ours, tr, span, s.samples, st.tr, st.span, st.samples)
				}
			}
		})
	}
}
