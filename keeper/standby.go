package keeper

import "context"

// onStandby is the handler of a node that does not hold the lock (standby or maintenance):
// keep nodeos paused, watch for the evidence that admits this node, and become a candidate
// when it holds.
func (k *Keeper) onStandby(ctx context.Context) (State, string) {
	// A node producing without the lock is paused even in maintenance mode: maintenance stops
	// failover, never the rule that keeps two nodes from producing.
	if k.obs.pausedKnown && !k.obs.paused {
		k.pauseUnheld(ctx, k.state.String())
		return k.stay(ctx)
	}
	k.retireStale(ctx)
	k.waiting = ""
	if k.obs.pausedKnown && k.obs.paused {
		k.alerts.clear(k.now(), alertUnpausedWithoutLock)
	}
	if k.lock.Maintenance {
		return Maintenance, "maintenance flag set: " + nonEmpty(k.lock.MaintenanceReason, "no reason given")
	}
	rest := func() (State, string) {
		if k.state == Maintenance {
			return Standby, "maintenance flag cleared"
		}
		return k.stay(ctx)
	}
	if !k.lockSeen {
		return rest()
	}
	ev := k.evidence()
	adm := Admit(ev)
	if !adm.Contend {
		k.waiting = adm.Why
		if ev.Record.Handoff != nil && ev.Record.Handoff.To == k.cfg.Node {
			k.log.Debug("hand-off to this node not taken", "why", adm.Why, "handoff_block", ev.Record.Handoff.Watermark.Num,
				"last_our_block", ev.LastOurBlock.Num, "lock_held", ev.LockHeld)
		}
		return rest()
	}
	k.admitted = adm
	return Candidate, adm.Why
}

// evidence gathers the admission rule's inputs from this tick's observation and the lock.
func (k *Keeper) evidence() Evidence {
	ev := Evidence{
		Node:             k.cfg.Node,
		Role:             k.cfg.Role,
		Delay:            k.cfg.delay(),
		Healthy:          k.healthy && k.obs.reachable,
		Maintenance:      k.lock.Maintenance,
		LockHeld:         k.lock.Held,
		Record:           k.lock.Record,
		MissedTurns:      k.missedTurns(k.termSeen, k.cfg.delay()),
		PausedConfirmed:  k.obs.pausedKnown && k.obs.paused,
		LastOurBlock:     k.obs.lastOur,
		Head:             k.obs.head,
		HeadSlot:         k.obs.headSlot,
		MaxHandoffBlocks: uint32(k.cfg.MaxHandoffAge / k.cfg.BlockInterval),
		ProducedNewest:   k.obs.lastOur.Num > 0 && k.obs.lastOur.Num <= k.ownThrough,
		Stagger:          k.cfg.stagger(),
	}
	if !k.lockFreeAt.IsZero() {
		ev.FreeFor = k.now().Sub(k.lockFreeAt)
	}
	if h := k.lock.Record.Handoff; h != nil && h.ResumeFrom != 0 && uint32(k.obs.headSlot) >= h.ResumeFrom {
		// The successors' head starts count from the end of the turn they waited out.
		if k.turnOverAt.IsZero() {
			k.turnOverAt = k.now()
		}
		ev.FreeFor = min(ev.FreeFor, k.now().Sub(k.turnOverAt))
	}
	if k.demotedAt != 0 {
		ev.Demoted, ev.MaxDelay = true, k.cfg.maxDelay()
		ev.MissedSinceDemotion = k.missedTurns(k.demotedAt, ev.MaxDelay+1)
	}
	return ev
}
