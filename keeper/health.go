package keeper

import (
	"fmt"
	"time"
)

// health reports whether this node's nodeos is fit to produce (docs/safety.md, invariant 5) and, if
// not, every reason why.
func (k *Keeper) health() (bool, []string) {
	o := &k.obs
	now := k.now()
	var problems []string
	if o.apiStreak >= k.cfg.APIFailures || (!o.reachable && o.head == 0) {
		problems = append(problems, fmt.Sprintf("nodeos API failed %d times in a row", o.apiStreak))
	}
	if o.head != 0 {
		if d := now.Sub(o.headAdvancedAt); d > k.cfg.HeadStall {
			problems = append(problems, fmt.Sprintf("head %d not advancing for %s", o.head, d.Round(time.Millisecond)))
		}
		if d := now.Sub(o.libAdvancedAt); d > k.cfg.LIBStall {
			problems = append(problems, fmt.Sprintf("LIB %d not advancing for %s", o.lib, d.Round(time.Millisecond)))
		}
	}
	if n, full := o.distinctProducers(k.cfg.windowBlocks()); !full {
		problems = append(problems, because(fmt.Sprintf("observed fewer than %d blocks so far", k.cfg.windowBlocks()),
			o.failing(callBlock, k.cfg.APIFailures)))
	} else if n < k.minProducers() {
		problems = append(problems, fmt.Sprintf("only %d distinct producers in the last %d blocks", n, k.cfg.windowBlocks()))
	}
	if o.peersKnown && o.peers < k.cfg.MinPeers {
		problems = append(problems, fmt.Sprintf("%d p2p peers, fewer than %d", o.peers, k.cfg.MinPeers))
	}
	if !o.schedKnown {
		problems = append(problems, because("producer schedule unknown", o.failing(callSchedule, k.cfg.APIFailures)))
	}
	return len(problems) == 0, problems
}

// because appends why to problem, when there is a why.
func because(problem, why string) string {
	if why == "" {
		return problem
	}
	return problem + ": " + why
}

// minProducers is MinProducers, capped on small schedules at the number of producers other
// than ours (our own may be the one that is down).
func (k *Keeper) minProducers() int {
	if n := len(k.obs.sched.Producers) - 1; k.obs.schedKnown && n < k.cfg.MinProducers {
		return n
	}
	return k.cfg.MinProducers
}
