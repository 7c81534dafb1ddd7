package keeper

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Config is everything the keeper decides with. DefaultConfig fills the defaults of docs/safety.md §4;
// Validate checks it. Dependencies are injected through Deps, not through Config.
type Config struct {
	// Producer is our producer account, e.g. "eosstorebest".
	Producer string
	// Node is this host's name, unique among the agents of one producer.
	Node string
	// Role is this node's role: A, B, C or F.
	Role Role

	// PriorityDelays is, per role, the number of our producer's most recent turns that must have
	// been missed entirely before a node of that role may contend for the lock (docs/safety.md,
	// invariant 3). Defaults: A 1, B 2, C 6.
	PriorityDelays map[Role]int

	// PollInterval is the tick of the keeper loop. Default 1s.
	PollInterval time.Duration
	// BlockInterval is the wall time of one block on the chain being watched: 500ms on a real
	// chain, less on an accelerated test network. Stall thresholds are multiples of it.
	BlockInterval time.Duration
	// CallTimeout bounds each nodeos call. Default 2s.
	CallTimeout time.Duration
	// MarginSlots is the propagation margin: a turn counts as missed only once the head is this
	// many block slots past its end. Default 2.
	MarginSlots int
	// MaxBackfill is the most block headers fetched in one tick to fill a gap in observation.
	// A larger gap leaves the observation incomplete for that span, so no turn inside it counts
	// as missed. Default 256.
	MaxBackfill int

	// HandoffSlots is the room, in block slots before our producer's next turn, that a planned
	// switchover needs to pause, hand off and let the target resume. Default 24 (12 s).
	HandoffSlots int

	// ContendStagger is the head start each role gives the next lower-priority one when the
	// evidence holds for both at once: B waits 1 stagger after seeing the lock free, C 2
	// (ranked by priority delay). Default 2s.
	ContendStagger time.Duration

	// FinalizerWaitSlots bounds, in block slots of chain time, the wait after activating this
	// node's finalizer key until a policy shows it. Default 24.
	FinalizerWaitSlots int

	// Health and alert thresholds (seed defaults).
	MinPeers int // default 5
	// APIFailures is the streak of failed nodeos calls that raises the API alert. Default 5.
	APIFailures int
	// HeadStallBlocks and LIBStallBlocks are how long, in block intervals of wall time, head and
	// LIB may stand still before the node is unhealthy. Defaults 20 (10 s) and 40 (20 s).
	HeadStallBlocks int
	LIBStallBlocks  int
	// MinProducers is the fewest distinct producers that must appear in the last ProducersWindow
	// blocks (an isolated node sees only itself). Defaults 5 and 120 (60 s).
	MinProducers    int
	ProducersWindow int

	// OnPromote and OnDemote, when set, are commands (argv, no shell) run in the background
	// when this node becomes the producing leader and when it stops being one. They inform;
	// they never gate a decision.
	OnPromote []string
	OnDemote  []string

	// FenceCommand, when set, is run if nodeos cannot be confirmed paused before the fence
	// deadline (e.g. ["systemctl", "stop", "nodeos"]).
	FenceCommand []string
	// FenceMargin is how long before the fence deadline the keeper stops retrying the pause and
	// runs the fence command. Default 2s.
	FenceMargin time.Duration

	// Logger receives the keeper's log lines; nil discards them.
	Logger hclog.Logger
}

// DefaultConfig returns a Config with every default of docs/safety.md §4 filled; the caller sets
// Producer, Node and Role.
func DefaultConfig() Config {
	return Config{
		PriorityDelays:     map[Role]int{RoleA: 1, RoleB: 2, RoleC: 6},
		PollInterval:       time.Second,
		BlockInterval:      500 * time.Millisecond,
		CallTimeout:        2 * time.Second,
		MarginSlots:        2,
		MaxBackfill:        256,
		HandoffSlots:       24,
		FinalizerWaitSlots: 24,
		ContendStagger:     2 * time.Second,
		MinPeers:           5,
		APIFailures:        5,
		HeadStallBlocks:    20,
		LIBStallBlocks:     40,
		MinProducers:       5,
		ProducersWindow:    120,
		FenceMargin:        2 * time.Second,
	}
}

// Validate reports every problem in the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Producer == "" {
		errs = append(errs, errors.New("producer is required"))
	}
	if c.Node == "" {
		errs = append(errs, errors.New("node is required"))
	}
	if !c.Role.Valid() {
		errs = append(errs, fmt.Errorf("role %q is not one of A, B, C, F", c.Role))
	}
	if c.Role.Producer() && c.PriorityDelays[c.Role] < 1 {
		errs = append(errs, fmt.Errorf("priority delay for role %s must be at least 1 missed turn, got %d", c.Role, c.PriorityDelays[c.Role]))
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"poll interval", c.PollInterval},
		{"block interval", c.BlockInterval},
		{"call timeout", c.CallTimeout},
		{"fence margin", c.FenceMargin},
	}
	for _, p := range positive {
		if p.d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %s", p.name, p.d))
		}
	}
	counts := []struct {
		name string
		n    int
	}{
		{"max backfill", c.MaxBackfill},
		{"handoff slots", c.HandoffSlots},
		{"finalizer wait slots", c.FinalizerWaitSlots},
		{"api failures", c.APIFailures},
		{"head stall blocks", c.HeadStallBlocks},
		{"LIB stall blocks", c.LIBStallBlocks},
		{"producers window", c.ProducersWindow},
	}
	for _, p := range counts {
		if p.n < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, got %d", p.name, p.n))
		}
	}
	if c.MarginSlots < 0 || c.MinPeers < 0 || c.MinProducers < 0 || c.ContendStagger < 0 {
		errs = append(errs, errors.New("margin slots, min peers, min producers and contend stagger must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("keeper: invalid config: %w", err)
	}
	return nil
}

// delay returns the role's priority delay in missed turns.
func (c Config) delay() int { return c.PriorityDelays[c.Role] }

// stagger returns how long this role waits, after seeing the lock free, before acting on its
// evidence: ContendStagger times the number of roles with a shorter priority delay.
func (c Config) stagger() time.Duration {
	rank := 0
	for _, d := range c.PriorityDelays {
		if d < c.delay() {
			rank++
		}
	}
	return time.Duration(rank) * c.ContendStagger
}

// maxDelay returns the largest priority delay of any role.
func (c Config) maxDelay() int {
	m := 0
	for _, d := range c.PriorityDelays {
		m = max(m, d)
	}
	return m
}
