package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// standby is the tick of a node that does not hold the lock: keep nodeos paused, watch for
// the evidence that admits this node, and contend when it holds.
func (k *Keeper) standby(ctx context.Context) {
	// A node producing without the lock is paused even in maintenance mode: maintenance stops
	// failover, never the rule that keeps two nodes from producing.
	if k.obs.pausedKnown && !k.obs.paused {
		k.pauseUnheld(ctx, k.state.String())
		return
	}
	k.retireStale(ctx)
	if k.obs.pausedKnown && k.obs.paused {
		k.alerts.clear(k.deps.Now(), alertUnpausedWithoutLock)
	}
	if k.lock.Maintenance {
		k.transition(Maintenance, "maintenance flag set: "+nonEmpty(k.lock.MaintenanceReason, "no reason given"))
		return
	}
	if k.state == Maintenance {
		k.transition(Standby, "maintenance flag cleared")
	}
	if !k.lockSeen {
		return
	}
	ev := k.evidence()
	adm := Admit(ev)
	if !adm.Contend {
		if ev.Record.Handoff != nil && ev.Record.Handoff.To == k.cfg.Node {
			k.log.Debug("hand-off to this node not taken", "why", adm.Why, "handoff_block", ev.Record.Handoff.Watermark.Num,
				"last_our_block", ev.LastOurBlock.Num, "lock_held", ev.LockHeld)
		}
		if k.state != Standby {
			k.transition(Standby, adm.Why)
		}
		return
	}
	k.transition(Candidate, adm.Why)
	k.acquire(ctx, adm)
}

// evidence gathers the admission rule's inputs from this tick's observation and the lock.
func (k *Keeper) evidence() Evidence {
	ev := Evidence{
		Node:            k.cfg.Node,
		Role:            k.cfg.Role,
		Delay:           k.cfg.delay(),
		Healthy:         k.healthy && k.obs.reachable,
		Maintenance:     k.lock.Maintenance,
		LockHeld:        k.lock.Held,
		Record:          k.lock.Record,
		MissedTurns:     k.missedTurns(0, k.cfg.delay()),
		PausedConfirmed: k.obs.pausedKnown && k.obs.paused,
		LastOurBlock:    k.obs.lastOur,
		ProducedNewest:  k.obs.lastOur.Num > 0 && k.obs.lastOur.Num <= k.ownThrough,
		Stagger:         k.cfg.stagger(),
	}
	if !k.lockFreeAt.IsZero() {
		ev.FreeFor = k.deps.Now().Sub(k.lockFreeAt)
	}
	if k.demotedAt != 0 {
		ev.Demoted, ev.MaxDelay = true, k.cfg.maxDelay()
		ev.MissedSinceDemotion = k.missedTurns(k.demotedAt, ev.MaxDelay+1)
	}
	return ev
}

// acquire takes the lock and resumes nodeos under it. Nodeos is resumed only after the lock is
// held and only while the term has not been lost.
func (k *Keeper) acquire(ctx context.Context, adm Admission) {
	prev := k.lock.Record
	rec := LockRecord{Node: k.cfg.Node, Role: k.cfg.Role, Watermark: k.obs.lastOur}
	if prev.Watermark.Num == rec.Watermark.Num {
		rec.Watermark.Node = prev.Watermark.Node
	}
	term, err := k.deps.Lock.Acquire(ctx, rec)
	if err != nil {
		if errors.Is(err, ErrLockHeld) {
			// Refused while the lock looks free: Consul's lock-delay after an invalidated
			// session. The head start of higher-priority roles restarts, so they, not the
			// one that happens to retry first after the delay, take the lock.
			if !k.lockFreeAt.IsZero() {
				k.lockFreeAt = k.deps.Now()
			}
			k.transition(Standby, "lock taken first by another session")
		} else {
			if msg := err.Error(); msg != k.lastAcquireErr {
				k.log.Warn("cannot acquire the lock", "error", err)
				k.lastAcquireErr = msg
			}
			k.transition(Standby, "acquire failed: "+err.Error())
		}
		return
	}
	k.lastAcquireErr = ""
	k.term, k.watermark = term, rec.Watermark
	k.log.Info("lock acquired", "why", adm.Why, "previous_holder", prev.Node)
	k.activateFinalizer(ctx)
	if err := k.resumeConfirmed(ctx); err != nil {
		k.log.Error("cannot resume nodeos under the lock; resigning", "error", err)
		k.alerts.raise(k.deps.Now(), alertResumeFailed, notify.Critical, "acquired the lock but nodeos did not resume: "+err.Error(), k.figures())
		k.demote()
		k.resign(ctx, "resume failed", nil)
		return
	}
	k.alerts.clear(k.deps.Now(), alertResumeFailed)
	k.resumedAt = k.headAfterResume(ctx)
	if prev.Node != "" && prev.Node != k.cfg.Node {
		k.failovers++
		k.alerts.event(k.deps.Now(), alertFailover, notify.Warning,
			fmt.Sprintf("production moved from %s to %s: %s", prev.Node, k.cfg.Node, adm.Why), k.figures())
	}
	k.demotedAt = 0
	k.transition(Leader, adm.Why)
}

// headAfterResume is the slot from which this node answers for our producer's turns once
// nodeos is confirmed resumed. The head is read afresh (the tick's observation can be older),
// and since the head block's slot lags the chain's clock while our producer is missing, the
// turn that may already be under way is not this node's to answer for: it joined it too late
// to sign every slot, perhaps any.
func (k *Keeper) headAfterResume(ctx context.Context) nodeos.Slot {
	head := k.obs.headSlot
	if info, err := callNode(ctx, k.cfg.CallTimeout, k.deps.Node.Info); err == nil && nodeos.SlotOf(info.HeadTime) > head {
		head = nodeos.SlotOf(info.HeadTime)
	}
	o := &k.obs
	if !o.schedKnown {
		return head
	}
	if _, in := o.sched.CurrentTurn(k.cfg.Producer, head); in {
		return head
	}
	if next, ok := o.sched.NextTurn(k.cfg.Producer, head); ok {
		return next.First + 1
	}
	return head
}

// resumeConfirmed resumes nodeos and confirms paused == false, provided the term still holds.
func (k *Keeper) resumeConfirmed(ctx context.Context) error {
	select {
	case <-k.term.Lost():
		return errors.New("lock lost before resume")
	default:
	}
	if _, err := callNode(ctx, k.cfg.CallTimeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, k.deps.Node.Resume(ctx)
	}); err != nil {
		return err
	}
	p, err := callNode(ctx, k.cfg.CallTimeout, k.deps.Node.Paused)
	if err != nil {
		return err
	}
	if p {
		return errors.New("nodeos still reports paused == true after resume")
	}
	k.obs.paused, k.obs.pausedKnown = false, true
	return nil
}

// lockChanged records a new view of the lock from the watch.
func (k *Keeper) lockChanged(v LockView) {
	if (v.Err == nil) != (k.lockErr == nil) {
		if v.Err != nil {
			k.log.Warn("cannot read the lock from Consul; retrying", "error", v.Err)
		} else {
			k.log.Info("reading the lock from Consul again")
		}
	}
	k.lockErr = v.Err
	if v.Err != nil && !k.lockSeen {
		return // nothing good has been read yet
	}
	// After the first good view, a failed read keeps the last good values; acquiring is
	// atomic in Consul anyway.
	old, seen := k.lock, k.lockSeen
	k.lock, k.lockSeen = v, true
	switch {
	case v.Held:
		k.lockFreeSince, k.lockFreeAt = 0, time.Time{}
		if v.Record.Node != k.cfg.Node {
			k.demotedAt = 0 // another node took over: back to the normal rule
		}
	case !seen || old.Held:
		k.lockFreeSince, k.lockFreeAt = k.obs.headSlot, k.deps.Now()
	}
	if seen && v.Held && old.Record.Node != v.Record.Node {
		k.log.Info("lock holder changed", "from", old.Record.Node, "to", v.Record.Node)
	}
}

// lockFreeButProducing reports our producer's blocks arriving while nobody holds the lock: an
// agent died while its nodeos kept producing. Nobody takes over; an operator must act.
func (k *Keeper) lockFreeButProducing() bool {
	if !k.lockSeen || k.lock.Held || k.term != nil || k.lockFreeSince == 0 {
		return false
	}
	// Blocks up to the watermark the last holder recorded on release are its own, however
	// late they reach this node (a planned hand-off releases right after our last block).
	return nodeos.Slot(k.obs.lastOur.Slot) > k.lockFreeSince && k.obs.lastOur.Num > k.lock.Record.Watermark.Num
}
