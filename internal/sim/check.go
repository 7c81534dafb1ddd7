package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Violation is one broken invariant.
type Violation struct {
	// At is the virtual time since the run's start.
	At time.Duration
	// Rule names the invariant: double-production, two-holders, takeover-unbacked, liveness.
	Rule   string
	Detail string
}

func (v Violation) String() string {
	return fmt.Sprintf("%.3fs %s: %s", v.At.Seconds(), v.Rule, v.Detail)
}

func (w *World) violate(rule, format string, args ...any) {
	v := Violation{At: w.sched.now.Sub(w.start), Rule: rule, Detail: fmt.Sprintf(format, args...)}
	w.viol = append(w.viol, v)
	w.tracef("check", "VIOLATION", "%s: %s", rule, v.Detail)
}

// checkSlot: never two nodes producing in one slot, nor in one turn of ours. A turn's
// blocks come from one node: a node that signs later in a turn another node began may not have
// the other's newest block yet, and forks the chain as surely as one that signs the same slot.
func (w *World) checkSlot(r slotRecord) {
	w.stats.OurSlots++
	if !r.onMain {
		w.stats.MissedSlots++
	}
	if len(r.signers) > 1 {
		w.stats.DoubleSlots++
		w.violate("double-production", "slot %d signed by %v", r.slot, r.signers)
	}
	t := &w.turn
	if ts := turnStart(r.slot); ts != t.first {
		*t = turnSigners{first: ts}
	}
	for _, n := range r.signers {
		if !slices.Contains(t.nodes, n) {
			t.nodes = append(t.nodes, n)
		}
	}
	if len(t.nodes) > 1 && !t.split {
		t.split = true
		w.stats.SplitTurns++
		w.violate("split-turn", "turn from slot %d signed by %v", t.first, t.nodes)
	}
}

// turnSigners are the nodes that signed blocks in the turn of ours under way.
type turnSigners struct {
	first nodeos.Slot
	nodes []string
	split bool // reported already
}

// afterStep runs after every step of every agent: never two nodes able to produce (unpaused,
// running, head advancing) whose agents believe they hold the lock, and every takeover
// backed by its rule.
func (w *World) afterStep(p *proc) {
	st := p.k.Status()
	a := p.a
	w.consul.publish(a, st)
	if st.State != a.lastState {
		w.tracef(a.name, "state", "%s -> %s: %s", a.lastState, st.State, st.StateReason)
		if st.State == keeper.Leader {
			w.checkTakeover(a, st)
		}
		a.lastState = st.State
	}
	var believers []string
	for _, o := range w.agents {
		if o.p == nil || !o.node.producing() {
			continue
		}
		if o.p.k.Status().LockHeld {
			believers = append(believers, o.name)
		}
	}
	if len(believers) > 1 {
		w.violate("two-holders", "unpaused nodes whose agents believe they hold the lock: %v", believers)
	}
}

// acquisition remembers the lock's record just before a node acquired it.
type acquisition struct {
	node string
	prev keeper.LockRecord
	at   time.Time
}

// noteAcquire runs on the leader when a session takes the lock.
func (w *World) noteAcquire(a *Agent) {
	w.acq = append(w.acq, acquisition{node: a.name, prev: w.consul.rec, at: w.sched.now})
}

// noteRelease runs when a holder unlocks the key.
func (w *World) noteRelease(a *Agent, h *keeper.Handoff) {
	if h != nil {
		w.tracef(a.name, "lock", "released with hand-off to %s at block %d", h.To, h.Watermark.Num)
	} else {
		w.tracef(a.name, "lock", "released")
	}
}

// checkTakeover verifies the rule a new leader gave against the world: a hand-off must have
// been recorded for it; missed-turn evidence must hold on the main chain.
func (w *World) checkTakeover(a *Agent, st keeper.Status) {
	var prev *acquisition
	for i := len(w.acq) - 1; i >= 0; i-- {
		if w.acq[i].node == a.name {
			prev = &w.acq[i]
			break
		}
	}
	if prev == nil {
		w.violate("takeover-unbacked", "%s leads without an acquisition", a.name)
		return
	}
	why := st.StateReason
	path := keeper.PathEvidence
	switch {
	case strings.HasPrefix(why, "hand-off to "):
		path = keeper.PathSwitchover
		h := prev.prev.Handoff
		if h != nil && len(h.Successors) > 0 {
			path = keeper.PathHandoff
		}
		named := h != nil && h.To == a.name
		for _, s := range handoffSuccessors(h) {
			named = named || s == a.name
		}
		if !named {
			w.violate("takeover-unbacked", "%s took over by hand-off, but the record named none (%q)", a.name, why)
		}
		if old := w.agentNamed(prev.prev.Node); old != nil && old.node.producing() {
			w.violate("takeover-unbacked", "%s took over by hand-off while the old holder %s's nodeos can produce", a.name, old.name)
		}
	case strings.Contains(why, "produced the watermark block") || strings.Contains(why, "held the lock last"):
		path = keeper.PathLastProducer
		if prev.prev.Watermark.Node != a.name && prev.prev.Node != a.name {
			w.violate("takeover-unbacked", "%s re-acquired as last producer, but the record names %s (%q)", a.name, prev.prev.Node, why)
		}
	default:
		delay := keeper.DefaultConfig().PriorityDelays[a.role]
		if strings.Contains(why, "gave up the lock") || strings.Contains(why, "since this node gave up") {
			delay = 1
		}
		if produced, turns := w.recentTurns(prev.at, delay); produced {
			w.violate("takeover-unbacked", "%s took over on evidence (%q), but our producer produced on the main chain in its last %d turns %v", a.name, why, delay, turns)
		}
	}
	if prev.prev.Node != "" && prev.prev.Node != a.name {
		w.stats.Takeovers[path]++
	}
}

// recentTurns reports whether any of our producer's last n turns that ended at least the
// keeper's propagation margin before t has a block on the main chain (the keeper can have
// judged no later turn).
func (w *World) recentTurns(t time.Time, n int) (bool, []string) {
	limit := nodeos.SlotOf(t) - nodeos.Slot(keeper.DefaultConfig().MarginSlots)
	var turns []nodeos.Slot
	var desc []string
	produced := false
	slots := w.chain.ourSlots
	for i := len(slots) - 1; i >= 0 && len(turns) <= n; i-- {
		s := slots[i]
		ts := turnStart(s.slot)
		if ts+nodeos.ProducerRepetitions > limit {
			continue // turn not over yet
		}
		if len(turns) == 0 || turns[len(turns)-1] != ts {
			if len(turns) == n {
				break
			}
			turns = append(turns, ts)
		}
		if s.onMain {
			produced = true
			desc = append(desc, fmt.Sprintf("slot at %.1fs by %v", s.slot.Time().Sub(w.start).Seconds(), s.signers))
		}
	}
	return produced, desc
}

func handoffSuccessors(h *keeper.Handoff) []string {
	if h == nil {
		return nil
	}
	out := make([]string, len(h.Successors))
	for i, s := range h.Successors {
		out[i] = s.Node
	}
	return out
}

func (w *World) agentNamed(name string) *Agent {
	for _, a := range w.agents {
		if a.name == name {
			return a
		}
	}
	return nil
}
