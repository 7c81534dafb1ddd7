package sim

import (
	"fmt"
	"io"
	"math/rand"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Options shape one run. DefaultOptions gives the values make sim uses.
type Options struct {
	// Producers is the size of the active schedule; 0 picks 3 to 21 from the seed.
	Producers int
	// Warmup runs without faults, so the first producer settles; Faults is the span in which
	// the nemesis injects faults; Settle runs without faults at the end, within which
	// production must be back on exactly one node.
	Warmup, Faults, Settle time.Duration
	// Nemesis shapes the faults.
	Nemesis NemesisOptions
	// FenceCommand configures the agents' fence command; when false the seed decides.
	FenceCommand bool
	// NodeRestart is how long systemd takes to restart a killed nodeos.
	NodeRestart time.Duration
	// NoHandoff runs the agents without the standbys' statuses, so a resigning holder hands
	// nothing on and every takeover waits for the evidence (for comparison).
	NoHandoff bool
	// Trace, when set, receives the run's readable event trace.
	Trace io.Writer
	// quietKeeper leaves the keepers' own log lines out of the trace.
	quietKeeper bool
}

// DefaultOptions returns the options of one simulated run of make sim.
func DefaultOptions() Options {
	return Options{
		Warmup:      4 * time.Minute,
		Faults:      20 * time.Minute,
		Settle:      8 * time.Minute,
		Nemesis:     DefaultNemesis(),
		NodeRestart: 5 * time.Second,
	}
}

// Stats counts what a run did.
type Stats struct {
	// Faults counts the faults injected, by kind.
	Faults map[string]int
	// MaxOverlap is the most faults active at one instant.
	MaxOverlap int
	// Takeovers counts lock acquisitions by a node other than the last holder, by path.
	Takeovers map[string]int
	// OurSlots, MissedSlots and DoubleSlots count our producer's slots, those without a block
	// of ours on the main chain, and those signed by two nodes; SplitTurns our turns signed by
	// two nodes.
	OurSlots, MissedSlots, DoubleSlots, SplitTurns int
	AgentStarts, Fenced, LostReplies               int
	// Simulated is the virtual time the run covered.
	Simulated time.Duration
}

// Result is the outcome of one seed.
type Result struct {
	Seed       int64
	Stats      Stats
	Violations []Violation
}

// World is one simulated run.
type World struct {
	opts   Options
	seed   int64
	rng    *rand.Rand
	sched  scheduler
	start  time.Time
	end    time.Time
	chain  *chain
	nodes  []*Node
	agents []*Agent
	consul *Consul
	nem    *nemesis
	trace  io.Writer
	stats  Stats
	viol   []Violation
	// acq lists every acquisition of the lock, in order.
	acq []acquisition
	// turn tracks who signed the turn of ours under way (checkSlot).
	turn turnSigners
	// settleFrom is when the faults stopped.
	settleFrom time.Time
}

// ourProducer is our producer's account name in every run.
const ourProducer = "eosstorebest"

// Run simulates one seed and returns what it found.
func Run(seed int64, opts Options) Result {
	w := newWorld(seed, opts)
	w.run()
	return Result{Seed: seed, Stats: w.stats, Violations: w.viol}
}

func newWorld(seed int64, opts Options) *World {
	w := &World{opts: opts, seed: seed, rng: rand.New(rand.NewSource(seed)), trace: opts.Trace}
	w.sched.yield = make(chan struct{})
	w.stats.Faults, w.stats.Takeovers = map[string]int{}, map[string]int{}
	// Virtual time runs in 2040: far from the real clock, so no context deadline the keeper
	// sets in virtual time ever fires in real time, and within the block timestamp's range.
	w.start = nodeos.SlotOf(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)).Time()
	w.sched.now = w.start
	w.end = w.start.Add(opts.Warmup + opts.Faults + opts.Settle)

	n := opts.Producers
	if n == 0 {
		n = 3 + w.rng.Intn(19)
	}
	producers := make([]string, n)
	ourIdx := w.rng.Intn(n)
	for i := range producers {
		producers[i] = fmt.Sprintf("producer%c%c", 'a'+i/5, '1'+i%5)
	}
	producers[ourIdx] = ourProducer
	w.chain = newChain(w, producers, ourProducer)
	if !opts.FenceCommand {
		w.opts.FenceCommand = w.rng.Intn(2) == 0
	}

	c := newConsul(w)
	c.ttl, c.lockDelay = election.DefaultSessionTTL, election.DefaultLockDelay
	c.lostAfter, c.renewEvery = election.DefaultLostAfter(c.ttl), election.DefaultRenewInterval(c.ttl)
	c.requestTimeout = c.renewEvery
	w.consul = c

	for _, r := range []keeper.Role{keeper.RoleA, keeper.RoleB, keeper.RoleC} {
		name := "node-" + strings.ToLower(string(r))
		nd := &Node{w: w, name: name, producer: true, paused: true, delay: w.latency(20*time.Millisecond, 400*time.Millisecond)}
		w.nodes = append(w.nodes, nd)
		a := &Agent{w: w, name: name, role: r, node: nd, drift: (w.rng.Float64()*2 - 1) * 200e-6}
		w.agents = append(w.agents, a)
	}
	w.nem = newNemesis(w, opts.Nemesis)
	// The settle span must cover the liveness bound and two full rounds after it.
	if need := w.livenessBound() + 2*w.chain.sched.RoundDuration(); w.opts.Settle < need {
		w.opts.Settle = need
	}
	w.end = w.start.Add(w.opts.Warmup + w.opts.Faults + w.opts.Settle)
	return w
}

func (w *World) run() {
	w.startChain()
	for _, a := range w.agents {
		w.sched.after(w.latency(0, time.Second), a.start)
	}
	w.nem.plan(w.start.Add(w.opts.Warmup), w.start.Add(w.opts.Warmup+w.opts.Faults))
	w.sched.at(w.end.Add(-w.opts.Settle), w.settleCheckStart)
	for w.sched.next(w.end) {
	}
	w.finalCheck()
	w.stats.Simulated = w.sched.now.Sub(w.start)
	for _, a := range w.agents {
		a.crash() // end every process goroutine
	}
}

// startChain lays down a round of history before the agents start (the others produce, our
// producer misses) and schedules the first slot.
func (w *World) startChain() {
	// Enough history that LIB is past the first block when the agents start, as on a live
	// chain: the LIB lag plus a round.
	first := nodeos.SlotOf(w.start) - nodeos.Slot(w.chain.sched.RoundBlocks()) - nodeos.Slot(w.chain.libLag())
	for s := first; s < nodeos.SlotOf(w.start); s++ {
		if w.chain.sched.ProducerAt(s) != ourProducer {
			w.chain.appendMain(block{slot: s, producer: w.chain.sched.ProducerAt(s)})
		}
	}
	w.sched.at(w.start, func() { w.slot(nodeos.SlotOf(w.start)) })
}

// slot produces one block slot and schedules the next.
func (w *World) slot(s nodeos.Slot) {
	w.chain.produce(s)
	w.sched.at((s + 1).Time(), func() { w.slot(s + 1) })
}

// latency returns a random duration in [lo, hi).
func (w *World) latency(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(w.rng.Int63n(int64(hi-lo)))
}

// tracef writes one line of the trace: virtual time since the start, who, what.
func (w *World) tracef(who, what, format string, args ...any) {
	if w.trace == nil {
		return
	}
	fmt.Fprintf(w.trace, "%10.3fs %-7s %-8s %s\n", w.sched.now.Sub(w.start).Seconds(), who, what, fmt.Sprintf(format, args...))
}

// traceWriter puts an agent's log lines into the trace.
type traceWriter struct {
	w    *World
	name string
}

func (t traceWriter) Write(b []byte) (int, error) {
	line := strings.TrimRight(string(b), "\n")
	if i := strings.Index(line, ": "); i >= 0 && strings.HasPrefix(line, "[") {
		line = line[i+2:]
	}
	t.w.tracef(t.name, "keeper", "%s", line)
	return len(b), nil
}
