package keeper

import (
	"context"
	"sync"
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
		ctx, cancel := k.within(context.Background(), hookTimeout)
		defer cancel()
		if err := k.deps.RunCommand(ctx, argv); err != nil {
			k.log.Warn("hook failed", "hook", name, "error", err)
			select {
			case k.hookRunner.errs <- hookError{name: name, err: err}:
			default: // the loop is gone or behind; the failure is logged above
			}
		}
	}()
}

// hookRunner counts the running hook commands and reports their failures to the loop.
type hookRunner struct {
	hooks sync.WaitGroup
	errs  chan hookError
}

// hookError is one failed hook command.
type hookError struct {
	name string
	err  error
}

// hookFailed raises the alert for a failed hook; it runs on the loop.
func (k *Keeper) hookFailed(name string, err error) {
	k.alerts.event(k.now(), alertHookFailed, notify.Warning, name+" hook failed: "+err.Error(), k.figures())
}
