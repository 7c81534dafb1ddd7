package keeper

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// onLeader is the handler of the lock holder: keep production confirmed, keep the watermark
// current, and give the lock up when this node can no longer produce well or an operator asks
// for it.
func (k *Keeper) onLeader(ctx context.Context) (State, string) {
	if termLost(k.term) {
		return Fencing, "lock lost: leadership can no longer be proven"
	}
	k.updateWatermark(ctx)
	k.checkFinalizer(ctx)
	if k.lock.Maintenance {
		return k.stay(ctx) // no automatic action; fencing on loss still applies
	}
	if !k.healthy {
		k.alerts.raise(k.now(), alertHolderUnhealthy, notify.Critical,
			"lock holder's nodeos unhealthy, resigning: "+strings.Join(k.problems, "; "), k.figures())
		k.demote()
		return k.resign(ctx, "nodeos unhealthy: "+strings.Join(k.problems, "; "), nil)
	}
	if n := k.missedTurns(k.resumedAt, 1); n > 0 {
		k.alerts.raise(k.now(), alertHolderMissed, notify.Critical,
			"our producer missed a turn while this node held the lock and was resumed; resigning", k.figures())
		k.demote()
		return k.resign(ctx, "our producer missed a turn while this node was producing", nil)
	}
	if k.obs.pausedKnown && k.obs.paused {
		k.log.Warn("nodeos reports paused while holding the lock; resuming")
		msg := "nodeos paused itself while holding the lock"
		if k.deps.Finalizer == nil {
			msg += " (on a Savanna chain: our producer's active finalizer key is not voting; configure this node's finalizer key so a takeover activates it)"
		}
		k.alerts.raise(k.now(), alertHolderPaused, notify.Warning, msg, k.figures())
		if err := k.resumeConfirmed(ctx); err != nil {
			k.log.Warn("resume failed", "error", err)
		}
	} else if k.obs.pausedKnown {
		k.alerts.clear(k.now(), alertHolderPaused)
	}
	if to := k.lock.SwitchoverTo; to != "" && to != k.cfg.Node && !k.lock.SwitchoverAt.Equal(k.servedSwitchover) {
		if age := k.now().Sub(k.lock.SwitchoverAt); age < MaxSwitchoverAge {
			return k.switchover(ctx, to)
		}
	}
	return k.stay(ctx)
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
		k.lastProduced, k.lastProducedAt = wm, k.now()
		k.ownThrough = max(k.ownThrough, wm.Num)
	}
	cctx, cancel := k.within(ctx, k.cfg.CallTimeout)
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
// record the hand-off with the watermark, release. Inside or too close to our turn, or when
// the pause cannot be confirmed (nodeos is resumed again), the holder stays leader.
func (k *Keeper) switchover(ctx context.Context, to string) (State, string) {
	if !k.betweenTurns() {
		return k.stay(ctx)
	}
	k.log.Info("planned switchover", "to", to)
	if err := k.pauseConfirmed(ctx, k.now().Add(2*k.cfg.CallTimeout), nil); err != nil {
		k.log.Error("switchover aborted: pause not confirmed; resuming", "error", err)
		if err := k.resumeConfirmed(ctx); err != nil {
			k.log.Error("resume after aborted switchover failed", "error", err)
		}
		return k.stay(ctx)
	}
	k.updateWatermark(ctx)
	wm := k.watermark
	if k.obs.lastOur.Num > wm.Num {
		wm = k.obs.lastOur
		wm.Node = k.cfg.Node
	}
	reason := fmt.Sprintf("planned switchover to %s", to)
	k.servedSwitchover = k.lock.SwitchoverAt
	k.release(ctx, reason, &Handoff{To: to, Watermark: wm})
	return Standby, reason
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
