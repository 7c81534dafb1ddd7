package keeper

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
)

// Alert keys. Each fault has its own key so faults fire and resolve independently.
const (
	alertAPIFailing          = "nodeos_api_failing"
	alertCallFailing         = "nodeos_call_failing"
	alertHeadStalled         = "head_stalled"
	alertLIBStalled          = "lib_stalled"
	alertFewProducers        = "few_producers"
	alertLowPeers            = "low_peers"
	alertMissedTurns         = "missed_turns"
	alertNotInSchedule       = "not_in_schedule"
	alertUnpausedWithoutLock = "unpaused_without_lock"
	alertLockFreeProducing   = "lock_free_blocks_arriving"
	alertHolderUnhealthy     = "holder_unhealthy"
	alertHolderMissed        = "holder_missed_turn"
	alertHolderPaused        = "holder_paused"
	alertResumeFailed        = "resume_failed"
	alertFenceFailed         = "fence_failed"
	alertLockLost            = "lock_lost"
	alertFailover            = "failover"
	alertMaintenance         = "maintenance"
	alertDoubleProduced      = "double_produced"
	alertImplicitPause       = "implicit_pause"
	alertConsulUnreachable   = "consul_unreachable"
	alertFinalizerKey        = "finalizer_key"
	alertHookFailed          = "hook_failed"
	alertFinalizerElsewhere  = "finalizer_key_elsewhere"
)

// eventHold is how long a one-off event alert (failover, lock lost) stays fired before it is
// resolved, so a repeat of the same event in that time is not sent twice.
const eventHold = time.Minute

// alerts tracks which alerts are firing and forwards every change to the sink.
type alerts struct {
	sink   AlertSink
	firing map[string]notify.Alert
	// node, role and producer stamp every alert.
	node, role, producer string
}

func (a *alerts) raise(now time.Time, key string, sev notify.Severity, msg string, figs []notify.Figure) {
	if cur, ok := a.firing[key]; ok && cur.Message == msg {
		return
	}
	al := notify.Alert{Key: key, Severity: sev, State: notify.Fired, Node: a.node, Role: a.role,
		Producer: a.producer, Message: msg, Figures: figs, Time: now}
	a.firing[key] = al
	if a.sink != nil {
		a.sink.Notify(al)
	}
}

// event raises a one-off alert that resolves itself after eventHold.
func (a *alerts) event(now time.Time, key string, sev notify.Severity, msg string, figs []notify.Figure) {
	delete(a.firing, key)
	a.raise(now, key, sev, msg, figs)
}

func (a *alerts) clear(now time.Time, key string) {
	cur, ok := a.firing[key]
	if !ok {
		return
	}
	delete(a.firing, key)
	cur.State, cur.Time = notify.Resolved, now
	if a.sink != nil {
		a.sink.Notify(cur)
	}
}

func (a *alerts) set(now time.Time, on bool, key string, sev notify.Severity, msg string, figs []notify.Figure) {
	if on {
		a.raise(now, key, sev, msg, figs)
	} else {
		a.clear(now, key)
	}
}

func (a *alerts) keys() []string {
	keys := make([]string, 0, len(a.firing))
	for k := range a.firing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkAlerts evaluates the seed's rules and the unsafe states every tick.
func (k *Keeper) checkAlerts(now time.Time) {
	o := &k.obs
	a := &k.alerts
	figs := k.figures()
	a.set(now, o.apiStreak >= k.cfg.APIFailures, alertAPIFailing, notify.Critical,
		fmt.Sprintf("nodeos API failed %d times in a row: %v", o.apiStreak, o.lastErr), figs)
	k.checkCalls(now, figs)
	if o.reachable {
		a.set(now, now.Sub(o.headAdvancedAt) > k.cfg.HeadStall, alertHeadStalled, notify.Critical,
			fmt.Sprintf("head %d not advancing", o.head), figs)
		a.set(now, now.Sub(o.libAdvancedAt) > k.cfg.LIBStall, alertLIBStalled, notify.Critical,
			fmt.Sprintf("LIB %d not advancing", o.lib), figs)
		n, full := o.distinctProducers(k.cfg.windowBlocks())
		a.set(now, full && n < k.minProducers(), alertFewProducers, notify.Warning,
			fmt.Sprintf("only %d distinct producers in the last %d blocks", n, k.cfg.windowBlocks()), figs)
	}
	if o.peersKnown {
		a.set(now, o.peers < k.cfg.MinPeers, alertLowPeers, notify.Warning,
			fmt.Sprintf("%d p2p peers, fewer than %d", o.peers, k.cfg.MinPeers), figs)
	}
	if o.schedKnown {
		in := o.sched.Contains(k.cfg.Producer)
		a.set(now, !in, alertNotInSchedule, notify.Info,
			fmt.Sprintf("%s is not in the active schedule (version %d)", k.cfg.Producer, o.sched.Version), figs)
		missed := k.missedTurns(0, 1)
		a.set(now, in && missed > 0, alertMissedTurns, notify.Warning,
			fmt.Sprintf("%s missed its most recent turn", k.cfg.Producer), figs)
	}
	if k.cfg.Role.Producer() {
		if k.lockErr != nil {
			a.raise(now, alertConsulUnreachable, notify.Warning, "cannot read the lock from Consul; this node cannot take over",
				append(figs, notify.Fig("error", k.lockErr)))
		} else {
			a.clear(now, alertConsulUnreachable)
		}
		a.set(now, k.lockFreeButProducing(), alertLockFreeProducing, notify.Critical,
			"the lock is free but our producer's blocks still arrive: an agent may have died while its nodeos produces; nobody will take over", figs)
	}
	a.set(now, k.lock.Maintenance, alertMaintenance, notify.Info,
		"maintenance mode: no automatic failover ("+nonEmpty(k.lock.MaintenanceReason, "no reason given")+")", figs)
	for _, key := range []string{alertFailover, alertLockLost} {
		if al, ok := a.firing[key]; ok && now.Sub(al.Time) >= eventHold {
			a.clear(now, key)
		}
	}
}

// checkCalls logs, once per run of failures, each nodeos read that has failed APIFailures
// times in a row and again when it answers, and raises nodeos_call_failing while any read but
// get_info (which nodeos_api_failing covers) keeps failing, with nodeos's own errors.
func (k *Keeper) checkCalls(now time.Time, figs []notify.Figure) {
	o := &k.obs
	var failing []string
	sev := notify.Warning
	for c := range numCalls {
		r := &o.calls[c]
		why := o.failing(c, k.cfg.APIFailures)
		switch {
		case why != "" && !r.reported:
			r.reported = true
			k.log.Error("a nodeos call keeps failing", "call", c.label(), "failures", r.streak, "error", why)
		case why == "" && r.reported && r.streak == 0:
			r.reported = false
			k.log.Info("a nodeos call answers again", "call", c.label())
		}
		if why == "" || c == callInfo {
			continue
		}
		failing = append(failing, why)
		if c != callPeers {
			sev = notify.Critical // the keeper cannot follow the chain or confirm a pause
		}
	}
	a := &k.alerts
	if len(failing) == 0 {
		a.clear(now, alertCallFailing)
		return
	}
	a.raise(now, alertCallFailing, sev, "nodeos keeps failing a call the keeper needs: "+strings.Join(failing, "; "),
		append(figs, notify.Fig("failing_calls", len(failing))))
}

// figures are the numbers attached to every alert.
func (k *Keeper) figures() []notify.Figure {
	o := &k.obs
	return []notify.Figure{
		notify.Fig("head", o.head),
		notify.Fig("lib", o.lib),
		notify.Fig("peers", o.peers),
		notify.Fig("paused", o.paused),
		notify.Fig("state", k.state),
		notify.Fig("last_our_block", o.lastOur.Num),
	}
}
