package sim

import (
	"fmt"

	"github.com/eoskeeper/eoskeeper/keeper"
	"math"
	"sort"
	"time"
)

// Fault kinds the nemesis injects.
const (
	FaultNodeCrash     = "node-crash"     // nodeos killed; systemd restarts it paused
	FaultNodeFreeze    = "node-freeze"    // nodeos SIGSTOPped: API hangs, no blocks, carries on when continued
	FaultNodeHang      = "node-hang"      // nodeos's HTTP API hangs; the chain side carries on
	FaultNodeStall     = "node-stall"     // nodeos's head stops advancing
	FaultNodePartition = "node-partition" // nodeos cut off the p2p network
	FaultConsulCut     = "consul-cut"     // the agent cannot reach Consul
	FaultLeaderLoss    = "leader-loss"    // the Consul servers elect a new leader
	FaultReplyLoss     = "reply-loss"     // a request the servers apply whose answer is lost
	FaultWatchDelay    = "watch-delay"    // the agent's lock watch delivers late
	FaultAgentCrash    = "agent-crash"    // the agent process dies; restarted later
	FaultAgentStop     = "agent-stop"     // the agent process is SIGSTOPped for a while
	FaultGCPause       = "gc-pause"       // the agent process stalls for up to a few seconds
	FaultSwitchover    = "switchover"     // an operator asks for a switchover
	FaultClockStep     = "clock-step"     // the operator host's clock steps
	FaultMaintenance   = "maintenance"    // an operator sets maintenance mode for a while
)

// NemesisOptions shape the random fault schedule.
type NemesisOptions struct {
	// PerMinute is the mean number of faults started per simulated minute.
	PerMinute float64
	// Weights is each kind's relative frequency; kinds not listed never happen.
	Weights map[string]int
	// MinDuration and MaxDuration bound a fault's length (log-uniform between them).
	MinDuration, MaxDuration time.Duration
}

// DefaultNemesis returns the fault mix of make sim.
func DefaultNemesis() NemesisOptions {
	return NemesisOptions{
		PerMinute:   2,
		MinDuration: 500 * time.Millisecond,
		MaxDuration: 3 * time.Minute,
		Weights: map[string]int{
			FaultNodeCrash: 10, FaultNodeFreeze: 6, FaultNodeHang: 6, FaultNodeStall: 6, FaultNodePartition: 8,
			FaultConsulCut: 8, FaultLeaderLoss: 5, FaultReplyLoss: 6, FaultWatchDelay: 4,
			FaultAgentCrash: 8, FaultAgentStop: 6, FaultGCPause: 8,
			FaultSwitchover: 6, FaultClockStep: 3, FaultMaintenance: 3,
		},
	}
}

// nemesis plans and applies the faults of one run.
type nemesis struct {
	w      *World
	opts   NemesisOptions
	kinds  []string
	total  int
	active int
	// down marks hosts whose agent is dead or stopped longer than lost_after, and silent
	// marks hosts whose nodeos is alive but produces nothing anyone sees (frozen, stalled or
	// cut off): the two never overlap on one host. A holder in both states looks dead to the
	// standbys, cannot pause its nodeos, and its nodeos produces again when it recovers first:
	// no lock can exclude that (see docs/safety.md, fault hypothesis).
	down, silent map[string]int
	// operatorSkew is the operator host's clock error, written into switchover requests.
	operatorSkew time.Duration
}

func newNemesis(w *World, o NemesisOptions) *nemesis {
	n := &nemesis{w: w, opts: o, down: map[string]int{}, silent: map[string]int{}}
	for k := range o.Weights {
		n.kinds = append(n.kinds, k)
	}
	sort.Strings(n.kinds)
	for _, k := range n.kinds {
		n.total += o.Weights[k]
	}
	return n
}

// plan schedules faults as a Poisson process between from and to; every fault is repaired by to.
func (n *nemesis) plan(from, to time.Time) {
	if n.total == 0 || n.opts.PerMinute <= 0 {
		return
	}
	w := n.w
	t := from
	for {
		gap := time.Duration(w.rng.ExpFloat64() / n.opts.PerMinute * float64(time.Minute))
		t = t.Add(gap)
		if !t.Before(to) {
			break
		}
		kind := n.pick()
		d := n.duration()
		target := w.agents[w.rng.Intn(len(w.agents))]
		at, end := t, minTime(t.Add(d), to)
		w.sched.at(at, func() { n.inject(kind, target, end) })
	}
	w.sched.at(to, func() {
		if w.consul.maint {
			w.consul.maint = false
			w.consul.changed()
		}
		w.tracef("nemesis", "repair", "faults stop; settling")
	})
}

// unstoppable reports whether silencing nd now would leave a producer nobody can stop: without
// a fence command, an unpaused nodeos that stops answering its API (frozen, hung) can be
// paused by nothing, and if it also goes silent to the standbys and comes back later, it
// produces beside the node that took over on the evidence of its silence. The nemesis never
// silences an unpaused nodeos unless the agents have a fence command (see docs/safety.md,
// fault hypothesis).
func (n *nemesis) unstoppable(nd *Node) bool { return !n.w.opts.FenceCommand && !nd.paused }

func (n *nemesis) pick() string {
	r := n.w.rng.Intn(n.total)
	for _, k := range n.kinds {
		if r < n.opts.Weights[k] {
			return k
		}
		r -= n.opts.Weights[k]
	}
	return n.kinds[len(n.kinds)-1]
}

// duration is log-uniform between MinDuration and MaxDuration.
func (n *nemesis) duration() time.Duration {
	lo, hi := math.Log(float64(n.opts.MinDuration)), math.Log(float64(n.opts.MaxDuration))
	return time.Duration(math.Exp(lo + n.w.rng.Float64()*(hi-lo)))
}

// inject applies one fault now and schedules its repair at end.
func (n *nemesis) inject(kind string, a *Agent, end time.Time) {
	w, c, nd := n.w, n.w.consul, a.node
	host := a.name
	var repair func()
	long := end.Sub(w.sched.now) >= c.lostAfter
	switch kind {
	case FaultNodeCrash:
		if nd.crashed {
			return
		}
		nd.crash()
		repair = func() { nd.restart() }
	case FaultNodeFreeze:
		if nd.crashed || nd.frozen || n.down[host] > 0 || n.unstoppable(nd) {
			return
		}
		nd.freezeView()
		nd.frozen = true
		n.silent[host]++
		repair = func() { nd.frozen = false; nd.answer(); n.silent[host]-- }
	case FaultNodeHang:
		nd.hung = true
		repair = func() { nd.hung = false; nd.answer() }
	case FaultNodeStall:
		if nd.stalled || nd.frozen || n.down[host] > 0 || n.unstoppable(nd) {
			return
		}
		nd.freezeView()
		nd.stalled = true
		n.silent[host]++
		repair = func() { nd.stalled = false; n.silent[host]-- }
	case FaultNodePartition:
		if nd.partitioned || n.down[host] > 0 || n.unstoppable(nd) {
			return
		}
		nd.cut()
		n.silent[host]++
		repair = func() { nd.heal(); n.silent[host]-- }
	case FaultConsulCut:
		c.cut[host] = true
		c.deliverView(a, true)
		repair = func() { c.cut[host] = false; c.deliverView(a, false) }
	case FaultLeaderLoss:
		if c.leaderless {
			return
		}
		end = minTime(end, w.sched.now.Add(10*time.Second))
		c.leaderLost()
		repair = c.leaderElected
	case FaultReplyLoss:
		c.lostReplies[host]++
	case FaultWatchDelay:
		c.watchDelay[host] = w.latency(time.Second, 15*time.Second)
		repair = func() { c.watchDelay[host] = 0 }
	case FaultAgentCrash:
		if a.p == nil || n.silent[host] > 0 {
			return
		}
		a.crash()
		n.down[host]++
		repair = func() { a.start(); n.down[host]-- }
	case FaultAgentStop, FaultGCPause:
		if a.p == nil || a.stopped {
			return
		}
		if kind == FaultGCPause {
			end = w.sched.now.Add(w.latency(50*time.Millisecond, 3*time.Second))
			long = false
		}
		if long && n.silent[host] > 0 {
			return
		}
		a.stop()
		if long {
			n.down[host]++
		}
		repair = func() {
			if long {
				n.down[host]--
			}
			a.cont()
		}
	case FaultSwitchover:
		// eoskeeper switchover: it checks the target's published status, stores the request,
		// waits for the target to hold the lock, and removes the request when it returns;
		// now and then it is killed first and the request stays behind.
		target := w.agents[w.rng.Intn(len(w.agents))]
		if target.p == nil || c.held == nil || c.rec.Node == target.name {
			return
		}
		if st := target.p.k.Status(); st.State != keeper.Standby || !st.Healthy || !st.Paused {
			return
		}
		at := w.sched.now.Add(n.operatorSkew)
		c.switchTo, c.switchAt = target.name, at
		c.changed()
		w.tracef("operator", "switch", "switchover to %s requested", target.name)
		if w.rng.Intn(10) > 0 {
			end = minTime(end, w.sched.now.Add(2*time.Minute))
			repair = func() {
				if c.switchAt.Equal(at) {
					c.switchTo, c.switchAt = "", time.Time{}
					c.changed()
				}
			}
		}
	case FaultClockStep:
		n.operatorSkew = time.Duration(w.rng.Int63n(int64(30*time.Minute))) - 15*time.Minute
	case FaultMaintenance:
		c.maint, c.maintReason = true, "simulated maintenance"
		c.changed()
		repair = func() { c.maint = false; c.changed() }
	default:
		panic(fmt.Sprintf("sim: unknown fault kind %q", kind))
	}
	w.stats.Faults[kind]++
	w.tracef(host, "fault", "%s until +%.1fs", kind, end.Sub(w.sched.now).Seconds())
	if repair == nil {
		return
	}
	n.active++
	w.stats.MaxOverlap = max(w.stats.MaxOverlap, n.active)
	w.sched.at(end, func() {
		n.active--
		w.tracef(host, "repair", "%s", kind)
		repair()
	})
}
