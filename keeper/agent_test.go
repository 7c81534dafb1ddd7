package keeper_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// runAgent starts an Agent for node a (role A) of a one-node network on lock, following the
// log at logPath (the node's own log when empty), and returns it with its network, node and
// a stop function that cancels Run and returns its error.
func runAgent(t *testing.T, lock keeper.Lock, logPath func(nd *nodeostest.Node) string) (*keeper.Agent, *nodeostest.Network, *nodeostest.Node, func() error) {
	t.Helper()
	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: testProducers, BlockInterval: testBlockInterval})
	t.Cleanup(net.Close)
	nd := net.AddNode(nodeostest.NodeConfig{Name: "a", ProducerNode: true})
	net.Start()
	client, err := nodeos.NewClient(nodeos.Config{URL: nd.URL, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a, err := keeper.NewAgent(keeper.AgentConfig{
		Keeper: testConfig(net.Ours(), "a", keeper.RoleA),
		Nodeos: client,
		Log:    nodeos.FollowerConfig{Path: logPath(nd), PollInterval: testBlockInterval},
		Deps:   keeper.Deps{Lock: lock},
	})
	if err != nil {
		t.Fatalf("NewAgent: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	stopped := false
	stop := func() error {
		cancel()
		if stopped {
			return nil
		}
		stopped = true
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("Agent.Run did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return a, net, nd, stop
}

// waitStatus polls the agent's status until cond holds, for at most 20 s.
func waitStatus(t *testing.T, a *keeper.Agent, what string, cond func(keeper.Status) bool) keeper.Status {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := a.Keeper().Status()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; status: state %s (%s), last produced %+v, last ours %+v",
				what, s.State, s.StateReason, s.LastProduced, s.LastOurBlock)
		}
		time.Sleep(testBlockInterval)
	}
}

func TestAgentFollowsNodeosLog(t *testing.T) {
	lock := keepertest.NewLock()
	a, _, nd, stop := runAgent(t, lock, func(nd *nodeostest.Node) string { return nd.LogPath })
	s := waitStatus(t, a, "a's own blocks confirmed by its log", func(s keeper.Status) bool {
		return s.State == keeper.Leader && s.LastProduced.Num > 0
	})
	if s.LastProduced.Node != "a" {
		t.Fatalf("last produced block %+v, want one of node a", s.LastProduced)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	if h := lock.Holder(); h != "" {
		t.Fatalf("lock still held by %q after Run returned", h)
	}
	if !nd.Paused() {
		t.Fatal("nodeos still producing after Run returned")
	}
	if err := a.Run(context.Background()); err == nil {
		t.Fatal("a second Run succeeded")
	}
}

func TestAgentWaitsForItsLog(t *testing.T) {
	// A log nodeos never writes to: the keeper must not take our producer's blocks for its
	// own without the log's word, which shows the agent gave it the log's events.
	silent := filepath.Join(t.TempDir(), "silent.log")
	if err := os.WriteFile(silent, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	a, _, _, _ := runAgent(t, keepertest.NewLock(), func(*nodeostest.Node) string { return silent })
	s := waitStatus(t, a, "a leading and producing", func(s keeper.Status) bool {
		return s.State == keeper.Leader && s.LastOurBlock.Num > 0
	})
	if s.LastProduced.Num != 0 {
		t.Fatalf("last produced block %+v without a line in the followed log", s.LastProduced)
	}
}

func TestNewAgentRejects(t *testing.T) {
	client, err := nodeos.NewClient(nodeos.Config{URL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	consul, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	el, err := election.New(election.Config{Client: consul, Producer: "eosstorebest", Node: "a"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig("eosstorebest", "a", keeper.RoleA)
	for _, tc := range []struct {
		name string
		cfg  keeper.AgentConfig
		want string
	}{
		{"no nodeos", keeper.AgentConfig{Keeper: cfg, Election: el}, "nodeos client"},
		{"node given", keeper.AgentConfig{Keeper: cfg, Nodeos: client, Election: el,
			Deps: keeper.Deps{Node: keeper.NodeosNode(client, nodeos.PeerCountConfig{})}}, "Deps.Node"},
		{"two locks", keeper.AgentConfig{Keeper: cfg, Nodeos: client, Election: el,
			Deps: keeper.Deps{Lock: keepertest.NewLock()}}, "not both"},
		{"no lock for role A", keeper.AgentConfig{Keeper: cfg, Nodeos: client}, "needs a Lock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := keeper.NewAgent(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewAgent = %v, %v; want an error containing %q", a, err, tc.want)
			}
		})
	}
	f := cfg
	f.Role = keeper.RoleF
	if _, err := keeper.NewAgent(keeper.AgentConfig{Keeper: f, Nodeos: client}); err != nil {
		t.Fatalf("NewAgent for role F without a lock: %v", err)
	}
}
