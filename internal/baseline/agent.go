package baseline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// ErrAlreadyRun is returned by a second call to Agent.Run.
var ErrAlreadyRun = errors.New("baseline: agent already run")

// nodeAPI is the part of nodeos's API the agent uses.
type nodeAPI interface {
	GetInfo(ctx context.Context) (*nodeos.Info, error)
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
}

var _ nodeAPI = (*nodeos.Client)(nil)

// Agent applies the old failover rule (see the package documentation) to one nodeos. Create
// it with New and call Run once; Status and Ready are safe to call from any goroutine.
type Agent struct {
	cfg  Config
	log  hclog.Logger
	node nodeAPI
	now  func() time.Time

	ran   atomic.Bool
	ready chan struct{}

	// Owned by the Run goroutine.
	streak  streak
	failing bool // the latest sample failed

	mu     sync.Mutex
	status Status
}

// New validates cfg, fills its defaults and returns an Agent. It makes no request. Its log
// lines carry role=<Role>; a nil log discards them. Errors match ErrInvalidConfig (a *ConfigError naming the
// field) or come from nodeos.NewClient.
func New(cfg Config, log hclog.Logger) (*Agent, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	log = log.With("role", cfg.Role.String())
	client, err := nodeos.NewClient(nodeos.Config{URL: cfg.URL, Timeout: cfg.Timeout, Logger: log.Named("nodeos")})
	if err != nil {
		return nil, &ConfigError{Field: "URL", Reason: err.Error()}
	}
	return &Agent{
		cfg:    cfg,
		log:    log,
		node:   client,
		now:    time.Now,
		ready:  make(chan struct{}),
		status: Status{Role: cfg.Role, Producer: cfg.Producer},
	}, nil
}

// Config returns the agent's configuration with defaults filled in.
func (a *Agent) Config() Config { return a.cfg }

// Ready returns a channel closed once the start-up action is done: at once for role A, and
// for B and C once nodeos has accepted the pause. Sampling starts then.
func (a *Agent) Ready() <-chan struct{} { return a.ready }

// Status returns a snapshot of the agent's state.
func (a *Agent) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status
}

// Run applies the rule until ctx is done, then returns nil. Standbys (B and C) first pause
// their nodeos, retrying every Interval while it fails; Run returns an error only when that
// pause can never succeed (producer_api_plugin not loaded) or when called a second time.
// Run never pauses nodeos after the start, and leaves it as it is when it returns.
func (a *Agent) Run(ctx context.Context) error {
	if !a.ran.CompareAndSwap(false, true) {
		return ErrAlreadyRun
	}
	a.log.Info("starting", "producer", a.cfg.Producer, "absent", a.cfg.Absent, "interval", a.cfg.Interval)
	if a.cfg.Role != RoleA {
		if err := a.pauseAtStart(ctx); err != nil {
			return err
		}
		if ctx.Err() != nil {
			a.log.Info("stopped before start-up completed")
			return nil
		}
	} else {
		a.log.Info("primary: no action is taken, samples are only logged")
	}
	a.mu.Lock()
	a.status.Ready = true
	a.mu.Unlock()
	close(a.ready)

	t := time.NewTicker(a.cfg.Interval)
	defer t.Stop()
	for {
		a.sample(ctx)
		select {
		case <-ctx.Done():
			a.log.Info("stopped")
			return nil
		case <-t.C:
		}
	}
}

// pauseAtStart pauses nodeos, retrying every Interval until it succeeds or ctx is done.
func (a *Agent) pauseAtStart(ctx context.Context) error {
	t := time.NewTicker(a.cfg.Interval)
	defer t.Stop()
	logged := false
	for {
		err := a.node.Pause(ctx)
		if err == nil {
			a.log.Info("paused nodeos at start")
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, nodeos.ErrPluginMissing) {
			return fmt.Errorf("baseline: pausing nodeos at start: %w", err)
		}
		if !logged {
			a.log.Warn("cannot pause nodeos at start; retrying", "error", err)
			logged = true
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
