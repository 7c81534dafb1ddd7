package keeper

import (
	"context"
	"errors"
	"fmt"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// onCandidate takes the lock and resumes nodeos under it. Nodeos is resumed only after the
// lock is held and only while the term has not been lost.
func (k *Keeper) onCandidate(ctx context.Context) (State, string) {
	adm := k.admitted
	prev := k.lock.Record
	// Term names the value the admission read: the lock refuses if another tenure wrote it
	// since (a stale view must not admit, least of all by a hand-off someone else superseded).
	rec := LockRecord{Node: k.cfg.Node, Role: k.cfg.Role, Watermark: k.obs.lastOur, Term: prev.Term}
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
				k.lockFreeAt = k.now()
			}
			return Standby, "lock taken first by another session"
		}
		if msg := err.Error(); msg != k.lastAcquireErr {
			k.log.Warn("cannot acquire the lock", "error", err)
			k.lastAcquireErr = msg
		}
		return Standby, "acquire failed: " + err.Error()
	}
	k.lastAcquireErr = ""
	k.term, k.watermark = term, rec.Watermark
	k.log.Info("lock acquired", "why", adm.Why, "previous_holder", prev.Node)
	k.activateFinalizer(ctx)
	if err := k.resumeConfirmed(ctx); err != nil {
		k.log.Error("cannot resume nodeos under the lock; resigning", "error", err)
		k.alerts.raise(k.now(), alertResumeFailed, notify.Critical, "acquired the lock but nodeos did not resume: "+err.Error(), k.figures())
		k.demote()
		return k.resign(ctx, "resume failed", nil)
	}
	k.alerts.clear(k.now(), alertResumeFailed)
	k.resumedAt = k.headAfterResume(ctx)
	if prev.Node != "" && prev.Node != k.cfg.Node {
		t := &Takeover{From: prev.Node, Path: adm.Path, Why: adm.Why, At: k.now()}
		if h := prev.Handoff; h != nil {
			t.Reason = h.Reason
		}
		k.lastTakeover = t
		k.failovers++
		k.alerts.event(k.now(), alertFailover, notify.Warning,
			fmt.Sprintf("production moved from %s to %s: %s", prev.Node, k.cfg.Node, adm.Why), k.figures())
	}
	k.demotedAt = 0
	return Leader, adm.Why
}

// headAfterResume is the slot from which this node answers for our producer's turns once
// nodeos is confirmed resumed. The head is read afresh (the tick's observation can be older),
// and since the head block's slot lags the chain's clock while our producer is missing, the
// turn that may already be under way is not this node's to answer for: it joined it too late
// to sign every slot, perhaps any.
func (k *Keeper) headAfterResume(ctx context.Context) nodeos.Slot {
	head := k.obs.headSlot
	if info, err := callNode(ctx, k, k.deps.Node.Info); err == nil && nodeos.SlotOf(info.HeadTime) > head {
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
