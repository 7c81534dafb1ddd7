package keeper

import (
	"errors"
	"fmt"
	"strconv"
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

	// HandoffStagger separates the successors a resigning holder names: the second may
	// acquire this long after it sees the lock free, the third twice as long. Default 3s.
	HandoffStagger time.Duration
	// MaxHandoffAge is how much chain time past the old holder's head a named successor
	// still acts on a hand-off; later it keeps to the evidence rule. Default 1m.
	MaxHandoffAge time.Duration

	// FinalizerWaitSlots bounds, in block slots of chain time, the wait after activating this
	// node's finalizer key until a policy shows it. Default 24.
	FinalizerWaitSlots int

	// Health and alert thresholds (seed defaults).
	MinPeers int // default 5
	// APIFailures is the streak of failed nodeos calls that raises the API alert. Default 5.
	APIFailures int
	// HeadStall and LIBStall are how long head and LIB may stand still before the node is
	// unhealthy. Defaults 10s and 20s.
	HeadStall time.Duration
	LIBStall  time.Duration
	// MinProducers is the fewest distinct producers that must appear in the blocks of the last
	// ProducersWindow of chain time (an isolated node sees only itself). Defaults 5 and 60s
	// (120 blocks of 500ms).
	MinProducers    int
	ProducersWindow time.Duration

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
		HandoffStagger:     3 * time.Second,
		MaxHandoffAge:      time.Minute,
		MinPeers:           5,
		APIFailures:        5,
		HeadStall:          10 * time.Second,
		LIBStall:           20 * time.Second,
		MinProducers:       5,
		ProducersWindow:    60 * time.Second,
		FenceMargin:        2 * time.Second,
	}
}

// Upper bounds of Config fields. A value past them is a mistake, not a policy: a keeper
// configured with it would never act, or act on a threshold it cannot observe.
const (
	// MaxPollInterval bounds PollInterval: one look at nodeos every 10 s already lets a
	// dead holder's turn go by unobserved for most of its 6 s.
	MaxPollInterval = 10 * time.Second
	// MaxCallTimeout bounds CallTimeout: a nodeos that takes longer to answer is hung, and a
	// call may hold the loop (and a holder's fencing) this long.
	MaxCallTimeout = 30 * time.Second
	// MaxBlockInterval bounds BlockInterval (500 ms on a real chain).
	MaxBlockInterval = 10 * time.Second
	// MaxPriorityDelay bounds each priority delay, in missed turns: 64 turns are over two hours
	// of a 21-producer schedule without our blocks, and the published status counts at most
	// that many missed turns.
	MaxPriorityDelay = 64
	// MaxMarginSlots bounds MarginSlots: a margin of more than a producer's turn (12 slots) ten
	// times over delays every missed-turn judgement past any use.
	MaxMarginSlots = 120
	// MaxSlots bounds HandoffSlots and FinalizerWaitSlots: a round of 21 producers is 252 slots.
	MaxSlots = 1000
	// MaxStagger bounds ContendStagger, HandoffStagger and FenceMargin.
	MaxStagger = time.Minute
	// MaxHandoffAgeLimit bounds MaxHandoffAge.
	MaxHandoffAgeLimit = time.Hour
	// MaxMinPeers bounds MinPeers and MaxAPIFailures bounds APIFailures.
	MaxMinPeers    = 1000
	MaxAPIFailures = 1000
	// MaxMinProducers bounds MinProducers: Antelope schedules hold at most 125 producers.
	MaxMinProducers = 125
	// MaxHeadStall and MaxLIBStall bound HeadStall and LIBStall.
	MaxHeadStall = 10 * time.Minute
	MaxLIBStall  = time.Hour
	// MaxWindowBlocks bounds MaxBackfill and ProducersWindow in blocks of BlockInterval: the
	// keeper remembers between maxRecent/2 and maxRecent blocks, so a longer window would
	// never be seen whole (the node would count as unhealthy for ever).
	MaxWindowBlocks = maxRecent / 2
	// MaxCommandArgs bounds the argv of OnPromote, OnDemote and FenceCommand.
	MaxCommandArgs = 64
)

// MaxProducersWindow returns the longest ProducersWindow for a block interval: MaxWindowBlocks
// blocks (17m4s at 500 ms).
func MaxProducersWindow(blockInterval time.Duration) time.Duration {
	return MaxWindowBlocks * blockInterval
}

// FieldError is one problem Validate found, attributed to the Config field at fault.
type FieldError struct {
	// Field is the name of the Config field, e.g. "HeadStall".
	Field string
	// Err says what is wrong.
	Err error
}

// Error returns the problem's text.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate reports every problem in the configuration, each as a *FieldError.
func (c Config) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Err: fmt.Errorf(format, args...)})
	}
	if c.Producer == "" {
		add("Producer", "producer is required")
	}
	if c.Node == "" {
		add("Node", "node is required")
	}
	if !c.Role.Valid() {
		add("Role", "role %q is not one of A, B, C, F", c.Role)
	}
	if c.Role.Producer() && c.PriorityDelays[c.Role] < 1 {
		add("PriorityDelays", "priority delay for role %s must be at least 1 missed turn, got %d", c.Role, c.PriorityDelays[c.Role])
	}
	for _, r := range []Role{RoleA, RoleB, RoleC} {
		if n := c.PriorityDelays[r]; n > MaxPriorityDelay {
			add("PriorityDelays", "priority delay for role %s is %d missed turns, more than %d", r, n, MaxPriorityDelay)
		}
	}
	for _, cmd := range []struct {
		field string
		argv  []string
	}{{"OnPromote", c.OnPromote}, {"OnDemote", c.OnDemote}, {"FenceCommand", c.FenceCommand}} {
		if err := checkArgv(cmd.argv); err != nil {
			add(cmd.field, "%w", err)
		}
	}
	dur := func(field, name string, d, lo, hi time.Duration) bound {
		return bound{field, name, int64(d), int64(lo), int64(hi), true}
	}
	num := func(field, name string, n, lo, hi int) bound {
		return bound{field, name, int64(n), int64(lo), int64(hi), false}
	}
	for _, b := range []bound{
		dur("PollInterval", "poll interval", c.PollInterval, 1, MaxPollInterval),
		dur("BlockInterval", "block interval", c.BlockInterval, 1, MaxBlockInterval),
		dur("CallTimeout", "call timeout", c.CallTimeout, 1, MaxCallTimeout),
		dur("FenceMargin", "fence margin", c.FenceMargin, 1, MaxStagger),
		dur("HeadStall", "head stall", c.HeadStall, 1, MaxHeadStall),
		dur("LIBStall", "LIB stall", c.LIBStall, 1, MaxLIBStall),
		dur("ProducersWindow", "producers window", c.ProducersWindow, 1, 0),
		dur("ContendStagger", "contend stagger", c.ContendStagger, 0, MaxStagger),
		dur("HandoffStagger", "handoff stagger", c.HandoffStagger, 0, MaxStagger),
		dur("MaxHandoffAge", "max handoff age", c.MaxHandoffAge, 0, MaxHandoffAgeLimit),
		num("MaxBackfill", "max backfill", c.MaxBackfill, 1, MaxWindowBlocks),
		num("HandoffSlots", "handoff slots", c.HandoffSlots, 1, MaxSlots),
		num("FinalizerWaitSlots", "finalizer wait slots", c.FinalizerWaitSlots, 1, MaxSlots),
		num("APIFailures", "api failures", c.APIFailures, 1, MaxAPIFailures),
		num("MarginSlots", "margin slots", c.MarginSlots, 0, MaxMarginSlots),
		num("MinPeers", "min peers", c.MinPeers, 0, MaxMinPeers),
		num("MinProducers", "min producers", c.MinProducers, 0, MaxMinProducers),
	} {
		if msg := b.check(); msg != "" {
			add(b.field, "%s", msg)
		}
	}
	if c.BlockInterval > 0 && c.BlockInterval <= MaxBlockInterval && c.ProducersWindow > MaxProducersWindow(c.BlockInterval) {
		add("ProducersWindow", "producers window must be at most %s (%d blocks of %s, what the keeper remembers), got %s",
			MaxProducersWindow(c.BlockInterval), MaxWindowBlocks, c.BlockInterval, c.ProducersWindow)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("keeper: invalid config: %w", err)
	}
	return nil
}

// bound is the range of one numeric setting: a duration or a count, at least min (0 or 1) and,
// when max is not 0, at most max.
type bound struct {
	field, name   string
	value, lo, hi int64
	duration      bool
}

// check returns what is wrong with the value, or "".
func (b bound) check() string {
	show := func(v int64) string {
		if b.duration {
			return time.Duration(v).String()
		}
		return strconv.FormatInt(v, 10)
	}
	switch {
	case b.value < b.lo && b.lo == 0:
		return b.name + " must not be negative"
	case b.value < b.lo && b.duration:
		return fmt.Sprintf("%s must be positive, got %s", b.name, show(b.value))
	case b.value < b.lo:
		return fmt.Sprintf("%s must be at least %s, got %s", b.name, show(b.lo), show(b.value))
	case b.hi != 0 && b.value > b.hi:
		return fmt.Sprintf("%s must be at most %s, got %s", b.name, show(b.hi), show(b.value))
	}
	return ""
}

// checkArgv checks a command's argv (empty for none): no more than MaxCommandArgs elements,
// none of them empty.
func checkArgv(argv []string) error {
	if len(argv) > MaxCommandArgs {
		return fmt.Errorf("a command has at most %d arguments, got %d", MaxCommandArgs, len(argv))
	}
	for i, a := range argv {
		if a == "" {
			return fmt.Errorf("argument %d of the command %q is empty (argv runs without a shell; the first element is the program)", i, argv)
		}
	}
	return nil
}

// WithBlockInterval returns c for a chain that makes a block every d (an accelerated test
// network): BlockInterval becomes d, and HeadStall, LIBStall, ProducersWindow and
// MaxHandoffAge, which are chain time, keep their length in blocks.
func (c Config) WithBlockInterval(d time.Duration) Config {
	if c.BlockInterval > 0 && d > 0 {
		scale := func(t time.Duration) time.Duration {
			return time.Duration(float64(t) * float64(d) / float64(c.BlockInterval))
		}
		c.HeadStall, c.LIBStall, c.ProducersWindow = scale(c.HeadStall), scale(c.LIBStall), scale(c.ProducersWindow)
		c.MaxHandoffAge = scale(c.MaxHandoffAge)
	}
	c.BlockInterval = d
	return c
}

// windowBlocks is ProducersWindow in blocks of BlockInterval, rounded up, at least 1.
func (c Config) windowBlocks() int {
	if c.BlockInterval <= 0 {
		return 1
	}
	n := int((c.ProducersWindow + c.BlockInterval - 1) / c.BlockInterval)
	return max(n, 1)
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
