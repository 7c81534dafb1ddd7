package baseline

import "time"

// Status is a snapshot of an Agent's state, for tests, drills and logs.
type Status struct {
	Role     Role
	Producer string
	// Ready is true once the start-up action is done: for B and C, nodeos confirmed the pause.
	Ready bool
	// Samples counts get_info samples that succeeded; Failed counts those that did not
	// (unreachable, HTTP error, malformed reply). Failed samples count as neither absent nor
	// present.
	Samples uint64
	Failed  uint64
	// HeadBlock and HeadProducer are from the latest successful sample.
	HeadBlock    uint32
	HeadProducer string
	// AbsentSince is the time of the first sample of the current absent streak, zero when our
	// producer was on the head at the latest successful sample. AbsentSamples counts the
	// streak's samples.
	AbsentSince   time.Time
	AbsentSamples int
	// Resets counts streaks ended by a sample showing our producer.
	Resets uint64
	// ResumedAt is when /v1/producer/resume succeeded, zero until then (always zero for A).
	ResumedAt time.Time
}

// Resumed reports whether the agent has resumed its nodeos.
func (s Status) Resumed() bool { return !s.ResumedAt.IsZero() }
