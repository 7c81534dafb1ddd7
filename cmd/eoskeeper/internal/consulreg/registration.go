package consulreg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Defaults used by New for zero fields.
const (
	DefaultService       = "eoskeeper"
	DefaultCheckInterval = 5 * time.Second
	DefaultCheckTimeout  = 2 * time.Second
	DefaultNodeosTTL     = 30 * time.Second
	DefaultAgentTTL      = 30 * time.Second
	DefaultSyncInterval  = 5 * time.Second
	// DefaultRequestTimeout bounds each call to the Consul agent (register, check update,
	// deregister), so an unresponsive agent cannot hold the caller.
	DefaultRequestTimeout = 10 * time.Second
	// LeaderTag marks the service instance of the lock holder.
	LeaderTag = "leader"
	// RoleTagPrefix prefixes the role tag, e.g. "role:A".
	RoleTagPrefix = "role:"
)

// Check statuses, as Consul names them.
const (
	Passing  = api.HealthPassing
	Warning  = api.HealthWarning
	Critical = api.HealthCritical
)

// ErrConfig is wrapped by the errors New returns for an unusable Config.
var ErrConfig = errors.New("consulreg: invalid config")

// Config configures a Registration.
type Config struct {
	Client   *api.Client // required
	Node     string      // required: the node name; the service ID is "<Service>-<Node>"
	Role     keeper.Role // required
	Producer string      // Optional, added as a "producer:<name>" tag and as metadata
	Service  string      // Optional, defaults to DefaultService

	// Address and Port are advertised for the service (the status listener). Optional.
	Address string
	Port    int

	// ProducingURL is the /v1/producing endpoint the HTTP check polls, e.g.
	// "http://127.0.0.1:9273/v1/producing". Optional: without it there is no producing check.
	ProducingURL string
	// ProducingTLSSkipVerify turns off certificate verification for an https ProducingURL.
	// The check dials the agent's own listener, usually on loopback, where the certificate
	// rarely names the address; it sends no credentials and reads an endpoint that is open
	// to anyone, so there is nothing for an impostor to learn or steal.
	ProducingTLSSkipVerify bool

	CheckInterval time.Duration // Optional, defaults to DefaultCheckInterval
	CheckTimeout  time.Duration // Optional, defaults to DefaultCheckTimeout
	NodeosTTL     time.Duration // Optional, defaults to DefaultNodeosTTL
	AgentTTL      time.Duration // Optional, defaults to DefaultAgentTTL
	SyncInterval  time.Duration // how often Run syncs; Optional, defaults to DefaultSyncInterval
	// RequestTimeout bounds each call to the Consul agent; Optional, defaults to
	// DefaultRequestTimeout. A shorter deadline on the caller's context wins.
	RequestTimeout time.Duration
	Meta           map[string]string
	Logger         hclog.Logger // Optional, defaults to a null logger
}

// Registration is one agent's service registration. Its methods are safe for concurrent use.
type Registration struct {
	cfg Config
	log hclog.Logger

	mu         sync.Mutex
	registered bool
	leader     bool
	nodeos     CheckState
}

// CheckState is a TTL check's status (Passing, Warning or Critical) and output.
type CheckState struct {
	Status string
	Output string
}

// New checks cfg and fills defaults. Nothing is registered until Register.
func New(cfg Config) (*Registration, error) {
	switch {
	case cfg.Client == nil:
		return nil, fmt.Errorf("%w: 'client' is required", ErrConfig)
	case cfg.Node == "":
		return nil, fmt.Errorf("%w: 'node' is required", ErrConfig)
	case !cfg.Role.Valid():
		return nil, fmt.Errorf("%w: 'role' %q must be A, B, C or F", ErrConfig, cfg.Role)
	}
	if cfg.Service == "" {
		cfg.Service = DefaultService
	}
	if cfg.CheckInterval <= 0 {
		cfg.CheckInterval = DefaultCheckInterval
	}
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = DefaultCheckTimeout
	}
	if cfg.NodeosTTL <= 0 {
		cfg.NodeosTTL = DefaultNodeosTTL
	}
	if cfg.AgentTTL <= 0 {
		cfg.AgentTTL = DefaultAgentTTL
	}
	if cfg.SyncInterval <= 0 {
		cfg.SyncInterval = DefaultSyncInterval
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	return &Registration{
		cfg:    cfg,
		log:    cfg.Logger,
		nodeos: CheckState{Critical, "nodeos not observed yet"},
	}, nil
}

// ServiceID returns the service instance ID, "<service>-<node>".
func (r *Registration) ServiceID() string { return r.cfg.Service + "-" + r.cfg.Node }

// NodeosCheckID returns the nodeos health check's ID, to bind the election session to.
func (r *Registration) NodeosCheckID() string { return r.ServiceID() + ":nodeos" }

// ProducingCheckID returns the producing HTTP check's ID ("" without ProducingURL).
func (r *Registration) ProducingCheckID() string {
	if r.cfg.ProducingURL == "" {
		return ""
	}
	return r.ServiceID() + ":producing"
}

// AgentCheckID returns the agent liveness check's ID.
func (r *Registration) AgentCheckID() string { return r.ServiceID() + ":agent" }

// Register registers the service and its checks with the local Consul agent. The nodeos
// check starts critical until the first Sync reports an observation; the agent check starts
// passing. Calling Register again re-registers with the current tags and statuses.
func (r *Registration) Register(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.registerLocked(ctx)
}

func (r *Registration) registerLocked(ctx context.Context) error {
	reg := r.registration()
	rctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	opts := api.ServiceRegisterOpts{ReplaceExistingChecks: true}.WithContext(rctx)
	if err := r.cfg.Client.Agent().ServiceRegisterOpts(reg, opts); err != nil {
		return fmt.Errorf("consulreg: register %s: %w", r.ServiceID(), err)
	}
	r.registered = true
	// Statuses travel with the registration; outputs need their own update.
	if err := r.updateTTL(ctx, r.NodeosCheckID(), r.nodeos); err != nil {
		return err
	}
	return nil
}

func (r *Registration) registration() *api.AgentServiceRegistration {
	tags := []string{RoleTagPrefix + string(r.cfg.Role)}
	if r.cfg.Producer != "" {
		tags = append(tags, "producer:"+r.cfg.Producer)
	}
	if r.leader {
		tags = append(tags, LeaderTag)
	}
	meta := map[string]string{"node": r.cfg.Node, "role": string(r.cfg.Role)}
	if r.cfg.Producer != "" {
		meta["producer"] = r.cfg.Producer
	}
	for k, v := range r.cfg.Meta {
		meta[k] = v
	}
	checks := api.AgentServiceChecks{
		{
			CheckID: r.NodeosCheckID(),
			Name:    "nodeos health",
			Notes:   "Fed by the eoskeeper agent: passing when nodeos is healthy, warning when reachable but unhealthy, critical when unreachable.",
			TTL:     r.cfg.NodeosTTL.String(),
			Status:  r.nodeos.Status,
		},
		{
			CheckID: r.AgentCheckID(),
			Name:    "eoskeeper agent",
			Notes:   "Refreshed by the running eoskeeper agent; critical when it stops.",
			TTL:     r.cfg.AgentTTL.String(),
			Status:  Passing,
		},
	}
	if r.cfg.ProducingURL != "" {
		checks = append(checks, &api.AgentServiceCheck{
			CheckID:       r.ProducingCheckID(),
			Name:          "producing",
			Notes:         "GET /v1/producing: 200 producing (passing), 429 healthy standby (warning), 503 unhealthy (critical).",
			HTTP:          r.cfg.ProducingURL,
			TLSSkipVerify: r.cfg.ProducingTLSSkipVerify,
			Method:        "GET",
			Interval:      r.cfg.CheckInterval.String(),
			Timeout:       r.cfg.CheckTimeout.String(),
		})
	}
	return &api.AgentServiceRegistration{
		ID:      r.ServiceID(),
		Name:    r.cfg.Service,
		Tags:    tags,
		Address: r.cfg.Address,
		Port:    r.cfg.Port,
		Meta:    meta,
		Checks:  checks,
	}
}

// Sync brings the registration in line with a status snapshot: it registers when not yet
// registered, re-registers when the leader tag must change, updates the nodeos check from
// the status and refreshes the agent check.
func (r *Registration) Sync(ctx context.Context, s keeper.Status) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nodeos = NodeosHealth(s)
	if !r.registered || r.leader != s.LockHeld {
		r.leader = s.LockHeld
		if err := r.registerLocked(ctx); err != nil {
			return err
		}
	} else if err := r.updateTTL(ctx, r.NodeosCheckID(), r.nodeos); err != nil {
		return err
	}
	return r.updateTTL(ctx, r.AgentCheckID(), CheckState{Passing, "agent running, state " + s.State.String()})
}

func (r *Registration) updateTTL(ctx context.Context, id string, c CheckState) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	q := (&api.QueryOptions{}).WithContext(ctx)
	if err := r.cfg.Client.Agent().UpdateTTLOpts(id, c.Output, c.Status, q); err != nil {
		return fmt.Errorf("consulreg: update check %s: %w", id, err)
	}
	return nil
}

// Deregister removes the service and its checks.
func (r *Registration) Deregister(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	q := (&api.QueryOptions{}).WithContext(ctx)
	if err := r.cfg.Client.Agent().ServiceDeregisterOpts(r.ServiceID(), q); err != nil {
		return fmt.Errorf("consulreg: deregister %s: %w", r.ServiceID(), err)
	}
	r.registered = false
	return nil
}

// Run syncs the registration with status() every SyncInterval until ctx is done, then
// deregisters (bounded by a few seconds) and returns nil. Sync failures are logged and
// retried on the next interval; Consul trouble never stops the agent. It blocks.
func (r *Registration) Run(ctx context.Context, status func() keeper.Status) error {
	t := time.NewTicker(r.cfg.SyncInterval)
	defer t.Stop()
	for {
		if err := r.Sync(ctx, status()); err != nil && ctx.Err() == nil {
			r.log.Warn("consul registration sync failed", "service_id", r.ServiceID(), "error", err)
		}
		select {
		case <-ctx.Done():
			r.deregisterOnStop()
			return nil
		case <-t.C:
		}
	}
}

func (r *Registration) deregisterOnStop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Deregister(ctx); err != nil {
		r.log.Warn("consul deregistration failed", "service_id", r.ServiceID(), "error", err)
	}
}

// NodeosHealth maps a status to the nodeos check: critical when nodeos is unreachable or the
// keeper has not observed it, warning when it is reachable but unhealthy, passing otherwise.
// The output names the state, the problems, the head, the LIB and the watermark.
//
// While this agent holds the lock, an unreachable nodeos is a warning: the lock's session is
// bound to this check, and a critical state would invalidate it and arm the lock-delay before
// the running agent releases the lock itself (a voluntary release frees it at once). A dead or
// hung agent stops refreshing the check, which then goes critical on its own.
func NodeosHealth(s keeper.Status) CheckState {
	var b strings.Builder
	fmt.Fprintf(&b, "role %s, state %s", s.Role, s.State)
	if s.Reachable {
		fmt.Fprintf(&b, ", head %d, lib %d, peers %d", s.Head, s.LIB, s.Peers)
		if s.PausedKnown {
			fmt.Fprintf(&b, ", paused %t", s.Paused)
		}
	}
	if s.Watermark.Num != 0 {
		fmt.Fprintf(&b, ", watermark %d", s.Watermark.Num)
		if s.Watermark.Node != "" {
			fmt.Fprintf(&b, " by %s", s.Watermark.Node)
		}
	}
	problems := slices.Clone(s.HealthProblems)
	switch {
	case s.Time.IsZero():
		return CheckState{Critical, "nodeos not observed yet"}
	case !s.Reachable && s.LockHeld:
		problems = append([]string{"nodeos unreachable", "this agent holds the lock and is giving it up"}, problems...)
		return CheckState{Warning, b.String() + ": " + strings.Join(problems, ", ")}
	case !s.Reachable:
		problems = append([]string{"nodeos unreachable"}, problems...)
		return CheckState{Critical, b.String() + ": " + strings.Join(problems, ", ")}
	case !s.Healthy:
		return CheckState{Warning, b.String() + ": " + strings.Join(problems, ", ")}
	}
	return CheckState{Passing, b.String()}
}
