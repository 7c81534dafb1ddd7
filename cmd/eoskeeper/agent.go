package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/consulreg"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/metrics"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/statushttp"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/internal/redact"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// AgentCommand runs the agent: the keeper loop with its nodeos, Consul lock, alerts and outputs.
type AgentCommand struct {
	UI UI
}

// Help describes the agent command.
func (c *AgentCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper agent -config keeper.hcl

  Runs the agent next to one nodeos. Roles A, B and C contend for the producer's Consul lock
  and resume nodeos only while holding it; role F watches and reports.

  SIGTERM or SIGINT: a holder pauses its nodeos, confirms it, and releases the lock before
  exiting (standbys then need the missed-turn evidence; to restart an agent without any
  failover, set maintenance mode first with "eoskeeper pause").
  SIGHUP: reloads the notify channels and the InfluxDB outputs from the configuration file, all
  or nothing: a file with any error leaves the running ones in place and raises config_reload_failed.

Options:

  -config=PATH   the agent's keeper.hcl (required)

  -no-handoff    for drills and comparisons only: a resigning holder reads no published
                 statuses, so it names no successor and every takeover waits for the
                 missed-turn evidence (docs/safety.md, section 3.1)
`)
}

// Synopsis is the one-line description.
func (c *AgentCommand) Synopsis() string { return "Run the agent next to a nodeos" }

// Run runs the agent until a termination signal.
func (c *AgentCommand) Run(args []string) int {
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	path := fs.String("config", "", "")
	noHandoff := fs.Bool("no-handoff", false, "")
	if !parseFlags(c.UI, fs, args, c.Help()) {
		return 1
	}
	if *path == "" || fs.NArg() > 0 {
		c.UI.Error("agent: -config is required and takes one file\n\n" + c.Help())
		return 1
	}
	cfg, ok := loadForCommand(c.UI, *path)
	if !ok {
		return 1
	}
	logger := cfg.NewLogger(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runAgentWith(ctx, *path, cfg, logger, agentOptions{noHandoff: *noHandoff}); err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("agent stopped", "error", err)
		return 1
	}
	return 0
}

// loadForCommand loads and checks keeper.hcl, printing diagnostics.
func loadForCommand(ui UI, path string) (*Config, bool) {
	cfg, diags, err := loadChecked(path)
	for _, d := range diags {
		ui.Error(formatDiagnostic(d))
	}
	if err != nil {
		ui.Error("Error: " + err.Error())
	}
	return cfg, cfg != nil
}

// agentOptions are the agent's command-line switches beyond its configuration file.
type agentOptions struct {
	// noHandoff leaves the keeper without the published statuses (Deps.Peers nil), so a
	// resigning holder hands nothing on: drills compare hand-off with evidence-only takeovers.
	noHandoff bool
}

// runAgent wires the agent and runs it until ctx ends. Every goroutine it starts is stopped
// and waited for before it returns.
func runAgent(ctx context.Context, path string, cfg *Config, logger hclog.Logger) error {
	return runAgentWith(ctx, path, cfg, logger, agentOptions{})
}

// runAgentWith is runAgent with command-line switches.
func runAgentWith(ctx context.Context, path string, cfg *Config, logger hclog.Logger, opts agentOptions) error {
	var wg sync.WaitGroup
	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		cancelBG()
		wg.Wait()
	}()
	goRun := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(bg); err != nil && !errors.Is(err, context.Canceled) {
				logger.Error("component stopped", "component", name, "error", err)
			}
		}()
	}

	// The status listener is bound first: an address in use stops the agent here, before it
	// registers in Consul or contends for the lock.
	ln, auth, err := listenStatus(cfg, logger)
	if err != nil {
		return err
	}
	serving := false
	defer func() {
		if !serving {
			ln.Close()
		}
	}()

	nc, err := nodeos.NewClient(nodeos.Config{URL: cfg.Nodeos.URL, Timeout: cfg.Nodeos.Timeout, Logger: logger.Named("nodeos")})
	if err != nil {
		return err
	}
	// A nodeos without an endpoint or a block the keeper reads is a configuration error (the
	// keeper would wait in standby for ever); one that does not answer yet is left to the keeper.
	if err := checkNodeos(ctx, nc, cfg.Node.Role.Producer(), cfg.KeeperConfig(logger).MaxBackfill, logger); err != nil {
		return err
	}

	var sink switchSink
	outputs := newOutputs(cfg, logger, &sink)
	defer outputs.stop()

	consul, tokens, err := newConsulClient(cfg, logger.Named("consul"))
	if err != nil {
		return fmt.Errorf("consul client: %w", err)
	}
	if tokens != nil {
		goRun("consul token file", tokens.Watch)
	}
	var el *election.Election
	var reg *consulreg.Registration
	var checks []string
	if cfg.Consul.Register == nil || *cfg.Consul.Register {
		reg, err = consulreg.New(cfg.RegistrationConfig(consul, logger.Named("consul")))
		if err != nil {
			return err
		}
		logger.Info("registering the eoskeeper service in Consul", "consul", redact.URL(cfg.Consul.Address), "service_id", reg.ServiceID())
		if err := reg.Register(ctx); err != nil {
			return fmt.Errorf("register the eoskeeper service in Consul: %w", err)
		}
		checks = []string{reg.NodeosCheckID()}
	}
	if cfg.Node.Role.Producer() {
		el, err = election.New(cfg.ElectionConfig(consul, checks, logger.Named("election")))
		if err != nil {
			return err
		}
	}

	fin, err := newFinalizer(cfg, nc)
	if err != nil {
		return err
	}
	deps := keeper.Deps{Finalizer: fin, Alerts: &sink, Sinks: []keeper.StatusSink{&sink}}
	if cfg.Node.Role.Producer() && !opts.noHandoff {
		// A holder that resigns with its nodeos stopped names successors from the statuses
		// the agents publish.
		deps.Peers = keeper.KVPeers(consul.KV(), statusPrefix(cfg))
	}
	agent, err := keeper.NewAgent(keeper.AgentConfig{
		Keeper:    cfg.KeeperConfig(logger.Named("keeper")),
		Nodeos:    nc,
		PeerCount: nodeos.PeerCountConfig{ListenPort: uint16(cfg.Nodeos.P2PPort)},
		Election:  el,
		Log:       nodeos.FollowerConfig{Path: cfg.Nodeos.LogFile, Start: nodeos.AtEnd(), Logger: logger.Named("log")},
		Deps:      deps,
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	k := agent.Keeper()
	outputs.start(k.Status)

	build := currentBuild()
	reg2, err := metrics.NewRegistry(k.Status, metricsBuild(build))
	if err != nil {
		return err
	}
	h, err := statushttp.NewHandler(statushttp.Config{Status: k.Status, Build: &build, Metrics: metrics.Handler(reg2), Auth: auth})
	if err != nil {
		return err
	}
	serving = true
	goRun("http", func(ctx context.Context) error { return statushttp.ServeListener(ctx, ln, h) })
	if reg != nil {
		goRun("consul registration", func(ctx context.Context) error { return reg.Run(ctx, k.Status) })
	}
	goRun("status publisher", func(ctx context.Context) error {
		shared := &sharedKeyCheck{kv: consul.KV(), prefix: statusPrefix(cfg), self: cfg.Node.Name, sink: &sink}
		return publishStatus(ctx, consul.KV(), nodeStatusKey(cfg), k.Status, shared, logger)
	})
	if cfg.Node.Role.Producer() {
		goRun("history", func(ctx context.Context) error {
			return recordHistory(ctx, consul.KV(), historyKey(cfg), k.Status, logger.Named("history"))
		})
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	rl := &reloader{path: path, started: cfg, outputs: outputs, sink: &sink, status: k.Status, log: logger}
	goRun("reload", func(ctx context.Context) error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-hup:
				_ = rl.reload() // logged and alerted by reload
			}
		}
	})

	logger.Info("agent starting", "node", cfg.Node.Name, "role", cfg.Node.Role, "producer", cfg.Producer,
		"nodeos", redact.URL(cfg.Nodeos.URL), "consul", redact.URL(cfg.Consul.Address), "listen", cfg.HTTP.Listen, "handoff", !opts.noHandoff)
	return agent.Run(ctx)
}
