package keeper

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// netFinalizer is a Finalizer over the simulated network: it reads the policies from the
// node's nodeos and activates its key the way an accepted eosio::actfinkey does.
type netFinalizer struct {
	Finalizer
	net *nodeostest.Network
	key string
}

func (f netFinalizer) Activate(context.Context) error {
	f.net.SetActiveFinalizerKey(f.key)
	return nil
}

func blsKeyOf(node string) string {
	return "PUB_BLS_" + node + "Key0000000000000000000000000000000000000000"
}

// savannaCluster is steadyCluster on a Savanna network with finalizer realism: each
// producer node holds its own BLS key and A's is our producer's active key.
func savannaCluster(t *testing.T, withFinalizers bool) (*cluster, *memLock) {
	t.Helper()
	lock := newMemLock()
	c := newClusterWith(t, lock, nodeostest.Config{Producers: testProducers, Finalizers: true, ActiveFinalizerKey: blsKeyOf("a")})
	for _, n := range []string{"a", "b", "c"} {
		nd := c.net.AddNode(nodeostest.NodeConfig{Name: n, ProducerNode: true, FinalizerKey: blsKeyOf(n)})
		if withFinalizers {
			url := nd.URL
			key := blsKeyOf(n)
			prev := c.finalizers
			c.finalizers = func(node string) Finalizer {
				if node != n {
					if prev != nil {
						return prev(node)
					}
					return nil
				}
				client, err := nodeos.NewClient(nodeos.Config{URL: url, Timeout: 300 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				return netFinalizer{Finalizer: NodeosFinalizer(client, c.net.Ours(), key, nil), net: c.net, key: key}
			}
		}
	}
	c.net.Start()
	c.startAgent("a", RoleA)
	c.waitFor("A leading", 6, func() bool { return c.agents["a"].k.Status().State == Leader })
	c.startAgent("b", RoleB)
	c.startAgent("c", RoleC)
	c.waitFor("standbys healthy", 6, func() bool {
		return c.agents["b"].k.Status().Healthy && c.agents["c"].k.Status().Healthy
	})
	return c, lock
}

func TestScenarioSavannaTakeoverActivatesFinalizerKey(t *testing.T) {
	c, lock := savannaCluster(t, true)
	c.waitTurns(1)
	killed := c.net.Slot()
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == Leader })
	c.waitTurns(10)
	if got := c.net.ActiveFinalizerKey(); got != blsKeyOf("b") {
		t.Fatalf("active finalizer key = %q, want B's", got)
	}
	if n := c.missedSince(killed); n != 2 {
		t.Fatalf("missed %d turns, want exactly 2 (B's delay), then 10 turns produced\n%s", n, c.describe())
	}
	if got := lock.acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]", got)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioSavannaTakeoverWithoutFinalizerKeyPausesImplicitly(t *testing.T) {
	c, _ := savannaCluster(t, false)
	c.waitTurns(1)
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == Leader })
	c.waitFor("B's nodeos pausing itself, and B saying so", 8, func() bool {
		return c.agents["b"].alerts.fired(alertHolderPaused)
	})
	c.assertNoDoubleProduction()
}
