package keeper

import (
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// producing reports whether this node produced one of our blocks in our most recent turn.
func (k *Keeper) producing() bool {
	o := &k.obs
	if k.lastProduced.Num == 0 || !o.schedKnown {
		return false
	}
	if cur, in := o.sched.CurrentTurn(k.cfg.Producer, o.headSlot); in && cur.Contains(nodeos.Slot(k.lastProduced.Slot)) {
		return true
	}
	prev, ok := o.sched.PrevTurn(k.cfg.Producer, o.headSlot)
	return ok && prev.Contains(nodeos.Slot(k.lastProduced.Slot))
}

// publish stores the snapshot and hands it to every sink.
func (k *Keeper) publish(now time.Time) {
	o := &k.obs
	s := &Status{
		Node: k.cfg.Node, Role: k.cfg.Role, Producer: k.cfg.Producer, Time: now,
		State: k.state, StateSince: k.stateSince, StateReason: k.stateReason, Transitions: k.transitions,
		Reachable: o.reachable, APIFailureStreak: o.apiStreak, APIErrors: o.apiErrors,
		Head: o.head, HeadTime: o.headTime, HeadProducer: o.headProducer, LIB: o.lib,
		HeadAdvancedAt: o.headAdvancedAt, LIBAdvancedAt: o.libAdvancedAt,
		Peers: o.peers, PeersKnown: o.peersKnown, Paused: o.paused, PausedKnown: o.pausedKnown,
		InSchedule: o.schedKnown && o.sched.Contains(k.cfg.Producer), ScheduleVersion: o.sched.Version,
		LastOurBlock: o.lastOur, LastProduced: k.lastProduced, LastProducedAt: k.lastProducedAt,
		Producing: k.producing(), Healthy: k.healthy, HealthProblems: k.problems,
		LockHeld: k.term != nil, LockHolder: k.lockHolder(), Watermark: k.lock.Record.Watermark,
		Maintenance: k.lock.Maintenance, Failovers: k.failovers, Firing: k.alerts.keys(),
		Demoted: k.demotedAt != 0, LastTakeover: k.lastTakeover,
	}
	s.DistinctProducers, _ = o.distinctProducers(k.cfg.windowBlocks())
	if k.state == Standby {
		s.Waiting = k.waiting
	}
	if k.deps.Finalizer != nil {
		s.FinalizerKey = k.deps.Finalizer.Key()
	}
	if o.schedKnown {
		s.MissedTurns = k.missedTurns(0, 64)
	}
	k.status.Store(s)
	for _, sink := range k.deps.Sinks {
		sink.Publish(*s)
	}
}

func (k *Keeper) lockHolder() string {
	if k.lock.Held {
		return k.lock.Record.Node
	}
	return ""
}
