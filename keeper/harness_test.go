package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
	"github.com/eoskeeper/eoskeeper/notify"
)

// testBlockInterval is the wall time of one block on the accelerated test chain.
const testBlockInterval = 10 * time.Millisecond

// cluster is a simulated nodeos network with one keeper per producer node.
type cluster struct {
	t      *testing.T
	net    *nodeostest.Network
	lock   keeper.Lock
	agents map[string]*agent
	// finalizers, when set, gives each new agent its Finalizer.
	finalizers func(node string) keeper.Finalizer
	// fence, when set, is every new agent's Deps.RunCommand.
	fence func(ctx context.Context, argv []string) error
	// noPeers starts agents without Deps.Peers: a resigning holder hands nothing on, and every
	// takeover keeps to the evidence rule.
	noPeers bool
	// board, when set, is where producer agents publish their statuses and read the others'
	// (a Consul KV board); nil uses an in-memory one.
	board statusBoard
	// locks records every acquisition and release by the agents' locks.
	locks lockLog
}

// agent is one keeper with its nodeos.
type agent struct {
	name   string
	role   keeper.Role
	node   *nodeostest.Node
	client *switchNode
	k      *keeper.Keeper
	alerts *alertLog
	cancel context.CancelFunc
	done   chan error
	// silence stops this agent's status publication, leaving the last one published, as when
	// its process is killed.
	silence func()
}

func newCluster(t *testing.T, lock keeper.Lock, producers int) *cluster {
	t.Helper()
	return newClusterWith(t, lock, nodeostest.Config{Producers: producers})
}

// newClusterWith is newCluster for a network configured by cfg (its block interval is
// always testBlockInterval).
func newClusterWith(t *testing.T, lock keeper.Lock, cfg nodeostest.Config) *cluster {
	t.Helper()
	cfg.BlockInterval = testBlockInterval
	net := nodeostest.NewUnstartedNetwork(cfg)
	t.Cleanup(net.Close)
	return &cluster{t: t, net: net, lock: lock, agents: map[string]*agent{}}
}

// addNode adds a producer node (role A, B or C) or a full node (F) to the network.
func (c *cluster) addNode(name string, role keeper.Role) *nodeostest.Node {
	return c.net.AddNode(nodeostest.NodeConfig{Name: name, ProducerNode: role.Producer()})
}

// startAgent starts the keeper for node name.
func (c *cluster) startAgent(name string, role keeper.Role, mod ...func(*keeper.Config)) *agent {
	c.t.Helper()
	nd := c.net.Node(name)
	if nd == nil {
		c.t.Fatalf("no node %q", name)
	}
	client, err := nodeos.NewClient(nodeos.Config{URL: nd.URL, Timeout: 300 * time.Millisecond})
	if err != nil {
		c.t.Fatal(err)
	}
	cfg := testConfig(c.net.Ours(), name, role)
	for _, m := range mod {
		m(&cfg)
	}
	a := &agent{name: name, role: role, node: nd, alerts: &alertLog{}, done: make(chan error, 1)}
	a.client = &switchNode{Node: keeper.NodeosNode(client, nodeos.PeerCountConfig{})}
	deps := keeper.Deps{Node: a.client, Alerts: a.alerts}
	if role.Producer() {
		deps.Lock = &recordingLock{Lock: c.lock, node: name, log: &c.locks}
	}
	if role.Producer() && !c.noPeers {
		if c.board == nil {
			c.board = &memBoard{}
		}
		board := c.board
		deps.Peers, deps.Sinks = board.join(a)
		a.silence = func() { board.silence(a) }
	}
	if c.finalizers != nil {
		deps.Finalizer = c.finalizers(name)
	}
	deps.RunCommand = c.fence
	a.k, err = keeper.New(cfg, deps)
	if err != nil {
		c.t.Fatalf("keeper.New(%s): %v", name, err)
	}
	if a.silence != nil {
		c.board.started(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	go func() { a.done <- a.k.Run(ctx) }()
	c.agents[name] = a
	c.t.Cleanup(a.stop)
	return a
}

func testConfig(producer, node string, role keeper.Role) keeper.Config {
	cfg := keeper.DefaultConfig().WithBlockInterval(testBlockInterval)
	cfg.Producer, cfg.Node, cfg.Role = producer, node, role
	cfg.PollInterval = 2 * testBlockInterval
	cfg.CallTimeout = 300 * time.Millisecond
	cfg.FenceMargin = 100 * time.Millisecond
	cfg.HandoffSlots = 6
	cfg.ContendStagger = 5 * cfg.PollInterval
	// Generous stall thresholds: a loaded CI machine can delay the simulated chain's clock.
	cfg.HeadStall, cfg.LIBStall = 100*testBlockInterval, 150*testBlockInterval
	level := hclog.Warn
	if os.Getenv("EOSKEEPER_TEST_LOG") != "" {
		level = hclog.LevelFromString(os.Getenv("EOSKEEPER_TEST_LOG"))
	}
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: node, Level: level})
	return cfg
}

// stop ends the agent as a clean shutdown does.
func (a *agent) stop() {
	a.cancel()
	<-a.done
	a.done <- context.Canceled // later stops return at once
}

// crash ends the agent without any cleanup reaching nodeos, as a SIGKILL would: its last
// published status stays where the other agents read it.
func (a *agent) crash() {
	if a.silence != nil {
		a.silence()
	}
	a.client.dead.Store(true)
	a.stop()
}

// switchNode is a Node whose calls all fail once dead is set, so a "crashed" agent's shutdown
// cannot touch nodeos.
type switchNode struct {
	keeper.Node
	dead atomic.Bool
	// keyless makes Resume succeed and Paused answer false without nodeos producing, like a
	// nodeos whose signature-provider lacks the producer key ("Not producing block because I
	// don't have any private keys ...").
	keyless atomic.Bool
	// fakeResumed is set by a Resume while keyless, and cleared by Pause.
	fakeResumed atomic.Bool
	// slowBlocks delays every block header read, so the keeper's backfill falls behind head.
	slowBlocks atomic.Int64
}

func (s *switchNode) Block(ctx context.Context, num uint32) (keeper.BlockHeader, error) {
	if d := time.Duration(s.slowBlocks.Load()); d > 0 {
		select {
		case <-ctx.Done():
			return keeper.BlockHeader{}, ctx.Err()
		case <-time.After(d):
		}
	}
	return s.Node.Block(ctx, num)
}

func (s *switchNode) Paused(ctx context.Context) (bool, error) {
	if s.fakeResumed.Load() {
		return false, nil
	}
	return s.Node.Paused(ctx)
}

var errAgentDead = errors.New("agent is dead")

func (s *switchNode) Pause(ctx context.Context) error {
	if s.dead.Load() {
		return errAgentDead
	}
	s.fakeResumed.Store(false)
	return s.Node.Pause(ctx)
}

func (s *switchNode) Resume(ctx context.Context) error {
	if s.dead.Load() {
		return errAgentDead
	}
	if s.keyless.Load() {
		s.fakeResumed.Store(true)
		return nil
	}
	return s.Node.Resume(ctx)
}

// alertLog records every alert change.
type alertLog struct {
	mu  sync.Mutex
	all []notify.Alert
}

func (l *alertLog) Notify(a notify.Alert) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, a)
}

// fired reports whether an alert with key has fired.
func (l *alertLog) fired(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.all {
		if a.Key == key && a.State == notify.Fired {
			return true
		}
	}
	return false
}

// waitFor polls cond until it holds or the chain-time budget (in rounds of the schedule) ends.
func (c *cluster) waitFor(what string, rounds int, cond func() bool) {
	c.t.Helper()
	budget := time.Duration(rounds*c.net.Schedule().RoundBlocks())*testBlockInterval + 2*time.Second
	deadline := time.Now().Add(budget)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out after %s waiting for %s\n%s", budget, what, c.describe())
		}
		time.Sleep(testBlockInterval)
	}
}

// waitTurns waits until n more of our producer's turns have ended.
func (c *cluster) waitTurns(n int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n+2)*time.Duration(c.net.Schedule().RoundBlocks())*testBlockInterval*3)
	defer cancel()
	if err := c.net.WaitTurns(ctx, n); err != nil {
		c.t.Fatalf("waiting for %d turns: %v", n, err)
	}
}

func (c *cluster) leader() string {
	for name, a := range c.agents {
		if a.k.Status().State == keeper.Leader {
			return name
		}
	}
	return ""
}

// producingNodes lists the nodes whose nodeos is unpaused and alive.
func (c *cluster) producingNodes() []string {
	var out []string
	for _, nd := range c.net.Nodes() {
		if a, ok := c.agents[nd.Name]; ok && !a.role.Producer() {
			continue
		}
		if nd.Alive() && !nd.Paused() {
			out = append(out, nd.Name)
		}
	}
	return out
}

func (c *cluster) describe() string {
	s := ""
	for name, a := range c.agents {
		st := a.k.Status()
		s += fmt.Sprintf("  %s: state=%s (%s) head=%d paused=%t healthy=%t problems=%v missed=%d lock_holder=%q firing=%v\n",
			name, st.State, st.StateReason, st.Head, st.Paused, st.Healthy, st.HealthProblems, st.MissedTurns, st.LockHolder, st.Firing)
	}
	s += fmt.Sprintf("  unpaused nodes: %v; missed turns so far: %d; double-produced turns: %d\n",
		c.producingNodes(), len(c.net.Missed()), len(c.net.DoubleProduced()))
	s += fmt.Sprintf("  missed turns: %v\n", c.net.Missed())
	return s
}

// missedSince counts our producer's missed turns that started at or after slot.
func (c *cluster) missedSince(slot nodeos.Slot) int {
	n := 0
	for _, t := range c.net.Missed() {
		if t.First >= slot {
			n++
		}
	}
	return n
}

// assertNoDoubleProduction fails the test if any of our turns has blocks from two nodes.
func (c *cluster) assertNoDoubleProduction() {
	c.t.Helper()
	if err := nodeostest.CheckNoDoubleProduction(c.net.Ledger()); err != nil {
		c.t.Fatalf("double production: %v", err)
	}
	if d := c.net.DoubleProduced(); len(d) != 0 {
		c.t.Fatalf("double-produced turns: %v", d)
	}
}

// resumeByHand resumes a nodeos as an operator would with curl.
func resumeByHand(t *testing.T, url string) {
	t.Helper()
	client, err := nodeos.NewClient(nodeos.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Resume(context.Background()); err != nil {
		t.Fatalf("resume %s: %v", url, err)
	}
}
