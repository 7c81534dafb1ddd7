package keeper

import (
	"context"
	"errors"
	"syscall"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
)

// onFencing is the handler of a holder that must stop producing: when the lock is lost it
// pauses before the fence deadline (fence); otherwise it holds the lock until a nodeos that
// could not be confirmed paused is paused, down or fenced, trying again every tick.
func (k *Keeper) onFencing(ctx context.Context) (State, string) {
	if termLost(k.term) {
		reason := k.stateReason
		if k.resignReason != "" {
			reason = "lock lost while nodeos could not be confirmed paused"
		}
		return k.fence(ctx, reason)
	}
	// The first attempt logged why; the retries log only at debug level (the alert stays raised).
	k.retryingResign = true
	defer func() { k.retryingResign = false }()
	return k.resign(ctx, k.resignReason, nil)
}

// resign pauses nodeos, confirms it, and releases the lock, recording the hand-off h (a
// switchover's), or else a hand-off to the best standbys (see successors): with its nodeos
// confirmed unable to produce, the holder vouches for its stop so they need not wait for the
// missed-turn evidence. The lock is released only when nodeos is confirmed paused, refuses
// connections (no process listens on its API: it is down), or the fence command ran. Otherwise this node keeps
// the lock in Fencing and tries again every tick: a nodeos that is stopped or hung, not dead,
// carries on unpaused when it wakes, and releasing would let a standby resume beside it.
func (k *Keeper) resign(ctx context.Context, reason string, h *Handoff) (State, string) {
	// The term is still renewed, so its FenceBy keeps moving: the pause gets its full retry
	// budget, and if the lock is lost meanwhile, fencing takes over with the term's deadline.
	err := k.pauseConfirmed(ctx, k.now().Add(2*k.cfg.CallTimeout), k.term.Lost())
	if err != nil && termLost(k.term) {
		return Fencing, "lock lost while resigning: " + reason
	}
	switch {
	case err == nil:
		k.notePausedProduction(ctx)
	case nodeosDown(err):
		k.log.Warn("nodeos refuses connections: it is down; releasing the lock", "error", err)
	case k.runFence(err, true):
	default:
		k.resignReason = reason
		return Fencing, "keeping the lock until nodeos is confirmed paused: " + reason
	}
	k.alerts.clear(k.now(), alertFenceFailed)
	if h == nil {
		// Our nodeos cannot produce: vouch for it and name the standbys that may take over
		// at once.
		if h = k.resignHandoff(ctx, reason, k.now(), err == nil); h != nil {
			k.log.Info("handing production on", "successors", h.Successors, "watermark", h.Watermark.Num)
		}
	}
	k.release(ctx, reason, h)
	return Standby, reason
}

// fence pauses nodeos after the lock was lost, before the term's fence deadline; if the pause
// cannot be confirmed in time, the configured fence command runs and a critical alert says so.
// The term is then released (best effort: Consul may already have freed it).
func (k *Keeper) fence(ctx context.Context, reason string) (State, string) {
	fenceBy := k.term.FenceBy()
	pauseBy := fenceBy.Add(-k.cfg.FenceMargin)
	if now := k.now(); !pauseBy.After(now) {
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
	if err := k.pauseConfirmed(fctx, pauseBy, nil); err != nil {
		if nodeosDown(err) {
			k.log.Warn("nodeos refuses connections: it is down", "error", err)
			k.alerts.clear(k.now(), alertFenceFailed)
		} else {
			k.runFence(err, false)
		}
	} else {
		k.alerts.clear(k.now(), alertFenceFailed)
		k.notePausedProduction(fctx)
	}
	k.alerts.event(k.now(), alertLockLost, notify.Warning, "lock lost; nodeos paused: "+reason, k.figures())
	k.release(fctx, reason, nil)
	return Standby, reason
}

// runFence runs the fence command when nodeos could not be confirmed paused, raises the
// fence_failed alert, and reports whether the command ran and succeeded. keeping says the
// holder keeps the lock when it did not.
func (k *Keeper) runFence(cause error, keeping bool) bool {
	msg := "cannot confirm nodeos paused: " + cause.Error()
	ran := false
	if len(k.cfg.FenceCommand) > 0 {
		ctx, cancel := k.within(context.Background(), fenceCommandTimeout)
		defer cancel()
		if err := k.deps.RunCommand(ctx, k.cfg.FenceCommand); err != nil {
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
	k.alerts.raise(k.now(), alertFenceFailed, notify.Critical, msg, k.figures())
	return ran
}

// release gives the term up, recording the hand-off h when it is not nil, and forgets what the
// holder kept with it. A release Consul does not confirm is retried every tick (retireStale).
func (k *Keeper) release(ctx context.Context, reason string, h *Handoff) {
	cctx, cancel := k.within(context.WithoutCancel(ctx), k.cfg.CallTimeout)
	defer cancel()
	if err := k.term.Release(cctx, h); err != nil {
		k.log.Warn("lock release failed; retrying every tick until Consul answers (or the session expires)", "error", err, "reason", reason)
		k.staleTerm = k.term
	}
	k.term = nil
	k.watermark = Block{}
	k.resignReason = ""
	k.finalizerChecked = time.Time{}
	k.alerts.clear(k.now(), alertFinalizerElsewhere)
}

// retireStale retries the release of a term whose Release failed, so a lock that only this
// node's old, unrenewed session still holds frees as soon as Consul answers again, instead of
// after the session expires and the lock-delay passes.
func (k *Keeper) retireStale(ctx context.Context) {
	if k.staleTerm == nil {
		return
	}
	cctx, cancel := k.within(ctx, k.cfg.CallTimeout)
	defer cancel()
	if err := k.staleTerm.Retire(cctx); err != nil {
		return
	}
	k.log.Info("old lock session released")
	k.staleTerm = nil
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

// fenceCommandTimeout bounds one run of the fence command.
const fenceCommandTimeout = 10 * time.Second
