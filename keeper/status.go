package keeper

import "time"

// Status is a snapshot of everything the keeper knows, published every tick. The Prometheus
// collector, the JSON /status endpoint, the InfluxDB writer and the Consul checks all read it.
// A Status is a copy: readers may keep it.
type Status struct {
	Node     string    `json:"node"`
	Role     Role      `json:"role"`
	Producer string    `json:"producer"`
	Time     time.Time `json:"time"`

	State       State     `json:"state"`
	StateSince  time.Time `json:"state_since"`
	StateReason string    `json:"state_reason"`
	Transitions uint64    `json:"transitions"`
	// Waiting is, for a standby, why the admission rule does not let it contend now (the
	// turns it still waits for, its health, the lock held by another node).
	Waiting string `json:"waiting,omitempty"`

	// Nodeos as last observed.
	Reachable        bool      `json:"reachable"`
	APIFailureStreak int       `json:"api_failure_streak"`
	APIErrors        uint64    `json:"api_errors"`
	Head             uint32    `json:"head"`
	HeadTime         time.Time `json:"head_time"`
	HeadProducer     string    `json:"head_producer"`
	LIB              uint32    `json:"lib"`
	HeadAdvancedAt   time.Time `json:"head_advanced_at"`
	LIBAdvancedAt    time.Time `json:"lib_advanced_at"`
	Peers            int       `json:"peers"`
	PeersKnown       bool      `json:"peers_known"`
	Paused           bool      `json:"paused"`
	PausedKnown      bool      `json:"paused_known"`
	// DistinctProducers counts the producers seen in the recent window of blocks.
	DistinctProducers int `json:"distinct_producers"`

	// Our producer on chain.
	InSchedule      bool   `json:"in_schedule"`
	ScheduleVersion uint32 `json:"schedule_version"`
	// LastOurBlock is our producer's newest block this node has seen, from any node.
	LastOurBlock Block `json:"last_our_block"`
	// LastProduced is the newest block this node itself produced (log "Produced block").
	LastProduced   Block     `json:"last_produced"`
	LastProducedAt time.Time `json:"last_produced_at"`
	// Producing reports whether this node produced one of our producer's blocks in its most
	// recent turn.
	Producing bool `json:"producing"`
	// MissedTurns is the number of our producer's most recent consecutive turns without a block.
	MissedTurns int `json:"missed_turns"`

	// Health as the admission rule sees it.
	Healthy        bool     `json:"healthy"`
	HealthProblems []string `json:"health_problems,omitempty"`

	// Election.
	LockHeld    bool   `json:"lock_held"`
	LockHolder  string `json:"lock_holder"`
	Watermark   Block  `json:"watermark"`
	Maintenance bool   `json:"maintenance"`
	Failovers   uint64 `json:"failovers"`
	// Demoted reports that this node gave the lock up for a fault of its own and may not
	// take it straight back; resigning holders never name a demoted node a successor.
	Demoted bool `json:"demoted"`
	// LastTakeover is this node's newest acquisition of the lock from another node.
	LastTakeover *Takeover `json:"last_takeover,omitempty"`

	// FinalizerKey is this node's BLS finalizer key when one is configured; agents compare
	// the keys they publish, since no two nodes may hold the same one.
	FinalizerKey string `json:"finalizer_key,omitempty"`

	// Alerts currently firing, by key.
	Firing []string `json:"firing,omitempty"`
}

// Takeover describes one acquisition of the lock from another node: the path the admission
// took (PathEvidence, PathHandoff, PathSwitchover, PathLastProducer), the rule's words, and
// for a hand-off the reason the old holder gave.
type Takeover struct {
	From   string    `json:"from"`
	Path   string    `json:"path"`
	Why    string    `json:"why"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Block identifies one block of our producer: its number, its slot, and the node that produced
// it when that is known (empty otherwise).
type Block struct {
	Num  uint32 `json:"num"`
	Slot uint32 `json:"slot"`
	Node string `json:"node,omitempty"`
}
