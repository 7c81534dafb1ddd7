package sim

import (
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// livenessBound is how long after the last fault is repaired our producer must be back on the
// main chain: the longest wait any rule imposes (a demoted node waits for more missed turns
// than the longest priority delay, C's), plus two rounds for the turn in progress and the
// first full one, plus the longest a dead session can keep the lock (two TTLs and the
// lock-delay), plus a restarted agent's health window.
func (w *World) livenessBound() time.Duration {
	maxDelay := 0
	for _, d := range keeper.DefaultConfig().PriorityDelays {
		maxDelay = max(maxDelay, d)
	}
	round := w.chain.sched.RoundDuration()
	c := w.consul
	return time.Duration(maxDelay+3)*round + 2*c.ttl + c.lockDelay + keeper.DefaultConfig().ProducersWindow + time.Minute
}

// settleCheckStart runs when the faults stop.
func (w *World) settleCheckStart() { w.settleFrom = w.sched.now }

// finalCheck: within the liveness bound after the faults stopped, our producer's turns are
// back on the main chain, and at the end exactly one node produces them.
func (w *World) finalCheck() {
	bound := w.settleFrom.Add(w.livenessBound())
	var first *slotRecord
	for i := range w.chain.ourSlots {
		s := &w.chain.ourSlots[i]
		if s.slot.Time().Before(w.settleFrom) || !s.onMain {
			continue
		}
		first = s
		break
	}
	if first == nil || first.slot.Time().After(bound) {
		w.violate("liveness", "no block of ours on the main chain within %s after the faults stopped", w.livenessBound())
		return
	}
	// The last two full turns: every slot signed once, all by the same node.
	slots := w.chain.ourSlots
	endTurn := turnStart(nodeos.SlotOf(w.sched.now))
	var producer string
	seen := 0
	for i := len(slots) - 1; i >= 0 && seen < 2*nodeos.ProducerRepetitions; i-- {
		s := slots[i]
		if turnStart(s.slot) >= endTurn {
			continue
		}
		seen++
		if !s.onMain || len(s.signers) != 1 {
			w.violate("liveness", "slot %d at the end: signers %v, on main chain %t", s.slot, s.signers, s.onMain)
			return
		}
		if producer == "" {
			producer = s.signers[0]
		} else if s.signers[0] != producer {
			w.violate("liveness", "the last turns were produced by %s and %s", producer, s.signers[0])
			return
		}
	}
	leaders := 0
	for _, a := range w.agents {
		if a.p != nil && a.p.k.Status().State == keeper.Leader {
			leaders++
		}
	}
	if leaders != 1 {
		w.violate("liveness", "%d leaders at the end", leaders)
	}
}
