package baseline

import "time"

// streak counts consecutive samples whose head block is not our producer's. It holds no
// clock of its own: every observation brings its sample time.
type streak struct {
	since   time.Time // first absent sample of the current streak; zero when none is under way
	samples int       // absent samples in the current streak
}

// transition is what one observation did to the streak.
type transition int

const (
	unchanged transition = iota // still absent, or still present
	started                     // first absent sample after a present one (or at start)
	reset                       // a sample showing our producer ended a streak
)

// observe records a sample taken at now; ours tells whether its head block was signed by our
// producer. It returns the transition and the streak's span (zero when no streak is under way).
func (s *streak) observe(now time.Time, ours bool) (transition, time.Duration) {
	if ours {
		if s.since.IsZero() {
			return unchanged, 0
		}
		s.since, s.samples = time.Time{}, 0
		return reset, 0
	}
	s.samples++
	if s.since.IsZero() {
		s.since = now
		return started, 0
	}
	return unchanged, now.Sub(s.since)
}
