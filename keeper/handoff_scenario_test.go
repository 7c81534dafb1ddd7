package keeper_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Hand-off scenarios (docs/safety.md, section 3.3): a holder that resigns with its nodeos
// confirmed stopped names its successors from the statuses the agents publish, and the first
// one able to acts at once instead of waiting for the missed-turn evidence. Each scenario runs
// on the in-memory lock with statuses read from the agents directly, and on a Consul dev agent
// with statuses published to and read from Consul's KV store (keeper.KVPeers).

// handoffStaggerBlocks is the head start, in block intervals, each successor gives the next.
const handoffStaggerBlocks = 10

// handoffProducers and handoffConsulProducers are the schedules of these scenarios. The
// keeper's nodeos timeouts are not scaled to the accelerated chain: a holder whose nodeos died
// spends five failed ticks and then up to 0.3 s of refused pause calls (0.7 s in all; 0.8 s on
// Consul's slower ticks) before it releases, so the gap between our turns must be longer than that for a crash after
// our turn to cost no block: 132 blocks (1.3 s) on the in-memory chain, 84 (1.7 s) on Consul's.
const (
	handoffProducers       = 12
	handoffConsulProducers = 8
)

// handoffCluster is a steady cluster (a, b, c and f, A producing) on one kind of lock, with
// the waits of that kind.
type handoffCluster struct {
	*cluster
	// interval is the chain's block interval.
	interval time.Duration
	// wait polls cond until it holds, within rounds schedule rounds plus slack.
	wait func(what string, rounds int, cond func() bool)
	// turns waits until n more of our producer's turns have ended.
	turns func(n int)
	// restart starts node's agent again, with the scenario's configuration.
	restart func(node string, role keeper.Role) *agent
}

// forEachLock runs scenario on the in-memory lock and on Consul. mod adjusts every agent's
// configuration; a hand-off's successors are handoffStaggerBlocks block intervals apart.
func forEachLock(t *testing.T, scenario func(t *testing.T, hc *handoffCluster), mod ...func(*keeper.Config)) {
	t.Run("memory", func(t *testing.T) {
		mods := append([]func(*keeper.Config){handoffStagger(testBlockInterval)}, mod...)
		c := steadyClusterOf(t, keepertest.NewLock(), handoffProducers, func(*cluster) {}, mods...)
		scenario(t, &handoffCluster{cluster: c, interval: testBlockInterval, wait: c.waitFor, turns: c.waitTurns,
			restart: func(node string, role keeper.Role) *agent { return c.startAgent(node, role, mods...) }})
	})
	t.Run("consul", func(t *testing.T) {
		cc := steadyConsulClusterOf(t, handoffConsulProducers, consulBlockInterval, nil, func(cc *consulCluster) {
			cc.mod = append(cc.mod, handoffStagger(consulBlockInterval))
			cc.mod = append(cc.mod, mod...)
		})
		scenario(t, &handoffCluster{cluster: cc.cluster, interval: consulBlockInterval, wait: cc.waitUntil, turns: cc.turns,
			restart: func(node string, role keeper.Role) *agent { return cc.startConsulAgent(node, role) }})
	})
}

func handoffStagger(interval time.Duration) func(*keeper.Config) {
	return func(cfg *keeper.Config) { cfg.HandoffStagger = handoffStaggerBlocks * interval }
}

// missedSlots counts the slots of our turns after slot from, up to the last turn that has
// ended, that hold no block of ours.
func (c *cluster) missedSlots(from nodeos.Slot) int {
	ours := map[nodeos.Slot]bool{}
	for _, b := range c.net.OurBlocks() {
		ours[b.Slot] = true
	}
	sched, now := c.net.Schedule(), c.net.Slot()
	n := 0
	t, ok := sched.CurrentTurn(c.net.Ours(), from)
	if !ok {
		t, ok = sched.NextTurn(c.net.Ours(), from)
	}
	for ; ok && t.End <= now+1; t, ok = sched.NextTurn(c.net.Ours(), t.End-1) {
		for s := max(t.First, from+1); s < t.End; s++ {
			if !ours[s] {
				n++
			}
		}
	}
	return n
}

// takeover returns node's newest takeover, failing the test when it has none.
func (hc *handoffCluster) takeover(t *testing.T, node string) keeper.Takeover {
	t.Helper()
	st := hc.agents[node].k.Status()
	if st.LastTakeover == nil {
		t.Fatalf("%s reports no takeover\n%s", node, hc.describe())
	}
	return *st.LastTakeover
}

// assertHandoffTakeover checks that node took the lock from from by hand-off, for a reason
// containing reason.
func (hc *handoffCluster) assertHandoffTakeover(t *testing.T, node, from, reason string) keeper.Takeover {
	t.Helper()
	tk := hc.takeover(t, node)
	if tk.Path != keeper.PathHandoff || tk.From != from || !strings.Contains(tk.Reason, reason) {
		t.Fatalf("%s's takeover = %+v, want path %q from %s for a reason containing %q\n%s",
			node, tk, keeper.PathHandoff, from, reason, hc.describe())
	}
	return tk
}

// afterOurTurn waits until our producer's next turn has ended and returns the slot reached.
func (hc *handoffCluster) afterOurTurn() nodeos.Slot {
	hc.turns(1)
	return hc.net.Slot()
}

// insideOurTurn waits until slot into our producer's next turn (0 is its first slot) and
// returns that turn.
func (hc *handoffCluster) insideOurTurn(t *testing.T, slot int) nodeos.Turn {
	t.Helper()
	turn, ok := hc.net.Schedule().NextTurn(hc.net.Ours(), hc.net.Slot())
	if !ok {
		t.Fatal("our producer has no turn in the schedule")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hc.net.WaitFor(ctx, func() bool { return hc.net.Slot() >= turn.First+nodeos.Slot(slot) }); err != nil {
		t.Fatalf("waiting for slot %d of our turn %s: %v", slot, turn, err)
	}
	return turn
}

// A's nodeos crashes right after our turn: A resigns with its nodeos refusing connections and
// names B, which takes over before our next turn.
func TestHandoffScenarioCrashBetweenTurns(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		killed := hc.afterOurTurn()
		hc.net.Node("a").Kill()
		hc.wait("B leading", 4, func() bool { return hc.agents["b"].k.Status().State == keeper.Leader })
		hc.turns(2)
		missed := hc.missedSlots(killed)
		if missed != 0 {
			t.Fatalf("missed %d blocks after A's nodeos crashed between turns, want 0\n%s", missed, hc.describe())
		}
		if got := hc.locks.acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("acquisitions = %v, want [a b]", got)
		}
		tk := hc.assertHandoffTakeover(t, "b", "a", "nodeos unhealthy")
		hc.assertNoDoubleProduction()
		t.Logf("A's nodeos crashed between turns: missed %d blocks, B took over by %s (%s)", missed, tk.Path, tk.Why)
	})
}

// A's nodeos crashes a few blocks into our turn: no more than the rest of that turn is lost.
func TestHandoffScenarioCrashInsideTurn(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		turn := hc.insideOurTurn(t, 4)
		killed := hc.net.Slot()
		hc.net.Node("a").Kill()
		hc.wait("B leading", 4, func() bool { return hc.agents["b"].k.Status().State == keeper.Leader })
		hc.turns(2)
		rest := int(turn.End - 1 - killed)
		missed := hc.missedSlots(killed)
		if missed > rest {
			t.Fatalf("missed %d blocks after A's nodeos crashed in slot %d of our turn %s, want at most the %d left in it\n%s",
				missed, killed, turn, rest, hc.describe())
		}
		if got := hc.locks.acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("acquisitions = %v, want [a b]", got)
		}
		tk := hc.assertHandoffTakeover(t, "b", "a", "nodeos unhealthy")
		hc.assertNoDoubleProduction()
		t.Logf("A's nodeos crashed in our turn with %d blocks left: missed %d blocks, B took over by %s (%s)", rest, missed, tk.Path, tk.Why)
	})
}

// standbysSeenOurTurn waits until the named standbys' statuses show our newest block, so a
// holder resigning now finds their heads at its watermark.
func (hc *handoffCluster) standbysSeenOurTurn(nodes ...string) {
	ours := hc.net.OurBlocks()
	if len(ours) == 0 {
		hc.t.Fatal("our producer has produced nothing yet")
	}
	newest := ours[len(ours)-1].Num
	hc.wait(fmt.Sprintf("%v seeing our block %d", nodes, newest), 1, func() bool {
		for _, n := range nodes {
			if hc.agents[n].k.Status().LastOurBlock.Num < newest {
				return false
			}
		}
		return true
	})
}

// successorNames returns the nodes a hand-off names, in order.
func successorNames(h keeper.Handoff) []string {
	var out []string
	for _, s := range h.Successors {
		out = append(out, s.Node)
	}
	return out
}

// onlyHandoff returns the one hand-off node released, failing the test otherwise.
func (hc *handoffCluster) onlyHandoff(t *testing.T, node string) (keeper.Handoff, time.Time) {
	t.Helper()
	var hs []release
	for _, r := range hc.locks.releases(node) {
		if r.handoff != nil && r.err == nil {
			hs = append(hs, r)
		}
	}
	if len(hs) != 1 {
		t.Fatalf("%s released %d hand-offs, want 1\n%s", node, len(hs), hc.describe())
	}
	return *hs[0].handoff, hs[0].at
}

// assertSecondSuccessorTookOver checks that A handed off to B then C, and that C acquired no
// sooner than its head start after A's release.
func (hc *handoffCluster) assertSecondSuccessorTookOver(t *testing.T) time.Duration {
	t.Helper()
	h, released := hc.onlyHandoff(t, "a")
	if got := successorNames(h); !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("A's hand-off names %v, want [b c]", got)
	}
	stagger := handoffStaggerBlocks * hc.interval
	after := hc.locks.acquiredAt("c").Sub(released)
	if after < stagger {
		t.Fatalf("C acquired %s after A's release, before its head start of %s", after, stagger)
	}
	if got := hc.locks.acquisitions(); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("acquisitions = %v, want [a c]", got)
	}
	hc.assertHandoffTakeover(t, "c", "a", "nodeos unhealthy")
	return after
}

// B's agent and nodeos are dead, but the status B last published still lists it as a fit
// standby: A's nodeos crashes after our turn, A names B then C, and C takes over once B's head
// start has passed, within one turn.
func TestHandoffScenarioFirstSuccessorDead(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		hc.afterOurTurn()
		hc.standbysSeenOurTurn("b", "c")
		hc.agents["b"].crash()
		hc.net.Node("b").Kill()
		killed := hc.net.Slot()
		hc.net.Node("a").Kill()
		hc.wait("C leading", 4, func() bool { return hc.agents["c"].k.Status().State == keeper.Leader })
		hc.turns(2)
		after := hc.assertSecondSuccessorTookOver(t)
		missed := hc.missedSlots(killed)
		if missed > nodeos.ProducerRepetitions {
			t.Fatalf("missed %d blocks after A's and B's crashes, want at most one turn (%d)\n%s", missed, nodeos.ProducerRepetitions, hc.describe())
		}
		hc.assertNoDoubleProduction()
		t.Logf("A and B dead: C took over by hand-off %s after A's release, missed %d blocks", after.Round(time.Millisecond), missed)
	})
}

// B's agent dies while A is resigning, after A read B's status and before the hand-off naming
// it reaches the lock: C, named next, takes over once B's head start has passed.
func TestHandoffScenarioSuccessorDiesAsHolderResigns(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		b := hc.agents["b"]
		hc.locks.onRelease(func(node string, h *keeper.Handoff) {
			if node == "a" && h != nil {
				b.crash()
			}
		})
		hc.afterOurTurn()
		killed := hc.net.Slot()
		hc.net.Node("a").Kill()
		hc.wait("C leading", 4, func() bool { return hc.agents["c"].k.Status().State == keeper.Leader })
		hc.turns(2)
		after := hc.assertSecondSuccessorTookOver(t)
		if p := hc.producingNodes(); !slices.Equal(p, []string{"c"}) {
			t.Fatalf("unpaused nodes = %v, want [c]", p)
		}
		missed := hc.missedSlots(killed)
		if missed > nodeos.ProducerRepetitions {
			t.Fatalf("missed %d blocks, want at most one turn (%d)\n%s", missed, nodeos.ProducerRepetitions, hc.describe())
		}
		hc.assertNoDoubleProduction()
		t.Logf("B died as A resigned: C took over by hand-off %s after A's release, missed %d blocks", after.Round(time.Millisecond), missed)
	})
}

// The successors named are gone when A resigns; B comes back once the chain has run past the
// record's MaxHandoffAge: it ignores the stale hand-off and takes over by the evidence rule.
func TestHandoffScenarioStaleHandoffIgnored(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		hc.afterOurTurn()
		hc.standbysSeenOurTurn("b", "c")
		hc.agents["b"].crash()
		hc.agents["c"].crash()
		killed := hc.net.Slot()
		hc.net.Node("a").Kill()
		hc.wait("A handing off", 4, func() bool { return len(hc.locks.releases("a")) > 0 })
		h, _ := hc.onlyHandoff(t, "a")
		if got := successorNames(h); !slices.Equal(got, []string{"b", "c"}) {
			t.Fatalf("A's hand-off names %v, want [b c]", got)
		}
		cfg := keeper.DefaultConfig().WithBlockInterval(hc.interval)
		stale := h.Head + uint32(cfg.MaxHandoffAge/hc.interval) + 1
		hc.wait(fmt.Sprintf("head past block %d, MaxHandoffAge past A's", stale), 4, func() bool { return hc.net.Head().Num > stale })
		b := hc.restart("b", keeper.RoleB)
		hc.wait("B leading", 8, func() bool { return b.k.Status().State == keeper.Leader })
		hc.turns(1)
		tk := hc.takeover(t, "b")
		if tk.Path != keeper.PathEvidence {
			t.Fatalf("B took over by %q (%s), want %q: the hand-off was stale\n%s", tk.Path, tk.Why, keeper.PathEvidence, hc.describe())
		}
		if got := hc.locks.acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("acquisitions = %v, want [a b]", got)
		}
		missed := hc.missedSlots(killed)
		hc.assertNoDoubleProduction()
		t.Logf("stale hand-off: B came back after MaxHandoffAge and took over by %s (%s), missed %d blocks", tk.Path, tk.Why, missed)
	})
}

// A's nodeos API hangs while it keeps producing, and there is no fence command: A cannot make
// sure of its stop, so it keeps the lock in fencing and hands nothing on; our blocks go on.
// Once the API answers again (right after our turn), A pauses it and hands production to B.
func TestHandoffScenarioHungNodeosHandsNothingOn(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		a := hc.net.Node("a")
		hc.afterOurTurn()
		from := hc.net.Slot()
		a.Hang()
		t.Cleanup(a.Unhang)
		hc.wait("A fencing", 6, func() bool { return hc.agents["a"].k.Status().State == keeper.Fencing })
		hc.turns(2)
		if st := hc.agents["a"].k.Status(); st.State != keeper.Fencing {
			t.Fatalf("A is %s (%s) while its nodeos API hangs, want fencing", st.State, st.StateReason)
		}
		if r := hc.locks.releases("a"); len(r) != 0 {
			t.Fatalf("A released the lock %d times (first hand-off %+v) while its nodeos could not be confirmed stopped", len(r), r[0].handoff)
		}
		if got := hc.locks.acquisitions(); !slices.Equal(got, []string{"a"}) {
			t.Fatalf("acquisitions = %v, want [a]", got)
		}
		for _, n := range []string{"b", "c"} {
			if tk := hc.agents[n].k.Status().LastTakeover; tk != nil {
				t.Fatalf("%s took over (%+v) while A's nodeos still produced", n, *tk)
			}
		}
		if !hc.agents["a"].alerts.fired(keeper.AlertFenceFailed) {
			t.Fatal("A raised no fence_failed alert")
		}
		if missed := hc.missedSlots(from); missed != 0 {
			t.Fatalf("missed %d blocks while A's nodeos produced with its API hung, want 0\n%s", missed, hc.describe())
		}
		hc.assertNoDoubleProduction()

		hc.afterOurTurn()
		back := hc.net.Slot()
		a.Unhang()
		hc.wait("B leading", 4, func() bool { return hc.agents["b"].k.Status().State == keeper.Leader })
		hc.turns(2)
		tk := hc.assertHandoffTakeover(t, "b", "a", "nodeos unhealthy")
		if got := hc.locks.acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("acquisitions = %v, want [a b]", got)
		}
		missed := hc.missedSlots(back)
		if missed != 0 {
			t.Fatalf("missed %d blocks after A's nodeos answered again between turns, want 0\n%s", missed, hc.describe())
		}
		hc.assertNoDoubleProduction()
		t.Logf("hung API: A kept the lock in fencing, missed 0 blocks; once it answered A handed off to B (%s), missed %d blocks", tk.Why, missed)
	})
}

// A's nodeos loses its peers a few blocks into our turn: A resigns at once with its nodeos
// confirmed paused. B must not resume inside that turn: a block A's nodeos was signing as it
// paused could still reach the chain beside B's, so B waits for the turn to end, and no more
// than the rest of it is lost.
func TestHandoffScenarioResignInsideTurn(t *testing.T) {
	forEachLock(t, func(t *testing.T, hc *handoffCluster) {
		turn := hc.insideOurTurn(t, 1)
		from := hc.net.Slot()
		hc.net.Node("a").SetPeers(0)
		hc.wait("B leading", 4, func() bool { return hc.agents["b"].k.Status().State == keeper.Leader })
		hc.turns(2)
		tk := hc.assertHandoffTakeover(t, "b", "a", "p2p peers")
		hc.assertNoDoubleProduction()
		rest := int(turn.End - 1 - from)
		missed := hc.missedSlots(from)
		if missed > rest {
			t.Fatalf("missed %d blocks after A resigned in slot %d of our turn %s, want at most the %d left in it\n%s",
				missed, from, turn, rest, hc.describe())
		}
		t.Logf("A resigned in our turn with %d blocks left: missed %d blocks, B took over by %s (%s)", rest, missed, tk.Path, tk.Why)
	})
}
