// Command library shows eoskeeper used as a Go library: a nodeos client, a Consul election
// and a keeper wired together by keeper.NewAgent, as the eoskeeper agent wires them, without
// the HCL configuration, outputs or notify channels.
//
//	go run ./examples/library -node bp-a -role A -producer eosstorebest \
//	    -nodeos http://127.0.0.1:8888 -log /var/log/nodeos/nodeos.log
//
// The Consul agent is found the way the Consul CLI finds it (CONSUL_HTTP_ADDR,
// CONSUL_HTTP_TOKEN, ...). SIGINT or SIGTERM stops the keeper; a lock holder pauses its
// nodeos and releases the lock before the program exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "library:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	node, role, producer string
	nodeosURL, logFile   string
	p2pPort              int
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.node, "node", "bp-a", "this host's name, unique among the producer's agents")
	flag.StringVar(&o.role, "role", "A", "A, B or C (producing, in that order of preference) or F (watched only)")
	flag.StringVar(&o.producer, "producer", "eosstorebest", "the producer account")
	flag.StringVar(&o.nodeosURL, "nodeos", "http://127.0.0.1:8888", "nodeos HTTP API")
	flag.StringVar(&o.logFile, "log", "", "nodeos log file to follow for \"Produced block\" lines (optional)")
	flag.IntVar(&o.p2pPort, "p2p-port", 9876, "nodeos p2p listen port, for the peer count fallback")
	flag.Parse()
	return o
}

func run() error {
	o := parseFlags()
	log := hclog.New(&hclog.LoggerOptions{Name: "keeper-example", Level: hclog.Info})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// nodeos: the HTTP API client.
	nc, err := nodeos.NewClient(nodeos.Config{URL: o.nodeosURL, Timeout: 2 * time.Second, Logger: log.Named("nodeos")})
	if err != nil {
		return err
	}

	cfg := keeper.DefaultConfig()
	cfg.Producer, cfg.Node, cfg.Role = o.producer, o.node, keeper.Role(o.role)
	cfg.Logger = log.Named("keeper")

	// The election: one Consul session lock per producer. Role F takes no part in it.
	var el *election.Election
	if cfg.Role.Producer() {
		client, err := api.NewClient(api.DefaultConfig())
		if err != nil {
			return fmt.Errorf("consul client: %w", err)
		}
		el, err = election.New(election.Config{
			Client:   client,
			Producer: cfg.Producer,
			Node:     cfg.Node,
			Logger:   log.Named("election"),
		})
		if err != nil {
			return err
		}
	}

	// The agent adapts nodeos and the election to the keeper and, when a log file is given,
	// follows it to learn which blocks this node's nodeos signed.
	agent, err := keeper.NewAgent(keeper.AgentConfig{
		Keeper:    cfg,
		Nodeos:    nc,
		PeerCount: nodeos.PeerCountConfig{ListenPort: uint16(o.p2pPort)},
		Election:  el,
		Log:       nodeos.FollowerConfig{Path: o.logFile, Logger: log.Named("follower")},
		Deps: keeper.Deps{
			Alerts: alertLogger{log: log.Named("alert")},
			Sinks:  []keeper.StatusSink{&stateLogger{log: log.Named("status")}},
		},
		Logger: log,
	})
	if err != nil {
		return err
	}
	log.Info("keeper starting", "node", cfg.Node, "role", cfg.Role, "producer", cfg.Producer)
	if err := agent.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	s := agent.Keeper().Status()
	log.Info("keeper stopped", "state", s.State, "paused", s.Paused, "lock_held", s.LockHeld)
	return nil
}

// alertLogger is an AlertSink that writes each alert change to the log. The eoskeeper agent
// sends them to its notify channels instead.
type alertLogger struct{ log hclog.Logger }

// Notify logs one alert change; it never blocks.
func (a alertLogger) Notify(al notify.Alert) {
	args := []any{"key", al.Key, "severity", al.Severity.String(), "message", al.Message}
	for _, f := range al.Figures {
		args = append(args, f.Name, f.Value)
	}
	if al.State == notify.Fired {
		a.log.Warn("alert fired", args...)
	} else {
		a.log.Info("alert resolved", args...)
	}
}

// stateLogger is a StatusSink that logs the snapshot whenever the state or the lock holder
// changes. The keeper calls Publish from its own goroutine only.
type stateLogger struct {
	log    hclog.Logger
	state  keeper.State
	holder string
	seen   bool
}

// Publish logs the changes that matter to an operator; it never blocks.
func (s *stateLogger) Publish(st keeper.Status) {
	if s.seen && st.State == s.state && st.LockHolder == s.holder {
		return
	}
	s.seen, s.state, s.holder = true, st.State, st.LockHolder
	s.log.Info("status", "state", st.State, "reason", st.StateReason, "head", st.Head, "lib", st.LIB,
		"paused", st.Paused, "healthy", st.Healthy, "lock_holder", st.LockHolder, "missed_turns", st.MissedTurns)
}
