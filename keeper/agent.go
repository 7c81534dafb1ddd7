package keeper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// AgentConfig is what NewAgent wires together: the local nodeos, the producer's lock,
// nodeos's log file and the keeper's other collaborators.
type AgentConfig struct {
	// Keeper configures the supervisor loop.
	Keeper Config
	// Nodeos is the local nodeos's API client (required); the keeper sees it through
	// NodeosNode.
	Nodeos *nodeos.Client
	// PeerCount configures NodeosNode's p2p peer count fallback to /proc when nodeos does not
	// load net_api_plugin.
	PeerCount nodeos.PeerCountConfig
	// Election is the producer's Consul lock; the keeper sees it through ElectionLock. Roles
	// A, B and C need a lock: this election, or a Deps.Lock of the caller's (an in-memory
	// keepertest.Lock in tests). Role F needs none.
	Election *election.Election
	// Log configures the follower of nodeos's log file, which tells the keeper which blocks
	// this node signed. An empty Path follows no log; empty Kinds means LogKinds().
	Log nodeos.FollowerConfig
	// Deps supplies the keeper's other collaborators (Alerts, Sinks, Finalizer, Peers,
	// RunCommand, Clock). NewAgent sets its Node and Events, and its Lock when Election is
	// set: those must be left nil.
	Deps Deps
	// Logger reports a log follower that stops with an error. Nil means Keeper.Logger.
	Logger hclog.Logger
}

// Agent is a keeper wired to its nodeos, its lock and nodeos's log: what the eoskeeper agent
// runs next to each nodeos, without the configuration file, the outputs and the HTTP server.
type Agent struct {
	k        *Keeper
	follower *nodeos.Follower // nil when no log is followed
	events   chan LogEvent
	log      hclog.Logger
	started  atomic.Bool
}

// errAgentStarted is returned by a second call of Agent.Run.
var errAgentStarted = errors.New("keeper: the agent has already run")

// NewAgent checks cfg, adapts the nodeos client and the election to the keeper's Node and
// Lock, prepares the log follower and returns the agent ready to Run. It starts nothing.
func NewAgent(cfg AgentConfig) (*Agent, error) {
	deps := cfg.Deps
	switch {
	case cfg.Nodeos == nil:
		return nil, errors.New("keeper: the agent needs a nodeos client")
	case deps.Node != nil || deps.Events != nil:
		return nil, errors.New("keeper: the agent sets Deps.Node and Deps.Events itself")
	case cfg.Election != nil && deps.Lock != nil:
		return nil, errors.New("keeper: the agent takes an Election or a Deps.Lock, not both")
	}
	deps.Node = NodeosNode(cfg.Nodeos, cfg.PeerCount)
	if cfg.Election != nil {
		deps.Lock = ElectionLock(cfg.Election)
	}
	a := &Agent{log: cfg.Logger}
	if cfg.Log.Path != "" {
		fc := cfg.Log
		if len(fc.Kinds) == 0 {
			fc.Kinds = LogKinds()
		}
		f, err := nodeos.NewFollower(fc)
		if err != nil {
			return nil, fmt.Errorf("keeper: nodeos log: %w", err)
		}
		a.follower, a.events = f, make(chan LogEvent, logEventBuffer)
		deps.Events = a.events
	}
	k, err := New(cfg.Keeper, deps)
	if err != nil {
		return nil, err
	}
	a.k = k
	if a.log == nil {
		a.log = cfg.Keeper.Logger
	}
	if a.log == nil {
		a.log = hclog.NewNullLogger()
	}
	return a, nil
}

// Keeper returns the agent's keeper, whose Status may be read from any goroutine.
func (a *Agent) Keeper() *Keeper { return a.k }

// Run runs the keeper, and the log follower when a log is configured, until ctx ends; it
// returns the keeper's error (ctx's error after a clean stop) once both have stopped. The
// follower runs on while the keeper stops (a holder pauses its nodeos and releases the lock)
// and is stopped after it; a follower that fails is logged and the keeper runs on without its
// log. Run may be called once.
func (a *Agent) Run(ctx context.Context) error {
	if !a.started.CompareAndSwap(false, true) {
		return errAgentStarted
	}
	if a.follower == nil {
		return a.k.Run(ctx)
	}
	fctx, stopFollower := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := a.follower.Run(fctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("component stopped", "component", "log follower", "error", err)
		}
	}()
	go func() {
		defer wg.Done()
		defer close(a.events)
		forwardLogEvents(fctx, a.follower.Events(), a.events)
	}()
	err := a.k.Run(ctx)
	stopFollower()
	wg.Wait()
	return err
}
