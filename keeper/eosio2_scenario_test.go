package keeper_test

import (
	"slices"
	"testing"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// TestScenarioEOSIO2 runs the keepers on EOSIO 2.0 nodes, which serve no get_block_info: the
// keepers read the block headers with get_block, A leads, the standby turns healthy, and when
// A's nodeos dies B takes over on the missed-turn evidence, with no nodeos_call_failing alert.
func TestScenarioEOSIO2(t *testing.T) {
	lock := keepertest.NewLock()
	c := newClusterWith(t, lock, nodeostest.Config{Producers: testProducers, LogFormat: nodeostest.EOSIO2, Mode: nodeostest.Legacy})
	c.noPeers = true
	c.addNode("a", keeper.RoleA)
	c.addNode("b", keeper.RoleB)
	c.net.Start()
	c.startAgent("a", keeper.RoleA)
	c.waitFor("A leading", 6, func() bool { return c.agents["a"].k.Status().State == keeper.Leader })
	c.startAgent("b", keeper.RoleB)
	c.waitFor("B a healthy standby", 6, func() bool {
		s := c.agents["b"].k.Status()
		return s.State == keeper.Standby && s.Healthy
	})
	c.waitTurns(2)
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitTurns(2)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]", got)
	}
	if c.agents["b"].alerts.fired("nodeos_call_failing") {
		t.Errorf("B raised nodeos_call_failing on EOSIO 2.0\n%s", c.describe())
	}
	c.assertNoDoubleProduction()
}
