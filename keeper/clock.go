package keeper

import "time"

// Clock is the keeper's source of time: the current instant and timers. Every deadline the
// keeper computes (nodeos calls, pause retries, the backfill budget, fencing) comes from it,
// so a simulation that supplies virtual time drives exactly the decisions production makes.
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// After returns a channel that delivers the instant once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the operating system's clock, the Clock used when Deps.Clock is nil.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
