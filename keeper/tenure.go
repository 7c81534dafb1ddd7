package keeper

import (
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// tenure is this node's hold of the lock: the current term and what the holder keeps with it,
// the term it could not release, and the demotion that follows giving the lock up for a fault.
type tenure struct {
	// term is the lock held now; nil when this node does not hold it.
	term Term
	// resumedAt is the head slot at which nodeos was confirmed resumed under the current term.
	resumedAt nodeos.Slot
	// watermark is the last watermark written under the current term.
	watermark Block
	// watermarkFailing reports a streak of failed watermark writes, logged once.
	watermarkFailing bool
	// finalizerChecked is when the holder last checked the active finalizer key.
	finalizerChecked time.Time
	// lastAcquireErr is the last acquire error logged, so a persisting one is logged once.
	lastAcquireErr string
	// servedSwitchover is the time of the last switchover request this node carried out. A
	// request is carried out once: if its target does not take over, the lock falls back to
	// the evidence rule rather than handing off again every round.
	servedSwitchover time.Time

	// resignReason is why a holder in Fencing is giving the lock up once nodeos is paused;
	// retryingResign marks its retries, which log only at debug level.
	resignReason   string
	retryingResign bool
	// staleTerm is a term whose Release failed; retired once Consul answers.
	staleTerm Term

	// demotedAt is the head slot at which this node gave the lock up for a fault of its own,
	// 0 when it is not demoted (see Evidence.Demoted).
	demotedAt nodeos.Slot
	// lastTakeover is this node's newest acquisition of the lock from another node.
	lastTakeover *Takeover
}

// ownBlocks is what this node knows of the blocks its own nodeos produced.
type ownBlocks struct {
	// ownThrough is the highest block number up to which our producer's blocks are known to be
	// this node's own (from the log, or from the head when it paused under the lock).
	ownThrough uint32
	// lastProduced is the newest block of ours this node produced, and when it learned of it.
	lastProduced   Block
	lastProducedAt time.Time
}
