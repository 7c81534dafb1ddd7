package keeper

import "fmt"

// State is the keeper's position in its state machine. Every transition goes through
// Keeper.transition, which logs it with its reason, counts it and publishes it in Status.
type State int

// The keeper's states.
const (
	// Starting: the first observation has not completed; nodeos is being made safe (paused
	// unless this node already holds the lock).
	Starting State = iota
	// Standby: paused, not holding the lock, watching for the evidence that allows contending.
	Standby
	// Candidate: the admission rule holds and the lock is being acquired.
	Candidate
	// Leader: holding the lock; nodeos resumed and producing (or being resumed).
	Leader
	// Fencing: leadership can no longer be proven or must be given up; nodeos is being paused
	// and confirmed paused before the fence deadline.
	Fencing
	// Maintenance: the operator's maintenance flag is set; no automatic action is taken except
	// fencing, and the keeper keeps reporting.
	Maintenance
	// Watching: role F, a full node that is observed and reported on, never touched.
	Watching
	// Stopped: Run has returned.
	Stopped
)

var stateNames = [...]string{
	Starting:    "starting",
	Standby:     "standby",
	Candidate:   "candidate",
	Leader:      "leader",
	Fencing:     "fencing",
	Maintenance: "maintenance",
	Watching:    "watching",
	Stopped:     "stopped",
}

// String returns the state's lower-case name.
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "unknown"
	}
	return stateNames[s]
}

// MarshalText encodes the state as its name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Role is a node's place in the producer's failover order.
type Role string

// The roles. A, B and C hold the producer key and may produce; F is a full node, watched only.
const (
	RoleA Role = "A"
	RoleB Role = "B"
	RoleC Role = "C"
	RoleF Role = "F"
)

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RoleA, RoleB, RoleC, RoleF:
		return true
	}
	return false
}

// Producer reports whether the role may produce blocks.
func (r Role) Producer() bool { return r == RoleA || r == RoleB || r == RoleC }

// UnmarshalText decodes a state name written by MarshalText.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("keeper: unknown state %q", b)
}
