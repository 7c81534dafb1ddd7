package main

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// historyChange is one update of the history that a status change calls for: a new entry,
// or the missed blocks of an acquisition recorded earlier.
type historyChange struct {
	add *HistoryEntry
	// missed is set for an update of the acquisition of node at time at.
	missed *historyMissed
}

type historyMissed struct {
	node  string
	at    time.Time
	count int
}

// apply returns the change as a function over the history.
func (c historyChange) apply() func([]HistoryEntry) []HistoryEntry {
	if c.add != nil {
		return appendEntry(*c.add)
	}
	return setMissed(c.missed.node, c.missed.at, c.missed.count)
}

// historyRecorder turns this node's successive status snapshots into history changes: a new
// LastTakeover (or the lock held with none) is an acquisition, the lock no longer held a
// release, classified by the state's reason. It is not safe for concurrent use.
type historyRecorder struct {
	prev *keeper.Status
	// first is the acquisition waiting for this node's first block, to count the blocks
	// missed since base, the previous holder's last block.
	first *pendingFirst
}

type pendingFirst struct {
	at   time.Time
	base keeper.Block
}

// switchoverPrefix starts the reason of a holder that handed production over on an operator's
// request (keeper's planned switchover).
const switchoverPrefix = "planned switchover to "

// observe compares s with the previous snapshot and returns the history changes it calls for.
func (r *historyRecorder) observe(s keeper.Status) []historyChange {
	prev := r.prev
	r.prev = &s
	if prev == nil {
		return nil
	}
	var out []historyChange
	if t := s.LastTakeover; t != nil && (prev.LastTakeover == nil || !prev.LastTakeover.At.Equal(t.At)) {
		reason := t.Why
		if t.Reason != "" && !strings.Contains(reason, t.Reason) {
			reason += "; " + t.From + " handed off: " + t.Reason
		}
		out = append(out, r.acquired(prev, s, HistoryEntry{Time: t.At, Event: historyTakeover, From: t.From, Path: t.Path, Reason: reason}))
	} else if s.LockHeld && !prev.LockHeld {
		out = append(out, r.acquired(prev, s, HistoryEntry{Time: since(s), Event: historyAcquire, Reason: s.StateReason}))
	}
	if prev.LockHeld && !s.LockHeld {
		out = append(out, released(prev, s))
		r.first = nil
	}
	if p := r.first; p != nil && s.LastProduced.Num > p.base.Num {
		r.first = nil
		// Every slot between the two blocks without a block is one missed.
		slots := int64(s.LastProduced.Slot) - int64(p.base.Slot)
		blocks := int64(s.LastProduced.Num) - int64(p.base.Num)
		if missed := slots - blocks; missed >= 0 && s.LastProduced.Slot > p.base.Slot {
			out = append(out, historyChange{missed: &historyMissed{node: s.Node, at: p.at, count: int(missed)}})
		}
	}
	return out
}

// acquired completes the entry of an acquisition seen between prev and s, and starts waiting
// for this node's first block.
func (r *historyRecorder) acquired(prev *keeper.Status, s keeper.Status, e HistoryEntry) historyChange {
	e.To = s.Node
	// The previous holder's last block, as this node saw it before resuming (or since, when
	// the newest block is not this node's own).
	base := prev.LastOurBlock
	if b := s.LastOurBlock; b.Num > base.Num && b.Num > s.LastProduced.Num {
		base = b
	}
	// The watermark on record, or the newer block this node saw when the record lagged.
	e.Watermark = prev.Watermark
	if e.Watermark.Num == 0 {
		e.Watermark = s.Watermark
	}
	if base.Num > e.Watermark.Num {
		e.Watermark = base
	}
	r.first = nil
	if base.Num > 0 {
		r.first = &pendingFirst{at: e.Time, base: base}
	}
	return historyChange{add: &e}
}

// released is the entry of a holder that no longer holds the lock in s.
func released(prev *keeper.Status, s keeper.Status) historyChange {
	e := HistoryEntry{Time: since(s), Event: historyResign, From: s.Node, Reason: s.StateReason, Watermark: prev.Watermark}
	if s.Watermark.Num > e.Watermark.Num {
		e.Watermark = s.Watermark
	}
	switch {
	case s.State == keeper.Stopped:
		e.Reason = "agent stopping"
	case strings.HasPrefix(s.StateReason, switchoverPrefix):
		e.Event, e.To = historySwitchover, strings.TrimPrefix(s.StateReason, switchoverPrefix)
	case strings.Contains(s.StateReason, "lock lost"):
		e.Event = historyFence
	}
	return historyChange{add: &e}
}

// since is when s's state began, or the snapshot's time when that is unknown.
func since(s keeper.Status) time.Time {
	if !s.StateSince.IsZero() {
		return s.StateSince
	}
	return s.Time
}

// historyPollInterval is how often the history writer reads the keeper's status: well under
// a keeper tick, so it sees every published snapshot in which the lock holder changes.
const historyPollInterval = 200 * time.Millisecond

// historyQueueLimit bounds the changes waiting for Consul; beyond it the oldest are dropped.
const historyQueueLimit = 64

// historyWriteTimeout bounds one history update, including its check-and-set retries.
const historyWriteTimeout = 5 * time.Second

// recordHistory watches status and appends this node's changes of the lock holder to the
// history at key until ctx ends, then records the last ones (the release of a stopping
// holder) within historyWriteTimeout. Changes that Consul does not take are kept and retried
// on the next poll: Consul trouble is not a node failure, and it is logged once per streak.
func recordHistory(ctx context.Context, kv *api.KV, key string, status func() keeper.Status, log hclog.Logger) error {
	rec := &historyRecorder{}
	var queue []historyChange
	failing := false
	flush := func(ctx context.Context) {
		for len(queue) > 0 {
			wctx, cancel := context.WithTimeout(ctx, historyWriteTimeout)
			err := updateHistory(wctx, kv, key, queue[0].apply())
			cancel()
			if err != nil {
				if !failing {
					log.Warn("cannot write the lock history to Consul; retrying", "key", key, "pending", len(queue), "error", err)
					failing = true
				}
				return
			}
			if failing {
				log.Info("writing the lock history to Consul again", "key", key)
				failing = false
			}
			queue = queue[1:]
		}
	}
	t := time.NewTicker(historyPollInterval)
	defer t.Stop()
	for {
		queue = append(queue, rec.observe(status())...)
		if n := len(queue) - historyQueueLimit; n > 0 {
			log.Warn("dropping lock history changes Consul did not take", "dropped", n)
			queue = queue[n:]
		}
		flush(ctx)
		select {
		case <-ctx.Done():
			queue = append(queue, rec.observe(status())...)
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), historyWriteTimeout)
			defer cancel()
			flush(fctx)
			return nil
		case <-t.C:
		}
	}
}
