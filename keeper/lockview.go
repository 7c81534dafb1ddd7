package keeper

import (
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// lockWatch is the lock as the watch last delivered it, and since when it has looked free.
type lockWatch struct {
	lock LockView
	// lockSeen reports whether the watch has delivered a good view yet.
	lockSeen bool
	// lockErr is the watch's last error, nil when its view is fresh.
	lockErr error
	// lockFreeSince and lockFreeAt are the head slot and the time at which this node first saw
	// the lock free.
	lockFreeSince nodeos.Slot
	lockFreeAt    time.Time
	// termSeen is the slot at which this node learned of the newest tenure of the lock. Only
	// turns that start after it count as missed-turn evidence: a holder that resumed between
	// its turns and died before its next one has missed nothing since it resumed, whatever
	// the turns before its tenure show.
	termSeen nodeos.Slot
	// turnOverAt is when this node's head first passed the slot a hand-off's successors wait
	// for (Handoff.ResumeFrom): their head starts count from then.
	turnOverAt time.Time
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
	if v.Err == nil && (!seen || v.Record.Term != old.Record.Term || v.Held && !old.Held) {
		k.termSeen = max(k.obs.headSlot, nodeos.SlotOf(k.now()))
		k.turnOverAt = time.Time{}
	}
	switch {
	case v.Held:
		k.lockFreeSince, k.lockFreeAt = 0, time.Time{}
		if v.Record.Node != k.cfg.Node {
			k.demotedAt = 0 // another node took over: back to the normal rule
		}
	case !seen || old.Held:
		k.lockFreeSince, k.lockFreeAt = k.obs.headSlot, k.now()
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
