package keeper_test

import (
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/eostx"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// devKey is the well-known development key pair; the tests give it the permission that may
// run eosio::actfinkey.
const (
	devPublicKey  = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"
	devPrivateKey = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
)

// pushFinalizer is the agent's Finalizer for node: it signs eosio::actfinkey with signer and
// pushes it to the node's nodeos, which verifies the signature against the permission key.
func pushFinalizer(t *testing.T, c *cluster, url, key, signer string) keeper.Finalizer {
	t.Helper()
	client, err := nodeos.NewClient(nodeos.Config{URL: url, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	pusher, err := eostx.NewPusher(eostx.PusherConfig{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	priv, err := eostx.ParsePrivateKey(signer)
	if err != nil {
		t.Fatal(err)
	}
	producer := eostx.MustName(c.net.Ours())
	act := &eostx.FinKeyActivator{Client: client, Pusher: pusher, Producer: producer, Key: key,
		Auth: eostx.PermissionLevel{Actor: producer, Permission: eostx.MustName("finkey")}, Signer: priv}
	return keeper.NodeosFinalizer(client, c.net.Ours(), key, act.Activate)
}

func blsKeyOf(node string) string {
	return "PUB_BLS_" + node + "Key0000000000000000000000000000000000000000"
}

// savannaCluster is steadyCluster on a Savanna network with finalizer realism: each
// producer node holds its own BLS key and A's is our producer's active key.
func savannaCluster(t *testing.T, signer string, setup ...func(*cluster)) (*cluster, *keepertest.Lock) {
	t.Helper()
	lock := keepertest.NewLock()
	c := newClusterWith(t, lock, nodeostest.Config{Producers: testProducers, Finalizers: true, ActiveFinalizerKey: blsKeyOf("a")})
	for _, f := range setup {
		f(c)
	}
	if err := c.net.SetPermissionKey(c.net.Ours(), "finkey", devPublicKey); err != nil {
		t.Fatal(err)
	}
	urls := map[string]string{}
	for _, n := range []string{"a", "b", "c"} {
		urls[n] = c.net.AddNode(nodeostest.NodeConfig{Name: n, ProducerNode: true, FinalizerKey: blsKeyOf(n)}).URL
	}
	if signer != "" {
		c.finalizers = func(node string) keeper.Finalizer { return pushFinalizer(t, c, urls[node], blsKeyOf(node), signer) }
	}
	c.net.Start()
	c.startAgent("a", keeper.RoleA)
	c.waitFor("A leading", 6, func() bool { return c.agents["a"].k.Status().State == keeper.Leader })
	c.startAgent("b", keeper.RoleB)
	c.startAgent("c", keeper.RoleC)
	c.waitFor("standbys healthy", 6, func() bool {
		return c.agents["b"].k.Status().Healthy && c.agents["c"].k.Status().Healthy
	})
	return c, lock
}

func TestScenarioSavannaTakeoverActivatesFinalizerKey(t *testing.T) {
	c, lock := savannaCluster(t, devPrivateKey, evidenceOnly)
	c.waitTurns(1)
	killed := c.net.Slot()
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitTurns(10)
	if got := c.net.ActiveFinalizerKey(); got != blsKeyOf("b") {
		t.Fatalf("active finalizer key = %q, want B's", got)
	}
	if c.agents["b"].alerts.fired(keeper.AlertFinalizerElsewhere) {
		t.Fatal("B warned that the active key is elsewhere while it is B's own")
	}
	if n := c.missedSince(killed); n != 2 {
		t.Fatalf("missed %d turns, want exactly 2 (B's delay), then 10 turns produced\n%s", n, c.describe())
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]", got)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioSavannaTakeoverWithoutFinalizerKeyPausesImplicitly(t *testing.T) {
	c, _ := savannaCluster(t, "")
	c.waitTurns(1)
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitFor("B's nodeos pausing itself, and B saying so", 8, func() bool {
		return c.agents["b"].alerts.fired(keeper.AlertHolderPaused)
	})
	c.assertNoDoubleProduction()
}

func TestScenarioSavannaActfinkeyRefusedRaisesAlert(t *testing.T) {
	// B signs with a key that is not the permission's: nodeos refuses, B says why.
	seed := sha256.Sum256([]byte("A"))
	wrong, err := eostx.PrivateKeyFromBytes(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	c, _ := savannaCluster(t, wrong.WIF())
	c.waitTurns(1)
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitFor("B's finalizer_key alert", 4, func() bool { return c.agents["b"].alerts.fired(keeper.AlertFinalizerKey) })
	if got := c.net.ActiveFinalizerKey(); got != blsKeyOf("a") {
		t.Fatalf("active finalizer key = %q after a refused actfinkey, want A's unchanged", got)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioSavannaActiveKeyElsewhereAlerts(t *testing.T) {
	c, _ := savannaCluster(t, devPrivateKey)
	// A produces with its own key active; an operator activates C's key by hand.
	c.net.SetActiveFinalizerKey(blsKeyOf("c"))
	c.waitFor("A warning that the active key is on C", 6, func() bool {
		return c.agents["a"].alerts.fired(keeper.AlertFinalizerElsewhere)
	})
}
