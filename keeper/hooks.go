package keeper

import (
	"context"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
)

// hookTimeout bounds one run of an on_promote or on_demote command.
const hookTimeout = 30 * time.Second

// runHook starts the operator's hook command for a leadership change in the background, so
// the loop never waits on it; Run waits for every started hook before it returns. A failing
// hook raises a warning alert and never changes a decision.
func (k *Keeper) runHook(name string, argv []string) {
	if len(argv) == 0 {
		return
	}
	k.hooks.Add(1)
	go func() {
		defer k.hooks.Done()
		ctx, cancel := context.WithTimeout(context.Background(), hookTimeout)
		defer cancel()
		if err := k.deps.Fence(ctx, argv); err != nil {
			k.log.Warn("hook failed", "hook", name, "error", err)
			select {
			case k.hookErrs <- hookError{name: name, err: err}:
			default: // the loop is gone or behind; the failure is logged above
			}
		}
	}()
}

type hookError struct {
	name string
	err  error
}

// hookFailed raises the alert for a failed hook; it runs on the loop.
func (k *Keeper) hookFailed(h hookError) {
	k.alerts.event(k.deps.Now(), alertHookFailed, notify.Warning, h.name+" hook failed: "+h.err.Error(), k.figures())
}
