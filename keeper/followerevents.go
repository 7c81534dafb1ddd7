package keeper

import (
	"context"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// LogKinds lists the nodeos log events the keeper acts on. Passing them as
// nodeos.FollowerConfig.Kinds spares the follower from parsing every other line.
func LogKinds() []nodeos.EventKind {
	return []nodeos.EventKind{nodeos.EventProduced, nodeos.EventDoubleProduced, nodeos.EventNotProducing}
}

// FollowerEvents converts a nodeos log follower's events into the keeper's log events until
// ctx ends or the follower's channel closes; the returned channel then closes. The caller runs
// the follower itself.
func FollowerEvents(ctx context.Context, in <-chan nodeos.Event) <-chan LogEvent {
	out := make(chan LogEvent, logEventBuffer)
	go func() {
		defer close(out)
		forwardLogEvents(ctx, in, out)
	}()
	return out
}

// logEventBuffer is the capacity of the log event channels FollowerEvents and NewAgent make.
const logEventBuffer = 64

// forwardLogEvents sends the keeper's log events among in's to out until ctx ends or in
// closes.
func forwardLogEvents(ctx context.Context, in <-chan nodeos.Event, out chan<- LogEvent) {
	for {
		var ev nodeos.Event
		var ok bool
		select {
		case <-ctx.Done():
			return
		case ev, ok = <-in:
			if !ok {
				return
			}
		}
		le, keep := logEventOf(ev)
		if !keep {
			continue
		}
		select {
		case out <- le:
		case <-ctx.Done():
			return
		}
	}
}

// logEventOf keeps the log lines the keeper acts on.
func logEventOf(ev nodeos.Event) (LogEvent, bool) {
	le := LogEvent{Num: ev.BlockNum, Slot: ev.BlockSlot, Producer: ev.Producer, Text: ev.Text}
	switch {
	case ev.Kind == nodeos.EventProduced:
		le.Kind = LogProduced
	case ev.Kind == nodeos.EventDoubleProduced:
		le.Kind = LogDoubleProduced
	case ev.Kind == nodeos.EventNotProducing && ev.Reason == nodeos.ReasonNoRecentVotes:
		le.Kind = LogImplicitPause
	default:
		return LogEvent{}, false
	}
	return le, true
}

// logEvent handles one line of nodeos's log.
func (k *Keeper) logEvent(ev LogEvent) {
	now := k.now()
	switch ev.Kind {
	case LogProduced:
		if ev.Producer == k.cfg.Producer && ev.Num >= k.lastProduced.Num {
			k.lastProduced = Block{Num: ev.Num, Slot: uint32(ev.Slot), Node: k.cfg.Node}
			k.lastProducedAt = now
			k.ownThrough = max(k.ownThrough, ev.Num)
		}
	case LogDoubleProduced:
		if ev.Producer == k.cfg.Producer {
			k.alerts.event(now, alertDoubleProduced, notify.Critical, "nodeos saw our producer double-produce: "+ev.Text, k.figures())
		}
	case LogImplicitPause:
		if k.term != nil {
			k.alerts.event(now, alertImplicitPause, notify.Critical,
				"nodeos paused itself for lack of finalizer votes while holding the lock: "+ev.Text, k.figures())
		}
	}
}
