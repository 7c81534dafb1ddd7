package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/devconsul"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// DemoCommand runs a local failover demonstration: a Consul dev agent, a simulated nodeos
// network and three keepers A, B and C; it kills A's nodeos and shows B take over.
type DemoCommand struct {
	UI UI
}

// Help describes the demo's flags.
func (c *DemoCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper demo [options]

  Starts a Consul dev agent (./bin/consul, or consul on PATH), a simulated nodeos network
  with an accelerated chain, and agents A, B and C for producer eosstorebest. Once A
  produces, it kills A's nodeos and shows B taking over after 2 missed turns, then prints
  the missed and double-produced turns the simulated chain's referee counted.

Options:

  -block-interval=20ms  wall time of one block on the simulated chain (real chains: 500ms)
  -producers=21         size of the producer schedule
`)
}

// Synopsis is the one-line description.
func (c *DemoCommand) Synopsis() string { return "Run a local failover demo (no nodeos needed)" }

// Run runs the demo.
func (c *DemoCommand) Run(args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	interval := fs.Duration("block-interval", 20*time.Millisecond, "")
	producers := fs.Int("producers", 21, "")
	if err := fs.Parse(args); err != nil {
		c.UI.Error(fmt.Sprintf("demo: %v\n\n%s", err, c.Help()))
		return 1
	}
	if *interval <= 0 || *producers < 2 {
		c.UI.Error("demo: -block-interval must be positive and -producers at least 2")
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := c.run(ctx, *interval, *producers); err != nil {
		c.UI.Error("demo: " + err.Error())
		return 1
	}
	return 0
}

type demoAgent struct {
	name string
	node *nodeostest.Node
	k    *keeper.Keeper
	done chan error
}

func (c *DemoCommand) run(ctx context.Context, interval time.Duration, producers int) error {
	bin, err := devconsul.Find()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "eoskeeper-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c.UI.Output("starting Consul (" + bin + ") ...")
	consul, err := devconsul.Start(ctx, bin, dir)
	if err != nil {
		return err
	}
	defer consul.Stop()
	client, err := consul.Client()
	if err != nil {
		return err
	}

	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: producers, BlockInterval: interval, Dir: dir})
	defer net.Close()
	roles := []keeper.Role{keeper.RoleA, keeper.RoleB, keeper.RoleC}
	for _, r := range roles {
		net.AddNode(nodeostest.NodeConfig{Name: strings.ToLower(string(r)), ProducerNode: true})
	}
	net.Start()
	sched := net.Schedule()
	c.UI.Output(fmt.Sprintf("simulated chain: %d producers, a block every %s (a round is %s of wall time), our producer %s",
		producers, interval, time.Duration(sched.RoundBlocks())*interval, net.Ours()))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	logger := hclog.New(&hclog.LoggerOptions{Name: "demo", Level: hclog.Error})
	var agents []*demoAgent
	start := func(r keeper.Role) error {
		name := strings.ToLower(string(r))
		nd := net.Node(name)
		nc, err := nodeos.NewClient(nodeos.Config{URL: nd.URL, Timeout: time.Second})
		if err != nil {
			return err
		}
		el, err := election.New(election.Config{Client: client, Producer: net.Ours(), Node: name, Logger: logger})
		if err != nil {
			return err
		}
		cfg := keeper.DefaultConfig().WithBlockInterval(interval)
		cfg.Producer, cfg.Node, cfg.Role = net.Ours(), name, r
		cfg.PollInterval = 2 * interval
		cfg.CallTimeout, cfg.Logger = time.Second, logger.Named(name)
		ka, err := keeper.NewAgent(keeper.AgentConfig{Keeper: cfg, Nodeos: nc, Election: el})
		if err != nil {
			return err
		}
		a := &demoAgent{name: name, node: nd, k: ka.Keeper(), done: make(chan error, 1)}
		go func() { a.done <- ka.Run(runCtx) }()
		agents = append(agents, a)
		return nil
	}
	defer func() {
		cancel()
		for _, a := range agents {
			<-a.done
		}
	}()
	// A starts first, so the steady state has A producing.
	if err := start(keeper.RoleA); err != nil {
		return err
	}
	if err := c.await(ctx, agents, "A producing", 8*time.Duration(sched.RoundBlocks())*interval+30*time.Second, func() bool {
		return agents[0].k.Status().State == keeper.Leader
	}); err != nil {
		return err
	}
	for _, r := range roles[1:] {
		if err := start(r); err != nil {
			return err
		}
	}
	if err := net.WaitTurns(ctx, 2); err != nil {
		return err
	}
	c.table(agents)
	killed := net.Slot()
	c.UI.Output(fmt.Sprintf("\n>>> killing A's nodeos at slot %d (B waits for 2 missed turns, C for 6)", killed))
	killedAt := time.Now()
	net.Node("a").Kill()
	if err := c.await(ctx, agents, "B producing", 30*time.Second, func() bool {
		return agents[1].k.Status().State == keeper.Leader
	}); err != nil {
		return err
	}
	took := time.Since(killedAt)
	if err := net.WaitTurns(ctx, 3); err != nil {
		return err
	}
	c.table(agents)
	missed := 0
	for _, t := range net.Missed() {
		if t.First >= killed {
			missed++
		}
	}
	double := net.DoubleProduced()
	c.UI.Output(fmt.Sprintf("\nfailover: B took over %s after the kill (wall time); our producer missed %d turns since (policy: 2); double-produced turns: %d",
		took.Round(time.Millisecond), missed, len(double)))
	if err := nodeostest.CheckNoDoubleProduction(net.Ledger()); err != nil {
		return fmt.Errorf("double production detected: %w", err)
	}
	return nil
}

// await prints the status table every second until cond holds.
func (c *DemoCommand) await(ctx context.Context, agents []*demoAgent, what string, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	last := time.Time{}
	for !cond() {
		if time.Now().After(deadline) {
			c.table(agents)
			return fmt.Errorf("timed out waiting for %s", what)
		}
		if time.Since(last) >= time.Second {
			c.table(agents)
			last = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// table prints one line per agent.
func (c *DemoCommand) table(agents []*demoAgent) {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NODE\tROLE\tSTATE\tHEAD\tLIB\tPAUSED\tHEALTHY\tLOCK HOLDER\tMISSED\tREASON")
	sorted := append([]*demoAgent(nil), agents...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, a := range sorted {
		s := a.k.Status()
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%t\t%t\t%s\t%d\t%s\n", s.Node, s.Role, s.State, s.Head, s.LIB,
			s.Paused, s.Healthy, s.LockHolder, s.MissedTurns, clip(s.StateReason, 60))
	}
	w.Flush()
	c.UI.Output(b.String())
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}
