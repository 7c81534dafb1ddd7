package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// lead is the tick of the lock holder: keep production confirmed, keep the watermark current,
// and give the lock up when this node can no longer produce well or an operator asks for it.
func (k *Keeper) lead(ctx context.Context) {
	select {
	case <-k.term.Lost():
		k.fence(ctx, "lock lost: leadership can no longer be proven")
		return
	default:
	}
	k.updateWatermark(ctx)
	k.checkFinalizer(ctx)
	if k.lock.Maintenance {
		return // no automatic action; fencing on loss still applies
	}
	if !k.healthy {
		k.alerts.raise(k.deps.Now(), alertHolderUnhealthy, notify.Critical,
			"lock holder's nodeos unhealthy, resigning: "+strings.Join(k.problems, "; "), k.figures())
		k.demote()
		k.resign(ctx, "nodeos unhealthy: "+strings.Join(k.problems, "; "), nil)
		return
	}
	if n := k.missedTurns(k.resumedAt, 1); n > 0 {
		k.alerts.raise(k.deps.Now(), alertHolderMissed, notify.Critical,
			"our producer missed a turn while this node held the lock and was resumed; resigning", k.figures())
		k.demote()
		k.resign(ctx, "our producer missed a turn while this node was producing", nil)
		return
	}
	if k.obs.pausedKnown && k.obs.paused {
		k.log.Warn("nodeos reports paused while holding the lock; resuming")
		msg := "nodeos paused itself while holding the lock"
		if k.deps.Finalizer == nil {
			msg += " (on a Savanna chain: our producer's active finalizer key is not voting; configure this node's finalizer key so a takeover activates it)"
		}
		k.alerts.raise(k.deps.Now(), alertHolderPaused, notify.Warning, msg, k.figures())
		if err := k.resumeConfirmed(ctx); err != nil {
			k.log.Warn("resume failed", "error", err)
		}
	} else if k.obs.pausedKnown {
		k.alerts.clear(k.deps.Now(), alertHolderPaused)
	}
	if to := k.lock.SwitchoverTo; to != "" && to != k.cfg.Node {
		if age := k.deps.Now().Sub(k.lock.SwitchoverAt); age < MaxSwitchoverAge {
			k.switchover(ctx, to)
		}
	}
}

// MaxSwitchoverAge is how long a switchover request stays valid after the operator made it.
const MaxSwitchoverAge = 10 * time.Minute

// updateWatermark writes our producer's newest block into the lock's value when it moved.
func (k *Keeper) updateWatermark(ctx context.Context) {
	wm := k.obs.lastOur
	if wm.Num <= k.watermark.Num {
		return
	}
	// Our blocks while this node holds the lock and is resumed are this node's; the log, when
	// followed, confirms it block by block.
	if k.deps.Events == nil || k.lastProduced.Num >= wm.Num {
		wm.Node = k.cfg.Node
	}
	if k.deps.Events == nil && wm.Node == k.cfg.Node {
		k.lastProduced, k.lastProducedAt = wm, k.deps.Now()
		k.ownThrough = max(k.ownThrough, wm.Num)
	}
	cctx, cancel := context.WithTimeout(ctx, k.cfg.CallTimeout)
	defer cancel()
	if err := k.term.SetWatermark(cctx, wm); err != nil {
		if !k.watermarkFailing {
			k.log.Warn("cannot update the watermark; retrying every tick", "block", wm.Num, "error", err)
			k.watermarkFailing = true
		}
		return
	}
	if k.watermarkFailing {
		k.log.Info("watermark updated again", "block", wm.Num)
		k.watermarkFailing = false
	}
	k.watermark = wm
}

// switchover hands production to node to, between our producer's turns: pause, confirm,
// record the hand-off with the watermark, release.
func (k *Keeper) switchover(ctx context.Context, to string) {
	if !k.betweenTurns() {
		return
	}
	k.log.Info("planned switchover", "to", to)
	deadline := k.deps.Now().Add(2 * k.cfg.CallTimeout)
	if err := k.pauseConfirmed(ctx, deadline); err != nil {
		k.log.Error("switchover aborted: pause not confirmed; resuming", "error", err)
		if err := k.resumeConfirmed(ctx); err != nil {
			k.log.Error("resume after aborted switchover failed", "error", err)
		}
		return
	}
	k.updateWatermark(ctx)
	wm := k.watermark
	if k.obs.lastOur.Num > wm.Num {
		wm = k.obs.lastOur
		wm.Node = k.cfg.Node
	}
	k.release(ctx, fmt.Sprintf("planned switchover to %s", to), &Handoff{To: to, Watermark: wm})
}

// betweenTurns reports whether the head is outside our producer's turn and far enough from the
// next one for a hand-off to complete.
func (k *Keeper) betweenTurns() bool {
	o := &k.obs
	if !o.schedKnown {
		return false
	}
	if _, in := o.sched.CurrentTurn(k.cfg.Producer, o.headSlot); in {
		return false
	}
	next, ok := o.sched.NextTurn(k.cfg.Producer, o.headSlot)
	if !ok {
		return true
	}
	return next.First-o.headSlot > nodeos.Slot(k.cfg.HandoffSlots+k.cfg.MarginSlots)
}

// demote marks this node as having given the lock up for a fault of its own.
func (k *Keeper) demote() {
	k.demotedAt = max(k.obs.headSlot, 1)
}

// resign pauses nodeos, confirms it, and releases the lock (without a hand-off: the standbys
// then need the missed-turn evidence). The lock is released only when nodeos is confirmed
// paused, refuses connections (no process listens on its API: it is down), or the fence
// command ran. Otherwise this node keeps the lock in Fencing and tries again every tick: a
// nodeos that is stopped or hung, not dead, carries on unpaused when it wakes, and releasing
// would let a standby resume beside it.
func (k *Keeper) resign(ctx context.Context, reason string, h *Handoff) {
	// The term is still renewed, so its FenceBy keeps moving: the pause gets its full retry
	// budget, and if the lock is lost meanwhile, fence takes over with the term's deadline.
	pctx, cancel := context.WithCancel(ctx)
	lost := k.term.Lost()
	go func() {
		select {
		case <-lost:
			cancel()
		case <-pctx.Done():
		}
	}()
	err := k.pauseConfirmed(pctx, k.deps.Now().Add(2*k.cfg.CallTimeout))
	cancel()
	if err != nil && termLost(k.term) {
		k.fence(ctx, "lock lost while resigning: "+reason)
		return
	}
	switch {
	case err == nil:
		k.notePausedProduction(ctx)
	case nodeosDown(err):
		k.log.Warn("nodeos refuses connections: it is down; releasing the lock", "error", err)
	case k.runFence(err, true):
	default:
		k.resignReason = reason
		k.transition(Fencing, "keeping the lock until nodeos is confirmed paused: "+reason)
		return
	}
	k.alerts.clear(k.deps.Now(), alertFenceFailed)
	k.resignReason = ""
	k.release(ctx, reason, h)
}

// termLost reports whether the term's Lost channel has closed.
func termLost(t Term) bool {
	select {
	case <-t.Lost():
		return true
	default:
		return false
	}
}

// nodeosDown reports whether err shows that nothing listens on nodeos's API address.
func nodeosDown(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// holdUnconfirmed is the tick of a holder whose nodeos could not be confirmed paused: it keeps
// the lock so no other node produces, and tries to pause again (or fences on loss).
func (k *Keeper) holdUnconfirmed(ctx context.Context) {
	select {
	case <-k.term.Lost():
		k.fence(ctx, "lock lost while nodeos could not be confirmed paused")
		return
	default:
	}
	// The first attempt logged why; the retries log only at debug level (the alert stays raised).
	k.retryingResign = true
	defer func() { k.retryingResign = false }()
	k.resign(ctx, k.resignReason, nil)
}

// notePausedProduction runs once nodeos is confirmed paused under a term: without a log to
// say so block by block, every block of our producer up to nodeos's head at this moment was
// produced while this node held the lock resumed, so it is this node's.
func (k *Keeper) notePausedProduction(ctx context.Context) {
	if k.deps.Events != nil {
		return
	}
	info, err := callNode(ctx, k.cfg.CallTimeout, k.deps.Node.Info)
	if err != nil {
		k.log.Warn("cannot read the head after pausing", "error", err)
		return
	}
	k.ownThrough = max(k.ownThrough, info.Head)
}
func (k *Keeper) release(ctx context.Context, reason string, h *Handoff) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), k.cfg.CallTimeout)
	defer cancel()
	if err := k.term.Release(cctx, h); err != nil {
		k.log.Warn("lock release failed; retrying every tick until Consul answers (or the session expires)", "error", err)
		k.staleTerm = k.term
	}
	k.term = nil
	k.watermark = Block{}
	k.finalizerChecked = time.Time{}
	k.alerts.clear(k.deps.Now(), alertFinalizerElsewhere)
	k.transition(Standby, reason)
}

// fence pauses nodeos after the lock was lost, before the term's fence deadline; if the pause
// cannot be confirmed in time, the configured fence command runs and a critical alert says so.
func (k *Keeper) fence(ctx context.Context, reason string) {
	k.transition(Fencing, reason)
	fenceBy := k.term.FenceBy()
	pauseBy := fenceBy.Add(-k.cfg.FenceMargin)
	if now := k.deps.Now(); !pauseBy.After(now) {
		// Too late already (this agent was stopped or starved past its deadline): a pause
		// through the API is still the quickest way to stop production, so try it once
		// before the fence command.
		k.log.Warn("fence deadline already passed; pausing at once", "fence_by", fenceBy)
		pauseBy = now.Add(k.cfg.CallTimeout)
		if fenceBy.Before(pauseBy) {
			fenceBy = pauseBy
		}
	}
	// Fencing completes even when the agent is stopping.
	fctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), fenceBy)
	defer cancel()
	if err := k.pauseConfirmed(fctx, pauseBy); err != nil {
		if nodeosDown(err) {
			k.log.Warn("nodeos refuses connections: it is down", "error", err)
			k.alerts.clear(k.deps.Now(), alertFenceFailed)
		} else {
			k.runFence(err, false)
		}
	} else {
		k.alerts.clear(k.deps.Now(), alertFenceFailed)
		k.notePausedProduction(fctx)
	}
	k.alerts.event(k.deps.Now(), alertLockLost, notify.Warning, "lock lost; nodeos paused: "+reason, k.figures())
	k.release(fctx, reason, nil)
}

// runFence runs the fence command when nodeos could not be confirmed paused, raises the
// fence_failed alert, and reports whether the command ran and succeeded. keeping says the
// holder keeps the lock when it did not.
func (k *Keeper) runFence(cause error, keeping bool) bool {
	msg := "cannot confirm nodeos paused: " + cause.Error()
	ran := false
	if len(k.cfg.FenceCommand) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := k.deps.Fence(ctx, k.cfg.FenceCommand); err != nil {
			msg += "; fence command failed: " + err.Error()
		} else {
			msg += "; fence command ran"
			ran = true
		}
	} else {
		msg += "; no fence command configured"
	}
	if !ran && keeping {
		msg += "; keeping the lock so no other node produces beside it"
	}
	if k.retryingResign {
		k.log.Debug("fencing", "detail", msg)
	} else {
		k.log.Error("fencing", "detail", msg)
	}
	k.alerts.raise(k.deps.Now(), alertFenceFailed, notify.Critical, msg, k.figures())
	return ran
}

// retireStale retries the release of a term whose Release failed, so a lock that only this
// node's old, unrenewed session still holds frees as soon as Consul answers again, instead of
// after the session expires and the lock-delay passes.
func (k *Keeper) retireStale(ctx context.Context) {
	if k.staleTerm == nil {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, k.cfg.CallTimeout)
	defer cancel()
	if err := k.staleTerm.Retire(cctx); err != nil {
		return
	}
	k.log.Info("old lock session released")
	k.staleTerm = nil
}
