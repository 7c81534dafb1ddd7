package keeper

import (
	"context"
	"time"
)

// EventKind tells the keeper's inputs apart.
type EventKind int

// The keeper's inputs. Run turns each channel it waits on into one of these and hands it to
// Step; a simulation calls Step with the same events in an order of its choosing.
const (
	// EventTick: observe nodeos and take the decision the current state calls for.
	EventTick EventKind = iota + 1
	// EventLockView: the lock watch delivered Event.View.
	EventLockView
	// EventLog: nodeos's log delivered Event.Log.
	EventLog
	// EventLockLost: the current term's Lost channel closed.
	EventLockLost
	// EventHookFailed: the on_promote or on_demote command Event.Hook failed with Event.Err.
	EventHookFailed
	// EventStop: the agent is stopping; a holder pauses and releases.
	EventStop
)

// Event is one input to the keeper's state machine.
type Event struct {
	Kind EventKind
	// View is the lock's new view (EventLockView).
	View LockView
	// Log is one line of nodeos's log (EventLog).
	Log LogEvent
	// Hook and Err name a failed hook command and its error (EventHookFailed).
	Hook string
	Err  error
}

// Step hands one event to the keeper. It must be called from one goroutine at a time (Run
// does; a simulation may instead of Run), and may block for as long as the decision takes
// (a pause that must be confirmed before a fence deadline, say).
func (k *Keeper) Step(ctx context.Context, ev Event) {
	switch ev.Kind {
	case EventTick:
		k.tick(ctx)
	case EventLockView:
		k.lockChanged(ev.View)
	case EventLog:
		k.logEvent(ev.Log)
	case EventLockLost:
		if k.term == nil {
			return // a term already given up
		}
		k.advance(ctx, k.handlerOf(k.state))
		k.publish(k.now())
	case EventHookFailed:
		k.hookFailed(ev.Hook, ev.Err)
	case EventStop:
		k.advance(ctx, k.onStop)
		k.publish(k.now())
	}
}

// tick observes nodeos, runs the current state's handler, and publishes the outcome.
func (k *Keeper) tick(ctx context.Context) {
	now := k.now()
	k.observe(ctx, now)
	k.healthy, k.problems = k.health()
	k.advance(ctx, k.handlerOf(k.state))
	k.checkAlerts(now)
	k.publish(now)
}

// handler decides, for the state it belongs to, what the node does now and which state it is
// in afterwards, with the reason.
type handler func(ctx context.Context) (State, string)

// handlerOf is the state table: every state's handler, and so every transition, is found from
// this one switch.
//
//	starting    → standby (nodeos confirmed paused) | watching (role F)
//	standby     → candidate (admitted) | maintenance (flag set)
//	maintenance → standby (flag cleared) | candidate (cleared and admitted)
//	candidate   → leader (lock held, nodeos resumed) | standby (refused) | fencing (resume failed, pause unconfirmed)
//	leader      → fencing (lock lost; pause unconfirmed) | standby (resigned or switched over)
//	fencing     → standby (nodeos paused, down or fenced, lock released)
//	any         → stopped (agent stopping; see onStop)
func (k *Keeper) handlerOf(s State) handler {
	switch s {
	case Starting:
		return k.onStarting
	case Standby, Maintenance:
		return k.onStandby
	case Candidate:
		return k.onCandidate
	case Leader:
		return k.onLeader
	case Fencing:
		return k.onFencing
	default: // Watching, Stopped: nothing to decide
		return k.stay
	}
}

// maxChain bounds the handlers run in one step: standby → candidate → leader is the longest
// chain (leader → fencing → standby when the lock is lost).
const maxChain = 4

// advance runs handler h and makes the transition it returns; every state change of the
// keeper happens here. When the new state must act at once (see actsAtOnce), its handler
// runs in the same step.
func (k *Keeper) advance(ctx context.Context, h handler) {
	for range maxChain {
		from := k.state
		to, why := h(ctx)
		k.transition(to, why)
		if to == from || !k.actsAtOnce(to) {
			return
		}
		h = k.handlerOf(to)
	}
}

// actsAtOnce reports whether a node that just entered state s runs its handler in the same
// step: a candidate acquires the lock, and a holder whose lock is lost pauses before its fence
// deadline. A holder keeping the lock in fencing retries on the next tick instead.
func (k *Keeper) actsAtOnce(s State) bool {
	switch s {
	case Candidate:
		return true
	case Fencing:
		return k.term != nil && termLost(k.term)
	}
	return false
}

// stay keeps the current state and reason.
func (k *Keeper) stay(context.Context) (State, string) { return k.state, k.stateReason }

// transition moves the state machine; only advance calls it. A leadership change runs the
// operator's hooks.
func (k *Keeper) transition(to State, reason string) {
	if to == k.state && reason == k.stateReason {
		return
	}
	from := k.state
	k.state, k.stateReason, k.stateSince = to, reason, k.now()
	k.transitions++
	k.log.Info("state change", "from", from.String(), "to", to.String(), "reason", reason)
	switch {
	case to == Leader && from != Leader:
		k.runHook("on_promote", k.cfg.OnPromote)
	case from == Leader && to != Leader:
		k.runHook("on_demote", k.cfg.OnDemote)
	}
}

// now is the keeper's current instant.
func (k *Keeper) now() time.Time { return k.clock.Now() }

// within returns a context whose deadline is d from the keeper's clock, so every timeout the
// keeper sets is measured in the same time as its decisions.
func (k *Keeper) within(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, k.now().Add(d))
}
