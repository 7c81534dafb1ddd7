package keeper

import "context"

// onStarting makes nodeos safe once it answers: pause unless holding the lock (an agent that
// starts never holds one), then settle in the role's resting state.
func (k *Keeper) onStarting(ctx context.Context) (State, string) {
	if !k.obs.reachable {
		return k.stay(ctx)
	}
	if !k.cfg.Role.Producer() {
		return Watching, "role F watches only"
	}
	if k.obs.pausedKnown && !k.obs.paused {
		k.log.Warn("nodeos found producing at start without the lock; pausing")
		k.pauseUnheld(ctx, "at start")
	}
	if k.obs.pausedKnown && k.obs.paused {
		return Standby, "nodeos paused at start"
	}
	return k.stay(ctx)
}
