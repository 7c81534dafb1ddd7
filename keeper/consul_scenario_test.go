package keeper_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// Scenario tests against a real Consul dev agent: every keeper has its own election and its
// own Consul client, as on separate hosts, and the lock's timings are the short ones of the
// election package's tests. A keeper's client can go through a proxy the test cuts.

// consulBlockInterval is the chain speed of these scenarios: twice as slow as the in-memory
// ones, so a keeper that backfills block headers one call at a time keeps up with the chain on
// a loaded machine while Consul shares the CPU.
const consulBlockInterval = 2 * testBlockInterval

// consulElectionConfig returns short election timings for a dev agent with
// session_ttl_min = "1s". Consul frees the key of a session that stops renewing no later than
// 2*SessionTTL + LockDelay (about 6 s) after its last renewal.
func consulElectionConfig(client *api.Client, producer, node string) election.Config {
	return election.Config{
		Client:         client,
		Producer:       producer,
		Node:           node,
		SessionTTL:     2 * time.Second,
		MinSessionTTL:  time.Second,
		RenewInterval:  300 * time.Millisecond,
		LostAfter:      1400 * time.Millisecond,
		RequestTimeout: 500 * time.Millisecond,
		LockDelay:      2 * time.Second,
	}
}

// consulCluster is a cluster whose producer nodes each hold an election on one Consul agent.
type consulCluster struct {
	*cluster
	consul    *consultest.Server
	elections map[string]*election.Election
	proxies   map[string]*consultest.Proxy
	mod       []func(*keeper.Config)
	// lockTimings, when set, adjusts every election's configuration.
	lockTimings func(*election.Config)
}

// newConsulCluster starts a Consul dev agent and an unstarted chain network with the given
// block interval; nodes named in proxied reach Consul through a proxy the test can cut.
func newConsulCluster(t *testing.T, blockInterval time.Duration, proxied ...string) *consulCluster {
	t.Helper()
	return newConsulClusterOf(t, testProducers, blockInterval, proxied...)
}

// newConsulClusterOf is newConsulCluster on a schedule of producers producers.
func newConsulClusterOf(t *testing.T, producers int, blockInterval time.Duration, proxied ...string) *consulCluster {
	t.Helper()
	srv := consultest.Start(t, consultest.WithHCL(`session_ttl_min = "1s"`))
	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: producers, BlockInterval: blockInterval})
	t.Cleanup(net.Close)
	cc := &consulCluster{
		cluster:   &cluster{t: t, net: net, agents: map[string]*agent{}},
		consul:    srv,
		elections: map[string]*election.Election{},
		proxies:   map[string]*consultest.Proxy{},
	}
	// Every agent publishes its status to Consul, as the eoskeeper agent does, so a resigning
	// holder names its successors from what it reads there.
	cc.board = &kvBoard{t: t, addr: srv.HTTPAddr, prefix: "eoskeeper/" + net.Ours() + "/nodes/", interval: 2 * blockInterval}
	for _, name := range proxied {
		cc.proxies[name] = consultest.NewProxy(t, srv.HTTPAddr)
	}
	if blockInterval != testBlockInterval {
		// Thresholds keep their length in blocks; the tick and the health window follow the chain.
		cc.mod = append(cc.mod, func(cfg *keeper.Config) {
			*cfg = cfg.WithBlockInterval(blockInterval)
			cfg.PollInterval = 2 * blockInterval
			cfg.ProducersWindow = time.Duration(net.Schedule().RoundBlocks()) * blockInterval
		})
	}
	return cc
}

// startConsulAgent starts the keeper for node name with its own election and Consul client.
func (cc *consulCluster) startConsulAgent(name string, role keeper.Role, mod ...func(*keeper.Config)) *agent {
	cc.t.Helper()
	var lock keeper.Lock
	if role.Producer() {
		addr := cc.consul.HTTPAddr
		if p, ok := cc.proxies[name]; ok {
			addr = p.Addr
		}
		client := consultest.NewClient(cc.t, addr)
		ecfg := consulElectionConfig(client, cc.net.Ours(), name)
		if cc.lockTimings != nil {
			cc.lockTimings(&ecfg)
		}
		e, err := election.New(ecfg)
		if err != nil {
			cc.t.Fatalf("election.New(%s): %v", name, err)
		}
		cc.elections[name] = e
		lock = keeper.ElectionLock(e)
	}
	return cc.startAgentWithLock(name, role, lock, append(slices.Clone(cc.mod), mod...)...)
}

// startAgentWithLock is startAgent with a Lock for this agent alone.
func (c *cluster) startAgentWithLock(name string, role keeper.Role, lock keeper.Lock, mod ...func(*keeper.Config)) *agent {
	c.t.Helper()
	shared := c.lock
	c.lock = lock
	defer func() { c.lock = shared }()
	return c.startAgent(name, role, mod...)
}

// steadyConsulCluster starts nodes a, b, c (roles A, B, C) and f (F) with A producing; mod
// adjusts the cluster before any agent starts.
func steadyConsulCluster(t *testing.T, blockInterval time.Duration, proxied []string, mod ...func(*consulCluster)) *consulCluster {
	t.Helper()
	return steadyConsulClusterOf(t, testProducers, blockInterval, proxied, mod...)
}

// steadyConsulClusterOf is steadyConsulCluster on a schedule of producers producers.
func steadyConsulClusterOf(t *testing.T, producers int, blockInterval time.Duration, proxied []string, mod ...func(*consulCluster)) *consulCluster {
	t.Helper()
	cc := newConsulClusterOf(t, producers, blockInterval, proxied...)
	for _, m := range mod {
		m(cc)
	}
	cc.addNode("a", keeper.RoleA)
	cc.addNode("b", keeper.RoleB)
	cc.addNode("c", keeper.RoleC)
	cc.addNode("f", keeper.RoleF)
	cc.net.Start()
	cc.startConsulAgent("a", keeper.RoleA)
	cc.waitUntil("A leading", 6, func() bool { return cc.agents["a"].k.Status().State == keeper.Leader })
	cc.startConsulAgent("b", keeper.RoleB)
	cc.startConsulAgent("c", keeper.RoleC)
	cc.startConsulAgent("f", keeper.RoleF)
	cc.waitUntil("standbys settled and healthy", 6, func() bool {
		b, c := cc.agents["b"].k.Status(), cc.agents["c"].k.Status()
		return b.State == keeper.Standby && b.Healthy && c.State == keeper.Standby && c.Healthy &&
			cc.agents["f"].k.Status().State == keeper.Watching
	})
	return cc
}

// round is the wall time of one schedule round on this chain.
func (cc *consulCluster) round() time.Duration {
	return time.Duration(cc.net.Schedule().RoundBlocks()) * cc.net.Config().BlockInterval
}

// waitUntil polls cond until it holds or rounds schedule rounds (plus slack for Consul) pass.
func (cc *consulCluster) waitUntil(what string, rounds int, cond func() bool) {
	cc.t.Helper()
	budget := time.Duration(rounds)*cc.round() + 3*time.Second
	deadline := time.Now().Add(budget)
	for !cond() {
		if time.Now().After(deadline) {
			cc.t.Fatalf("timed out after %s waiting for %s\n%s", budget, what, cc.describe())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// turns waits until n more of our producer's turns have ended.
func (cc *consulCluster) turns(n int) {
	cc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n+2)*cc.round()*3)
	defer cancel()
	if err := cc.net.WaitTurns(ctx, n); err != nil {
		cc.t.Fatalf("waiting for %d turns: %v\n%s", n, err, cc.describe())
	}
}

// holder reads the lock key through node's election: the record and whether a session holds it.
func (cc *consulCluster) holder(node string) (election.Record, bool) {
	cc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec, held, err := cc.elections[node].Leader(ctx)
	if err != nil {
		cc.t.Fatalf("reading the lock: %v", err)
	}
	return rec, held
}

func TestConsulScenarioSteadyStateAndPrimaryCrash(t *testing.T) {
	// The evidence rule's delay is measured here; handoff_scenario_test.go runs the crash with
	// the hand-off.
	cc := steadyConsulCluster(t, consulBlockInterval, nil, func(cc *consulCluster) { cc.noPeers = true })
	cc.turns(1)
	from := cc.net.Slot()
	cc.turns(5)
	if n := cc.missedSince(from); n != 0 {
		t.Fatalf("missed %d turns in steady state, want 0\n%s", n, cc.describe())
	}
	if p := cc.producingNodes(); !slices.Equal(p, []string{"a"}) {
		t.Fatalf("unpaused nodes = %v, want [a]", p)
	}
	if rec, held := cc.holder("b"); !held || rec.Node != "a" {
		t.Fatalf("lock: holder %q held %t, want a holding", rec.Node, held)
	}
	cc.assertNoDoubleProduction()
	t.Logf("steady state: 5 turns, missed 0, double-produced %d", len(cc.net.DoubleProduced()))

	killed := cc.net.Slot()
	start := time.Now()
	cc.net.Node("a").Kill()
	cnode := cc.net.Node("c")
	cc.waitUntil("B leading", 8, func() bool {
		if !cnode.Paused() {
			t.Fatalf("C's nodeos resumed during the failover\n%s", cc.describe())
		}
		return cc.agents["b"].k.Status().State == keeper.Leader
	})
	took := time.Since(start)
	cc.turns(4)
	missed := cc.missedSince(killed)
	if missed != 2 {
		t.Fatalf("missed %d turns after A's nodeos crashed, want exactly 2 (B's delay)\n%s", missed, cc.describe())
	}
	if p := cc.producingNodes(); !slices.Equal(p, []string{"b"}) {
		t.Fatalf("unpaused nodes = %v, want [b] (C never resumes)", p)
	}
	if st := cc.agents["c"].k.Status(); st.State != keeper.Standby {
		t.Fatalf("C is %s, want standby", st.State)
	}
	if rec, held := cc.holder("c"); !held || rec.Node != "b" {
		t.Fatalf("lock: holder %q held %t, want b holding", rec.Node, held)
	}
	if !cc.agents["b"].alerts.fired(keeper.AlertFailover) {
		t.Fatal("B raised no failover alert")
	}
	if !cc.agents["a"].alerts.fired(keeper.AlertHolderUnhealthy) {
		t.Fatal("A raised no holder-unhealthy alert")
	}
	cc.assertNoDoubleProduction()
	t.Logf("A's nodeos crashed: missed %d turns, double-produced %d, B leading after %s",
		missed, len(cc.net.DoubleProduced()), took.Round(time.Millisecond))
}

// TestConsulScenarioHolderCutFromConsul runs on a slower chain (2.4 s rounds): Consul frees the
// lock of a silent holder only after 2*SessionTTL + LockDelay, about 6 s, so on the 0.48 s
// rounds of the other scenarios the evidence would come long before the lock and the missed
// turns would measure Consul's timer rather than the policy. Production timings (15 s TTL and
// lock-delay against 126 s rounds) are closer to this test's ratio.
func TestConsulScenarioHolderCutFromConsul(t *testing.T) {
	cc := steadyConsulCluster(t, 50*time.Millisecond, []string{"a"})
	cc.turns(1)
	before, _ := cc.holder("b")
	anode, bnode := cc.net.Node("a"), cc.net.Node("b")

	cut := cc.net.Slot()
	start := time.Now()
	cc.proxies["a"].Cut(consultest.Blackhole)
	var aPaused, bResumed, bLeader time.Time
	cc.waitUntil("B leading", 6, func() bool {
		now := time.Now()
		if aPaused.IsZero() && anode.Paused() {
			aPaused = now
		}
		if bResumed.IsZero() && !bnode.Paused() {
			bResumed = now
		}
		if bLeader.IsZero() && cc.agents["b"].k.Status().State == keeper.Leader {
			bLeader = now
		}
		return !bLeader.IsZero()
	})
	if aPaused.IsZero() || !aPaused.Before(bResumed) || !aPaused.Before(bLeader) {
		t.Fatalf("A paused at %s, B resumed at %s, B leading at %s after the cut: A must pause first\n%s",
			since(start, aPaused), since(start, bResumed), since(start, bLeader), cc.describe())
	}
	cc.turns(2)
	missed := cc.missedSince(cut)
	if missed < 2 || missed > 3 {
		t.Fatalf("missed %d turns after cutting A from Consul, want 2 or 3 (B's delay)\n%s", missed, cc.describe())
	}
	if st := cc.agents["a"].k.Status(); st.State == keeper.Leader || !anode.Paused() {
		t.Fatalf("A cut from Consul: state %s paused %t, want not leading and paused", st.State, anode.Paused())
	}
	if p := cc.producingNodes(); !slices.Equal(p, []string{"b"}) {
		t.Fatalf("unpaused nodes = %v, want [b]", p)
	}
	if rec, held := cc.holder("b"); !held || rec.Node != "b" || rec.Session == before.Session {
		t.Fatalf("lock: holder %q session %q held %t, want b holding a new session", rec.Node, rec.Session, held)
	}
	if !cc.agents["a"].alerts.fired(keeper.AlertLockLost) {
		t.Fatal("A raised no lock-lost alert")
	}
	cc.assertNoDoubleProduction()
	t.Logf("A cut from Consul: A paused after %s, B leading after %s (%s later), missed %d turns, double-produced %d",
		since(start, aPaused), since(start, bLeader), bLeader.Sub(aPaused).Round(time.Millisecond),
		missed, len(cc.net.DoubleProduced()))
}

func since(start, at time.Time) string {
	if at.IsZero() {
		return "never"
	}
	return at.Sub(start).Round(time.Millisecond).String()
}

func TestConsulScenarioBlipOnHolder(t *testing.T) {
	// Doubled lock timings: a blip must be survived by the renewal margin, not lost to the
	// scheduling delays of a loaded test machine.
	cc := steadyConsulCluster(t, consulBlockInterval, []string{"a"}, func(cc *consulCluster) {
		cc.lockTimings = func(c *election.Config) {
			c.SessionTTL, c.LostAfter, c.LockDelay = 4*time.Second, 2800*time.Millisecond, 4*time.Second
			c.RenewInterval, c.RequestTimeout = 600*time.Millisecond, time.Second
		}
	})
	lostAfter := 2800 * time.Millisecond
	cc.turns(1)
	before, _ := cc.holder("b")
	from := cc.net.Slot()
	for _, mode := range []consultest.CutMode{consultest.Blackhole, consultest.Refuse} {
		cc.proxies["a"].Cut(mode)
		restoreAt := time.Now().Add(300 * time.Millisecond)
		restored := false
		// A must stay leader through the blip and for LostAfter beyond it.
		until := restoreAt.Add(lostAfter + 500*time.Millisecond)
		for now := time.Now(); now.Before(until); now = time.Now() {
			if !restored && now.After(restoreAt) {
				cc.proxies["a"].Restore()
				restored = true
			}
			if st := cc.agents["a"].k.Status(); st.State != keeper.Leader {
				t.Fatalf("%s blip of 300ms: A left the lead (%s: %s)\n%s", mode, st.State, st.StateReason, cc.describe())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	cc.turns(2)
	missed := cc.missedSince(from)
	if missed != 0 {
		t.Fatalf("missed %d turns across two Consul blips, want 0\n%s", missed, cc.describe())
	}
	if rec, held := cc.holder("b"); !held || rec.Node != "a" || rec.Session != before.Session {
		t.Fatalf("lock: holder %q session %q held %t, want a holding its first session %q", rec.Node, rec.Session, held, before.Session)
	}
	if cc.agents["a"].alerts.fired(keeper.AlertLockLost) {
		t.Fatal("A raised a lock-lost alert for a blip shorter than LostAfter")
	}
	if p := cc.producingNodes(); !slices.Equal(p, []string{"a"}) {
		t.Fatalf("unpaused nodes = %v, want [a]", p)
	}
	cc.assertNoDoubleProduction()
	t.Logf("Consul blips of 300ms (blackhole, refuse) on the holder: missed %d turns, double-produced %d, same session",
		missed, len(cc.net.DoubleProduced()))
}

func TestConsulScenarioMaintenanceAndSwitchover(t *testing.T) {
	cc := steadyConsulCluster(t, consulBlockInterval, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cc.turns(1)
	from := cc.net.Slot()

	e := cc.elections["b"]
	if err := e.SetMaintenance(ctx, true, "kernel upgrade", "test"); err != nil {
		t.Fatal(err)
	}
	cc.waitUntil("standbys in maintenance, holder reporting it", 4, func() bool {
		return cc.agents["b"].k.Status().State == keeper.Maintenance && cc.agents["c"].k.Status().State == keeper.Maintenance &&
			cc.agents["a"].k.Status().Maintenance
	})
	// No automatic action in maintenance: A keeps the lock and keeps producing.
	cc.turns(2)
	if st := cc.agents["a"].k.Status(); st.State != keeper.Leader {
		t.Fatalf("A in maintenance: state %s (%s), want leading", st.State, st.StateReason)
	}
	if p := cc.producingNodes(); !slices.Equal(p, []string{"a"}) {
		t.Fatalf("unpaused nodes in maintenance = %v, want [a]", p)
	}
	if !cc.agents["b"].alerts.fired(keeper.AlertMaintenance) {
		t.Fatal("B raised no maintenance alert")
	}
	if err := e.SetMaintenance(ctx, false, "done", "test"); err != nil {
		t.Fatal(err)
	}
	cc.waitUntil("standbys out of maintenance", 4, func() bool {
		return cc.agents["b"].k.Status().State == keeper.Standby && cc.agents["c"].k.Status().State == keeper.Standby
	})

	// The request goes in right after our turn, as an operator watching the schedule would.
	cc.turns(1)
	start := time.Now()
	if err := e.RequestHandoff(ctx, "b", "test"); err != nil {
		t.Fatalf("requesting the switchover: %v", err)
	}
	cc.waitUntil("B leading", 4, func() bool { return cc.agents["b"].k.Status().State == keeper.Leader })
	took := time.Since(start)
	if err := e.CancelHandoffRequest(ctx); err != nil {
		t.Fatalf("cancelling the switchover request: %v", err)
	}
	cc.turns(2)
	missed := cc.missedSince(from)
	if missed != 0 {
		t.Fatalf("missed %d turns across maintenance and a switchover, want 0\n%s", missed, cc.describe())
	}
	if p := cc.producingNodes(); !slices.Equal(p, []string{"b"}) {
		t.Fatalf("unpaused nodes = %v, want [b]", p)
	}
	if st := cc.agents["a"].k.Status(); st.State != keeper.Standby {
		t.Fatalf("A after handing off: %s (%s), want standby", st.State, st.StateReason)
	}
	if rec, held := cc.holder("a"); !held || rec.Node != "b" {
		t.Fatalf("lock: holder %q held %t, want b holding", rec.Node, held)
	}
	if pair, _, err := cc.consul.Client().KV().Get(e.HandoffRequestKey(), (&api.QueryOptions{}).WithContext(ctx)); err != nil || pair != nil {
		t.Fatalf("switchover request still present (%v) or unreadable: %v", pair != nil, err)
	}
	cc.assertNoDoubleProduction()
	t.Logf("maintenance then switchover A -> B: missed %d turns, double-produced %d, B leading %s after the request",
		missed, len(cc.net.DoubleProduced()), took.Round(time.Millisecond))
}

// A holder cut off from Consul for longer than LostAfter pauses and cannot release its lock.
// Once Consul answers again it releases the lock its old, unrenewed session still holds, so
// production resumes at once instead of after that session expires and the lock-delay passes.
func TestConsulScenarioCutLongerThanLostAfterRetiresOldSession(t *testing.T) {
	cc := steadyConsulCluster(t, consulBlockInterval, []string{"a"}, func(cc *consulCluster) {
		cc.lockTimings = func(c *election.Config) {
			c.SessionTTL, c.LostAfter, c.LockDelay = 30*time.Second, 2800*time.Millisecond, 4*time.Second
			c.RenewInterval, c.RequestTimeout = 600*time.Millisecond, time.Second
		}
	})
	cc.turns(1)
	before, _ := cc.holder("b")
	cc.proxies["a"].Cut(consultest.Refuse)
	cc.waitUntil("A fenced", 20, func() bool { return cc.agents["a"].k.Status().State == keeper.Standby })
	cc.proxies["a"].Restore()
	restored := time.Now()
	deadline := restored.Add(5 * time.Second)
	for {
		rec, held := cc.holder("b")
		if held && rec.Session != before.Session {
			t.Logf("lock held again by %s %s after Consul answered again", rec.Node, time.Since(restored).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lock not re-acquired within 5s of Consul answering again (held %t by session %q, the old one %q): the old session was left to expire\n%s",
				held, rec.Session, before.Session, cc.describe())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cc.turns(2)
	if p := cc.producingNodes(); len(p) != 1 {
		t.Fatalf("unpaused nodes = %v, want exactly one", p)
	}
	cc.assertNoDoubleProduction()
}
