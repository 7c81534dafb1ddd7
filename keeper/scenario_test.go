package keeper_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Scenario tests: a simulated nodeos network with an accelerated chain, one keeper per node
// and an in-memory lock with Consul's semantics. Each scenario checks the referee's ledger:
// no turn of our producer has blocks from two nodes, and missed turns match the policy.

const testProducers = 4

// steadyCluster returns nodes a, b, c (roles A, B, C) and f (F) with A producing under the lock.
func steadyCluster(t *testing.T, lock keeper.Lock, mod ...func(*keeper.Config)) *cluster {
	t.Helper()
	return steadyClusterOf(t, lock, testProducers, func(*cluster) {}, mod...)
}

// steadyClusterOf is steadyCluster on a schedule of producers producers; setup adjusts the
// cluster before any agent starts.
func steadyClusterOf(t *testing.T, lock keeper.Lock, producers int, setup func(*cluster), mod ...func(*keeper.Config)) *cluster {
	t.Helper()
	c := newCluster(t, lock, producers)
	setup(c)
	c.addNode("a", keeper.RoleA)
	c.addNode("b", keeper.RoleB)
	c.addNode("c", keeper.RoleC)
	c.addNode("f", keeper.RoleF)
	c.net.Start()
	c.startAgent("a", keeper.RoleA, mod...)
	c.waitFor("A leading", 6, func() bool { return c.agents["a"].k.Status().State == keeper.Leader })
	c.startAgent("b", keeper.RoleB, mod...)
	c.startAgent("c", keeper.RoleC, mod...)
	c.startAgent("f", keeper.RoleF, mod...)
	c.waitFor("standbys settled and healthy", 6, func() bool {
		b, cc := c.agents["b"].k.Status(), c.agents["c"].k.Status()
		return b.State == keeper.Standby && b.Healthy && cc.State == keeper.Standby && cc.Healthy &&
			c.agents["f"].k.Status().State == keeper.Watching
	})
	return c
}

func TestScenarioSteadyState(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	from := c.net.Slot()
	c.waitTurns(10)
	if n := c.missedSince(from); n != 0 {
		t.Fatalf("missed %d turns in steady state, want 0\n%s", n, c.describe())
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("acquisitions = %v, want [a]", got)
	}
	if p := c.producingNodes(); !slices.Equal(p, []string{"a"}) {
		t.Fatalf("unpaused nodes = %v, want [a]", p)
	}
	c.assertNoDoubleProduction()
	t.Logf("steady state: 10 turns, missed 0, double-produced 0")
}

// evidenceOnly starts a cluster's agents without Deps.Peers, so every takeover keeps to the
// evidence rule. The scenarios that measure its delays use it; handoff_scenario_test.go runs
// the same failures with the hand-off.
func evidenceOnly(c *cluster) { c.noPeers = true }

func TestScenarioPrimaryNodeosCrash(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyClusterOf(t, lock, testProducers, evidenceOnly)
	c.waitTurns(1)
	killed := c.net.Slot()
	start := time.Now()
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	took := time.Since(start)
	c.waitTurns(4)
	if n := c.missedSince(killed); n != 2 {
		t.Fatalf("missed %d turns after A's nodeos crashed, want exactly 2 (B's delay)\n%s", n, c.describe())
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]", got)
	}
	if !c.agents["b"].alerts.fired(keeper.AlertFailover) {
		t.Fatal("B raised no failover alert")
	}
	if !c.agents["a"].alerts.fired(keeper.AlertHolderUnhealthy) {
		t.Fatal("A raised no holder-unhealthy alert")
	}
	c.assertNoDoubleProduction()
	t.Logf("A crashed: B took over after 2 missed turns, %s wall time", took.Round(time.Millisecond))
}

func TestScenarioPrimaryAndFirstStandbyCrash(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyClusterOf(t, lock, testProducers, evidenceOnly)
	c.waitTurns(1)
	killed := c.net.Slot()
	c.net.Node("a").Kill()
	c.net.Node("b").Kill()
	c.waitFor("C leading", 12, func() bool { return c.agents["c"].k.Status().State == keeper.Leader })
	c.waitTurns(3)
	if n := c.missedSince(killed); n != 6 {
		t.Fatalf("missed %d turns, want exactly 6 (C's delay)\n%s", n, c.describe())
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("acquisitions = %v, want [a c]", got)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioAgentDiesNodeosKeepsProducing(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	from := c.net.Slot()
	c.agents["a"].crash()
	lock.Revoke() // its session expires
	c.waitFor("B alerting that blocks arrive under a free lock", 4, func() bool {
		return c.agents["b"].alerts.fired(keeper.AlertLockFreeProducing)
	})
	c.waitTurns(8)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("acquisitions = %v, want only [a]: nobody may take over while our blocks arrive", got)
	}
	if n := c.missedSince(from); n != 0 {
		t.Fatalf("missed %d turns, want 0 (A's nodeos still produces)", n)
	}
	if p := c.producingNodes(); !slices.Equal(p, []string{"a"}) {
		t.Fatalf("unpaused nodes = %v, want [a]", p)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioLockBlipOnHolder(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	from := c.net.Slot()
	lock.Revoke()
	c.waitFor("A leading again", 4, func() bool {
		return len(lock.Acquisitions()) == 2 && c.agents["a"].k.Status().State == keeper.Leader
	})
	c.waitTurns(3)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "a"}) {
		t.Fatalf("acquisitions = %v, want [a a]: the last producer re-acquires at once", got)
	}
	if n := c.missedSince(from); n != 0 {
		t.Fatalf("missed %d turns after a lock blip, want 0\n%s", n, c.describe())
	}
	if !c.agents["a"].alerts.fired(keeper.AlertLockLost) {
		t.Fatal("A raised no lock-lost alert")
	}
	c.assertNoDoubleProduction()
}

func TestScenarioHolderIsolatedFromChain(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	cut := c.net.Slot()
	c.net.Partition(c.net.Nodes()[1:], c.net.Nodes()[:1])
	c.waitFor("B leading", 10, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitTurns(2)
	if st := c.agents["a"].k.Status(); st.State == keeper.Leader {
		t.Fatalf("isolated A still leads: %+v", st)
	}
	if !c.agents["a"].alerts.fired(keeper.AlertHolderUnhealthy) {
		t.Fatal("A raised no holder-unhealthy alert")
	}
	if n := c.missedSince(cut); n > 3 {
		t.Fatalf("missed %d turns after isolating A, want at most 3\n%s", n, c.describe())
	}
	c.assertNoDoubleProduction()
}

func TestScenarioNoFailback(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	if err := c.net.Node("a").Restart(); err != nil {
		t.Fatal(err)
	}
	c.waitTurns(6)
	if st := c.agents["a"].k.Status(); st.State != keeper.Standby || !st.Paused {
		t.Fatalf("repaired A: state %s paused %t, want standby and paused", st.State, st.Paused)
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b] (no failback)", got)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioPlannedSwitchover(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	from := c.net.Slot()
	lock.RequestSwitchover("b")
	c.waitFor("B leading", 4, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	lock.RequestSwitchover("a")
	c.waitFor("A leading again", 4, func() bool { return c.agents["a"].k.Status().State == keeper.Leader })
	c.waitTurns(2)
	if n := c.missedSince(from); n != 0 {
		t.Fatalf("missed %d turns across two switchovers, want 0\n%s", n, c.describe())
	}
	// A request left behind long ago never moves production.
	lock.RequestSwitchoverAt("b", time.Now().Add(-keeper.MaxSwitchoverAge-time.Minute))
	c.waitTurns(2)
	if st := c.agents["a"].k.Status(); st.State != keeper.Leader {
		t.Fatalf("a stale switchover request moved production: A is %s", st.State)
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b", "a"}) {
		t.Fatalf("acquisitions = %v, want [a b a]", got)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioMaintenanceStopsFailover(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	lock.SetMaintenance(true)
	c.waitFor("B in maintenance", 2, func() bool { return c.agents["b"].k.Status().State == keeper.Maintenance })
	// Even in maintenance, a standby found producing without the lock is paused.
	bnode := c.net.Node("b")
	resumeByHand(t, bnode.URL)
	c.waitFor("B paused again in maintenance", 1, func() bool { return bnode.Paused() })
	c.waitFor("B's unpaused-without-lock alert", 1, func() bool {
		return c.agents["b"].alerts.fired(keeper.AlertUnpausedWithoutLock)
	})
	c.net.Node("a").Kill()
	c.waitTurns(8)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("acquisitions = %v, want [a]: no failover in maintenance", got)
	}
	if !c.agents["b"].alerts.fired(keeper.AlertMaintenance) {
		t.Fatal("B raised no maintenance alert")
	}
	if !c.agents["a"].alerts.fired(keeper.AlertAPIFailing) {
		t.Fatal("A raised no API alert for its dead nodeos")
	}
}

func TestScenarioStandbyStartsUnpaused(t *testing.T) {
	lock := keepertest.NewLock()
	c := newCluster(t, lock, testProducers)
	c.addNode("a", keeper.RoleA)
	c.addNode("b", keeper.RoleB)
	c.net.Start()
	c.startAgent("a", keeper.RoleA)
	c.waitFor("A leading", 6, func() bool { return c.agents["a"].k.Status().State == keeper.Leader })
	// Resume B's nodeos by hand right after our turn, then start its agent.
	c.waitTurns(1)
	bnode := c.net.Node("b")
	resumeByHand(t, bnode.URL)
	b := c.startAgent("b", keeper.RoleB)
	c.waitFor("B paused", 1, func() bool { return bnode.Paused() })
	c.waitFor("B's unpaused-without-lock alert", 1, func() bool { return b.alerts.fired(keeper.AlertUnpausedWithoutLock) })
	c.waitTurns(2)
	c.assertNoDoubleProduction()
}

func TestScenarioHolderAPIHangs(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	from := c.net.Slot()
	c.net.Node("a").Hang()
	t.Cleanup(c.net.Node("a").Unhang)
	c.waitTurns(8)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("acquisitions = %v, want [a]: A's nodeos still produces", got)
	}
	if n := c.missedSince(from); n != 0 {
		t.Fatalf("missed %d turns, want 0", n)
	}
	c.assertNoDoubleProduction()
}

func TestScenarioHolderNotProducingResignsAndStaysDemoted(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	from := c.net.Slot()
	// A's nodeos now answers as if resumed but signs nothing; the agent sees only the missed turn.
	a := c.agents["a"]
	a.client.keyless.Store(true)
	a.client.fakeResumed.Store(true)
	if err := a.client.Node.Pause(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.waitFor("B leading", 10, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitTurns(3)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]: a node that resigned for missing a turn must not grab the lock back", got)
	}
	if !a.alerts.fired(keeper.AlertHolderMissed) {
		t.Fatal("A raised no holder-missed-turn alert")
	}
	// A misses its first turn, resigns with its nodeos confirmed paused and hands production
	// to B before the next one.
	if n := c.missedSince(from); n != 1 {
		t.Fatalf("missed %d turns, want 1 (A's)\n%s", n, c.describe())
	}
	if tk := c.agents["b"].k.Status().LastTakeover; tk == nil || tk.Path != keeper.PathHandoff || !strings.Contains(tk.Reason, "missed a turn") {
		t.Fatalf("B's takeover = %+v, want a hand-off from A for its missed turn", tk)
	}
	c.assertNoDoubleProduction()
}

// A standby whose block reads lag behind head must judge missed turns only up to the blocks
// it has read: otherwise, with the lock free and our old producer still producing, the
// unread span would look like missed turns and it would resume beside it.
func TestScenarioLaggingStandbyNeverSeesFalseEvidence(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	b := c.agents["b"]
	b.client.slowBlocks.Store(int64(3 * testBlockInterval))
	c.waitTurns(1)
	c.agents["a"].crash()
	lock.Revoke()
	c.waitTurns(8)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("acquisitions = %v, want only [a]: a lagging standby took over while our blocks arrive\n%s", got, c.describe())
	}
	c.assertNoDoubleProduction()
}

func TestScenarioHooksRunOnPromoteAndDemote(t *testing.T) {
	lock := keepertest.NewLock()
	out := filepath.Join(t.TempDir(), "hooks")
	hook := func(word string) []string { return []string{"sh", "-c", "echo " + word + " >> " + out} }
	c := steadyCluster(t, lock, func(cfg *keeper.Config) {
		cfg.OnPromote, cfg.OnDemote = hook(cfg.Node+"-promoted"), hook(cfg.Node+"-demoted")
	})
	c.net.Node("a").Kill()
	c.waitFor("B leading", 8, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitFor("hooks run", 2, func() bool {
		b, _ := os.ReadFile(out)
		got := string(b)
		return strings.Contains(got, "a-promoted") && strings.Contains(got, "a-demoted") && strings.Contains(got, "b-promoted")
	})
	if b, _ := os.ReadFile(out); strings.Contains(string(b), "c-") {
		t.Fatalf("C ran a hook without leading: %q", b)
	}
}

// When the lock frees late (a dead holder's session expiring) after both B and C have their
// evidence, B must win: C gives it a head start.
func TestScenarioPriorityWhenBothStandbysQualify(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	c.net.Node("a").Kill()
	lock.Freeze("a")
	lock.DeliverNewestFirst(true) // C hears of the free lock before B
	c.agents["a"].crash()         // its session stays until it expires
	c.waitTurns(8)                // B (2) and C (6) both have their evidence
	if h := lock.Holder(); h != "a" {
		t.Fatalf("lock holder %q before the session expired, want a", h)
	}
	lock.Revoke()
	c.waitFor("a new leader", 4, func() bool { return c.leader() != "" })
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]: B outranks C", got)
	}
	c.assertNoDoubleProduction()
}

// A holder whose nodeos is stopped (SIGSTOP) cannot confirm a pause. Without a fence command it
// must keep the lock: a stopped nodeos carries on unpaused when continued, so a standby resuming
// meanwhile would produce beside it. Once nodeos continues, the holder pauses it and resigns.
func TestScenarioHolderNodeosStoppedKeepsLock(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	a := c.net.Node("a")
	a.Freeze(true)
	t.Cleanup(func() { a.Freeze(false) })
	// B's evidence (2 missed turns) is long complete by then.
	c.waitTurns(6)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("acquisitions = %v while A's nodeos was stopped, want [a]: a standby resumed beside a stopped, unpaused nodeos", got)
	}
	if st := c.agents["a"].k.Status().State; st != keeper.Fencing {
		t.Fatalf("A is %s while its nodeos is stopped, want fencing", st)
	}
	if !c.agents["a"].alerts.fired(keeper.AlertFenceFailed) {
		t.Fatal("A raised no fence_failed alert")
	}
	a.Freeze(false)
	c.waitFor("B leading after A's nodeos continued", 10, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitTurns(2)
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]", got)
	}
	if !a.Status().Paused {
		t.Fatal("A's nodeos is not paused after A resigned")
	}
	c.assertNoDoubleProduction()
}

// With a fence command that stops nodeos for good, the holder of a stopped nodeos runs it,
// releases the lock, and B takes over after its evidence.
func TestScenarioHolderNodeosStoppedFenced(t *testing.T) {
	lock := keepertest.NewLock()
	var fenced atomic.Int32
	var fencedAt atomic.Uint32
	c := newCluster(t, lock, testProducers)
	c.fence = func(ctx context.Context, argv []string) error {
		if !slices.Equal(argv, []string{"kill-nodeos", "a"}) {
			return fmt.Errorf("unexpected fence command %q", argv)
		}
		if fenced.Add(1) == 1 {
			fencedAt.Store(uint32(c.net.Slot()))
		}
		c.net.Node("a").Kill()
		return nil
	}
	fenceCmd := func(cfg *keeper.Config) { cfg.FenceCommand = []string{"kill-nodeos", cfg.Node} }
	c.addNode("a", keeper.RoleA)
	c.addNode("b", keeper.RoleB)
	c.addNode("c", keeper.RoleC)
	c.net.Start()
	c.startAgent("a", keeper.RoleA, fenceCmd)
	c.waitFor("A leading", 6, func() bool { return c.agents["a"].k.Status().State == keeper.Leader })
	c.startAgent("b", keeper.RoleB, fenceCmd)
	c.startAgent("c", keeper.RoleC, fenceCmd)
	c.waitFor("standbys healthy", 6, func() bool {
		return c.agents["b"].k.Status().Healthy && c.agents["c"].k.Status().Healthy
	})
	c.waitTurns(1)
	c.net.Node("a").Freeze(true)
	c.waitFor("B leading", 10, func() bool { return c.agents["b"].k.Status().State == keeper.Leader })
	c.waitTurns(2)
	if fenced.Load() == 0 {
		t.Fatal("the fence command never ran")
	}
	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("acquisitions = %v, want [a b]", got)
	}
	// B's evidence is complete long before A's agent gives up on the pause (the API timeouts
	// take several rounds of this accelerated chain), so B takes over at once after the fence.
	if n := c.missedSince(nodeos.Slot(fencedAt.Load())); n > 1 {
		t.Fatalf("missed %d turns after the fence ran, want at most 1\n%s", n, c.describe())
	}
	c.assertNoDoubleProduction()
}
