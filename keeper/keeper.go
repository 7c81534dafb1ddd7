package keeper

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/childenv"
	"github.com/eoskeeper/eoskeeper/notify"
)

// Keeper is the supervisor loop of one agent. One goroutine, the one running Run (or calling
// Step), owns every decision and all state; other goroutines see only the Status snapshot.
type Keeper struct {
	cfg   Config
	deps  Deps
	log   hclog.Logger
	clock Clock

	status atomic.Pointer[Status]

	// Everything below is owned by the goroutine that steps the keeper, grouped by concern.
	machine    // the state, its reason and age
	obs        observation
	fitness    // health's verdict on this tick's observation
	lockWatch  // the lock as the watch last delivered it
	tenure     // this node's hold of the lock
	ownBlocks  // which of our producer's blocks are this node's own
	hookRunner // the operator's on_promote and on_demote commands
	alerts     alerts
	failovers  uint64
}

// machine is the state machine's position.
type machine struct {
	state       State
	stateSince  time.Time
	stateReason string
	transitions uint64
	// admitted is the admission that moved the node to Candidate.
	admitted Admission
	// waiting is why the admission rule refused this node at its last evaluation in standby.
	waiting string
}

// fitness is health's verdict: whether nodeos is fit to produce, and every reason it is not.
type fitness struct {
	healthy  bool
	problems []string
}

// New checks the configuration and dependencies and returns a keeper ready to Run.
func New(cfg Config, deps Deps) (*Keeper, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Node == nil {
		return nil, errors.New("keeper: a Node is required")
	}
	if cfg.Role.Producer() && deps.Lock == nil {
		return nil, fmt.Errorf("keeper: role %s needs a Lock", cfg.Role)
	}
	if deps.Clock == nil {
		deps.Clock = SystemClock{}
	}
	if deps.RunCommand == nil {
		deps.RunCommand = RunCommand
	}
	log := cfg.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	k := &Keeper{cfg: cfg, deps: deps, log: log, clock: deps.Clock}
	k.machine.state = Starting
	k.hookRunner.errs = make(chan hookError, 8)
	k.alerts = alerts{sink: deps.Alerts, firing: map[string]notify.Alert{}, node: cfg.Node, role: string(cfg.Role), producer: cfg.Producer}
	k.stateSince = k.now()
	k.healthy, k.problems = k.health()
	k.publish(k.stateSince)
	return k, nil
}

// Status returns the latest snapshot. It is safe to call from any goroutine.
func (k *Keeper) Status() Status { return *k.status.Load() }

// Run drives the keeper until ctx ends: it turns the ticker, the lock watch, nodeos's log, the
// term's Lost channel and hook failures into events and hands each to Step. Before returning,
// a holder pauses its nodeos and releases the lock, so a stopped agent never leaves production
// running under a lock nobody renews. Run returns ctx's error after that cleanup.
func (k *Keeper) Run(ctx context.Context) error {
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	defer k.hooks.Wait()
	var views <-chan LockView
	if k.deps.Lock != nil {
		views = k.deps.Lock.Watch(watchCtx)
	}
	events := k.deps.Events
	poll := k.cfg.PollInterval

	origin := k.now()
	k.Step(ctx, Event{Kind: EventTick})
	ticks := k.clock.After(nextTick(origin, k.now(), poll).Sub(k.now()))
	for {
		var lost <-chan struct{}
		if k.term != nil {
			lost = k.term.Lost()
		}
		var ev Event
		select {
		case <-ctx.Done():
			k.Step(context.WithoutCancel(ctx), Event{Kind: EventStop})
			return ctx.Err()
		case v, open := <-views:
			if !open {
				views = nil
				continue
			}
			ev = Event{Kind: EventLockView, View: v}
		case le, open := <-events:
			if !open {
				events = nil
				continue
			}
			ev = Event{Kind: EventLog, Log: le}
		case <-lost:
			ev = Event{Kind: EventLockLost}
		case h := <-k.hookRunner.errs:
			ev = Event{Kind: EventHookFailed, Hook: h.name, Err: h.err}
		case <-ticks:
			k.Step(ctx, Event{Kind: EventTick})
			ticks = k.clock.After(nextTick(origin, k.now(), poll).Sub(k.now()))
			continue
		}
		k.Step(ctx, ev)
	}
}

// nextTick returns the first instant after now on the grid of period p through origin, so the
// keeper ticks at a steady rate and skips the ticks a slow step overran, as a time.Ticker does.
func nextTick(origin, now time.Time, p time.Duration) time.Time {
	if now.Before(origin) {
		return now.Add(p) // the clock stepped back past the start
	}
	return now.Add(p - now.Sub(origin)%p)
}

// onStop runs when the agent stops: a holder pauses and releases (or, when the lock was lost
// meanwhile, fences) before the keeper reports itself stopped.
func (k *Keeper) onStop(ctx context.Context) (State, string) {
	if k.term != nil {
		fctx, cancel := context.WithDeadline(ctx, k.term.FenceBy())
		defer cancel()
		if to, why := k.resign(fctx, "agent stopping", nil); to == Fencing && termLost(k.term) {
			k.fence(ctx, why)
		}
	}
	return Stopped, "context ended"
}

// CommandWaitDelay is how long RunCommand waits, after its context ends and the command is
// killed, for the command's output to close: a grandchild that keeps it open is cut off then.
const CommandWaitDelay = 2 * time.Second

// RunCommand runs an operator command (the fence command, a hook) without a shell and
// returns its error with the start of its output. It is the Deps.RunCommand used when none is
// given. The command does not inherit the agent's environment, which holds the secrets the
// configuration reads: it gets PATH, HOME, LANG, LC_ALL and TZ only (childenv.Env).
func RunCommand(ctx context.Context, argv []string) error {
	if len(argv) == 0 {
		return errors.New("no command configured")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = childenv.Env()
	// A child left running with the output pipe open would hold CombinedOutput past the
	// deadline: once ctx ends and the command is killed, wait at most this long for the pipe.
	cmd.WaitDelay = CommandWaitDelay
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("command %q: %w: %s", argv[0], err, trim(out, 200))
	}
	return nil
}

func trim(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
