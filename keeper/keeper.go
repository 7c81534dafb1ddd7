package keeper

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// Keeper is the supervisor loop of one agent. One goroutine, the one running Run, owns every
// decision and all state; other goroutines see only the Status snapshot.
type Keeper struct {
	cfg  Config
	deps Deps
	log  hclog.Logger

	status atomic.Pointer[Status]

	// Everything below is owned by the Run goroutine.
	state       State
	stateSince  time.Time
	stateReason string
	transitions uint64

	obs observation
	// healthy and problems are health()'s verdict on this tick's observation.
	healthy  bool
	problems []string
	lock     LockView
	// lockSeen reports whether the watch has delivered a good view yet.
	lockSeen bool
	// lockErr is the watch's last error, nil when its view is fresh.
	lockErr error
	// lockFreeSince and lockFreeAt are the head slot and the time at which this node first saw
	// the lock free.
	lockFreeSince nodeos.Slot
	lockFreeAt    time.Time

	term Term
	// lastAcquireErr is the last acquire error logged, so a persisting one is logged once.
	lastAcquireErr string
	// resumedAt is the head slot at which nodeos was confirmed resumed under the current term.
	resumedAt nodeos.Slot
	// watermark is the last watermark written under the current term.
	watermark Block
	// watermarkFailing reports a streak of failed watermark writes, logged once.
	watermarkFailing bool

	// demotedAt is the head slot at which this node gave the lock up for a fault of its own,
	// 0 when it is not demoted (see Evidence.Demoted).
	demotedAt nodeos.Slot
	// resignReason is why a holder in Fencing is giving the lock up once nodeos is paused;
	// retryingResign marks its retries, which log only at debug level.
	resignReason   string
	retryingResign bool
	// staleTerm is a term whose Release failed; retired once Consul answers.
	staleTerm Term

	// hooks counts running hook commands; hookErrs reports their failures to the loop.
	hooks    sync.WaitGroup
	hookErrs chan hookError

	// finalizerChecked is when the holder last checked the active finalizer key.
	finalizerChecked time.Time

	// ownThrough is the highest block number up to which our producer's blocks are known to be
	// this node's own (from the log, or from the head when it paused under the lock).
	ownThrough uint32

	lastProduced   Block
	lastProducedAt time.Time
	failovers      uint64
	alerts         alerts
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
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Fence == nil {
		deps.Fence = runCommand
	}
	log := cfg.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	k := &Keeper{cfg: cfg, deps: deps, log: log, state: Starting, hookErrs: make(chan hookError, 8)}
	k.alerts = alerts{sink: deps.Alerts, firing: map[string]notify.Alert{}, node: cfg.Node, role: string(cfg.Role), producer: cfg.Producer}
	k.stateSince = deps.Now()
	k.healthy, k.problems = k.health()
	k.publish(k.stateSince)
	return k, nil
}

// Status returns the latest snapshot. It is safe to call from any goroutine.
func (k *Keeper) Status() Status { return *k.status.Load() }

// Run drives the keeper until ctx ends. Before returning, a holder pauses its nodeos and
// releases the lock, so a stopped agent never leaves production running under a lock nobody
// renews. Run returns ctx's error after that cleanup.
func (k *Keeper) Run(ctx context.Context) error {
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	defer k.hooks.Wait()
	var views <-chan LockView
	if k.deps.Lock != nil {
		views = k.deps.Lock.Watch(watchCtx)
	}
	ticker := time.NewTicker(k.cfg.PollInterval)
	defer ticker.Stop()

	k.tick(ctx)
	for {
		var lost <-chan struct{}
		if k.term != nil {
			lost = k.term.Lost()
		}
		select {
		case <-ctx.Done():
			k.shutdown()
			return ctx.Err()
		case v, ok := <-views:
			if !ok {
				views = nil
				continue
			}
			k.lockChanged(v)
		case ev, ok := <-k.deps.Events:
			if !ok {
				k.deps.Events = nil
				continue
			}
			k.logEvent(ev)
		case <-lost:
			k.fence(ctx, "lock lost: leadership can no longer be proven")
		case h := <-k.hookErrs:
			k.hookFailed(h)
		case <-ticker.C:
			k.tick(ctx)
		}
	}
}

// tick observes nodeos and takes the decision the current state calls for.
func (k *Keeper) tick(ctx context.Context) {
	now := k.deps.Now()
	k.observe(ctx, now)
	k.healthy, k.problems = k.health()
	switch k.state {
	case Starting:
		k.start(ctx)
	case Standby, Maintenance, Candidate:
		k.standby(ctx)
	case Leader:
		k.lead(ctx)
	case Fencing:
		k.holdUnconfirmed(ctx)
	case Watching:
	}
	k.checkAlerts(now)
	k.publish(now)
}

// transition moves the state machine; every transition in the keeper goes through here.
func (k *Keeper) transition(to State, reason string) {
	if to == k.state && reason == k.stateReason {
		return
	}
	from := k.state
	k.state, k.stateReason, k.stateSince = to, reason, k.deps.Now()
	k.transitions++
	k.log.Info("state change", "from", from.String(), "to", to.String(), "reason", reason)
	switch {
	case to == Leader && from != Leader:
		k.runHook("on_promote", k.cfg.OnPromote)
	case from == Leader && to != Leader:
		k.runHook("on_demote", k.cfg.OnDemote)
	}
}

// start makes nodeos safe once it answers: pause unless holding the lock (an agent that
// starts never holds one), then settle in the role's resting state.
func (k *Keeper) start(ctx context.Context) {
	if !k.obs.reachable {
		return
	}
	if !k.cfg.Role.Producer() {
		k.transition(Watching, "role F watches only")
		return
	}
	if k.obs.pausedKnown && !k.obs.paused {
		k.log.Warn("nodeos found producing at start without the lock; pausing")
		k.pauseUnheld(ctx, "at start")
	}
	if k.obs.pausedKnown && k.obs.paused {
		k.transition(Standby, "nodeos paused at start")
	}
}

// pauseUnheld pauses a nodeos that produces while this node does not hold the lock, and raises
// the critical alert that says so.
func (k *Keeper) pauseUnheld(ctx context.Context, when string) {
	err := k.pauseConfirmed(ctx, k.deps.Now().Add(k.cfg.CallTimeout*2))
	k.alerts.raise(k.deps.Now(), alertUnpausedWithoutLock, notify.Critical,
		fmt.Sprintf("nodeos was producing without the lock (%s); paused: %t", when, err == nil), k.figures())
	if err != nil {
		k.log.Error("cannot pause nodeos that produces without the lock", "error", err)
	}
}

// pauseConfirmed pauses nodeos and waits until it answers paused == true, retrying until
// deadline.
func (k *Keeper) pauseConfirmed(ctx context.Context, deadline time.Time) error {
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var last error
	for attempt := 0; ; attempt++ {
		if err := k.tryPause(dctx); err == nil {
			k.obs.paused, k.obs.pausedKnown = true, true
			return nil
		} else {
			last = err
		}
		if attempt == 0 && !k.retryingResign {
			k.log.Warn("pause not confirmed yet; retrying", "error", last, "deadline", deadline)
		}
		select {
		case <-dctx.Done():
			return fmt.Errorf("pause not confirmed before %s: %w", deadline.Format(time.RFC3339Nano), last)
		case <-time.After(retryPause):
		}
	}
}

// retryPause is the pause retry interval while fencing.
const retryPause = 100 * time.Millisecond

func (k *Keeper) tryPause(ctx context.Context) error {
	if _, err := callNode(ctx, k.cfg.CallTimeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, k.deps.Node.Pause(ctx)
	}); err != nil {
		return err
	}
	p, err := callNode(ctx, k.cfg.CallTimeout, k.deps.Node.Paused)
	if err != nil {
		return err
	}
	if !p {
		return errors.New("nodeos still reports paused == false")
	}
	return nil
}

// shutdown runs when Run's context ends: a holder pauses and releases.
func (k *Keeper) shutdown() {
	if k.term != nil {
		ctx, cancel := context.WithDeadline(context.Background(), k.term.FenceBy())
		defer cancel()
		k.resign(ctx, "agent stopping", nil)
	}
	k.transition(Stopped, "context ended")
	k.publish(k.deps.Now())
}

// runCommand runs the fence command.
func runCommand(ctx context.Context, argv []string) error {
	if len(argv) == 0 {
		return errors.New("no fence command configured")
	}
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("fence command %q: %w: %s", argv[0], err, trim(out, 200))
	}
	return nil
}

func trim(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
