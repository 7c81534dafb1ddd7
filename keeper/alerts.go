package keeper

import (
	"fmt"
	"sort"
	"time"
)

// Alert keys. Each fault has its own key so faults fire and resolve independently.
const (
	alertAPIFailing          = "nodeos_api_failing"
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
)

// eventHold is how long a one-off event alert (failover, lock lost) stays fired before it is
// resolved, so a repeat of the same event in that time is not sent twice.
const eventHold = time.Minute

// alerts tracks which alerts are firing and forwards every change to the sink.
type alerts struct {
	sink   AlertSink
	firing map[string]Alert
}

func (a *alerts) raise(now time.Time, key string, sev Severity, msg string, figs []Figure) {
	if cur, ok := a.firing[key]; ok && cur.Message == msg {
		return
	}
	al := Alert{Key: key, Severity: sev, Fired: true, Message: msg, Figures: figs, Time: now}
	a.firing[key] = al
	if a.sink != nil {
		a.sink.Notify(al)
	}
}

// event raises a one-off alert that resolves itself after eventHold.
func (a *alerts) event(now time.Time, key string, sev Severity, msg string, figs []Figure) {
	delete(a.firing, key)
	a.raise(now, key, sev, msg, figs)
}

func (a *alerts) clear(now time.Time, key string) {
	cur, ok := a.firing[key]
	if !ok {
		return
	}
	delete(a.firing, key)
	cur.Fired, cur.Time = false, now
	if a.sink != nil {
		a.sink.Notify(cur)
	}
}

func (a *alerts) set(now time.Time, on bool, key string, sev Severity, msg string, figs []Figure) {
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
	a.set(now, o.apiStreak >= k.cfg.APIFailures, alertAPIFailing, Critical,
		fmt.Sprintf("nodeos API failed %d times in a row: %v", o.apiStreak, o.lastErr), figs)
	if o.reachable {
		a.set(now, now.Sub(o.headAdvancedAt) > k.stall(k.cfg.HeadStallBlocks), alertHeadStalled, Critical,
			fmt.Sprintf("head %d not advancing", o.head), figs)
		a.set(now, now.Sub(o.libAdvancedAt) > k.stall(k.cfg.LIBStallBlocks), alertLIBStalled, Critical,
			fmt.Sprintf("LIB %d not advancing", o.lib), figs)
		n, full := o.distinctProducers(k.cfg.ProducersWindow)
		a.set(now, full && n < k.minProducers(), alertFewProducers, Warning,
			fmt.Sprintf("only %d distinct producers in the last %d blocks", n, k.cfg.ProducersWindow), figs)
	}
	if o.peersKnown {
		a.set(now, o.peers < k.cfg.MinPeers, alertLowPeers, Warning,
			fmt.Sprintf("%d p2p peers, fewer than %d", o.peers, k.cfg.MinPeers), figs)
	}
	if o.schedKnown {
		in := o.sched.Contains(k.cfg.Producer)
		a.set(now, !in, alertNotInSchedule, Info,
			fmt.Sprintf("%s is not in the active schedule (version %d)", k.cfg.Producer, o.sched.Version), figs)
		missed := k.missedTurns(0, 1)
		a.set(now, in && missed > 0, alertMissedTurns, Warning,
			fmt.Sprintf("%s missed its most recent turn", k.cfg.Producer), figs)
	}
	if k.cfg.Role.Producer() {
		a.set(now, k.lockFreeButProducing(), alertLockFreeProducing, Critical,
			"the lock is free but our producer's blocks still arrive: an agent may have died while its nodeos produces; nobody will take over", figs)
	}
	a.set(now, k.lock.Maintenance, alertMaintenance, Info,
		"maintenance mode: no automatic failover ("+nonEmpty(k.lock.MaintenanceReason, "no reason given")+")", figs)
	for _, key := range []string{alertFailover, alertLockLost} {
		if al, ok := a.firing[key]; ok && now.Sub(al.Time) >= eventHold {
			a.clear(now, key)
		}
	}
}

// figures are the numbers attached to every alert.
func (k *Keeper) figures() []Figure {
	o := &k.obs
	return []Figure{
		{"head", fmt.Sprint(o.head)},
		{"lib", fmt.Sprint(o.lib)},
		{"peers", fmt.Sprint(o.peers)},
		{"paused", fmt.Sprint(o.paused)},
		{"state", k.state.String()},
		{"last_our_block", fmt.Sprint(o.lastOur.Num)},
	}
}
