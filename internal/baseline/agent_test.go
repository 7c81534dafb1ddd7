package baseline

import (
	"context"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// TestStandbyResumesAfterAbsentSpan kills the primary's nodeos: B resumes once our producer
// has been absent from its head for the threshold, not before, and then produces.
func TestStandbyResumesAfterAbsentSpan(t *testing.T) {
	n := newNet(t, false)
	startPrimary(t, n)
	ours, nodeA, nodeB := n.Ours(), n.Node("A"), n.Node("B")
	agentA, _ := startAgent(t, n, "A", RoleA, 0)
	produced := nodeA.Produced()
	agentB, _ := startAgent(t, n, "B", RoleB, testAbsent)

	if !nodeB.Paused() {
		t.Fatal("B's nodeos is not paused after the agent started")
	}
	waitFor(t, n, 3*time.Second, "A to produce beside its agent", func() bool { return nodeA.Produced() > produced })
	// Kill A early in one of our turns, once B has sampled our block: B's streak cannot have
	// started before the kill, since our producer stays on the head until the turn ends.
	sched := n.Schedule()
	waitFor(t, n, 5*time.Second, "B to see our block early in a turn", func() bool {
		h := n.Head()
		return h.Producer == ours && h.Slot-sched.TurnAt(h.Slot).First <= 3 &&
			agentB.Status().HeadProducer == ours && nodeA.Produced() > 0
	})
	killAt := time.Now()
	nodeA.Kill()

	waitFor(t, n, testAbsent+3*time.Second, "B to resume", func() bool { return agentB.Status().Resumed() })
	s := agentB.Status()
	if got := s.ResumedAt.Sub(killAt); got < testAbsent {
		t.Fatalf("B resumed %s after A's nodeos was killed, want at least the threshold %s", got, testAbsent)
	}
	if s.AbsentSince.Before(killAt) {
		t.Fatalf("B's absent streak started at %s, before A was killed at %s", s.AbsentSince, killAt)
	}
	waitFor(t, n, 3*time.Second, "B to produce", func() bool { return nodeB.Produced() > 0 })
	if err := nodeostest.CheckNoDoubleProduction(n.Ledger()); err != nil {
		t.Fatal(err)
	}
	if len(n.Missed()) == 0 {
		t.Fatal("no missed turn recorded while the primary was dead and B waited")
	}
	if sa := agentA.Status(); sa.Resumed() || sa.Failed == 0 {
		t.Fatalf("primary agent: %+v, want no resume and failed samples after its nodeos died", sa)
	}
	t.Logf("B resumed %s after the kill (threshold %s); missed turns %d; B sampled %d times",
		s.ResumedAt.Sub(killAt), testAbsent, len(n.Missed()), s.Samples)
}

// TestPartitionedPrimaryDoubleProduces reproduces the old rule's known flaw: a primary cut off
// from the chain network keeps producing in its own partition, B resumes after the threshold,
// both sign our turns, and neither pauses once the network heals.
func TestPartitionedPrimaryDoubleProduces(t *testing.T) {
	n := newNet(t, false)
	startPrimary(t, n)
	ours, nodeA, nodeB := n.Ours(), n.Node("A"), n.Node("B")
	startAgent(t, n, "A", RoleA, 0)
	agentB, _ := startAgent(t, n, "B", RoleB, testAbsent)
	waitFor(t, n, 5*time.Second, "B to see our block", func() bool {
		return agentB.Status().HeadProducer == ours && nodeA.Produced() > 0
	})

	n.Partition([]*nodeostest.Node{nodeA})
	waitFor(t, n, testAbsent+3*time.Second, "B to resume", func() bool { return agentB.Status().Resumed() })
	waitFor(t, n, 5*time.Second, "a turn signed by both A and B", func() bool { return len(n.DoubleProduced()) > 0 })
	if err := nodeostest.CheckNoDoubleProduction(n.Ledger()); err == nil {
		t.Fatal("CheckNoDoubleProduction found nothing, want double production")
	}
	if nodeA.Paused() || nodeB.Paused() {
		t.Fatalf("paused: A %v, B %v; the old rule pauses neither", nodeA.Paused(), nodeB.Paused())
	}

	n.Heal()
	before := len(n.DoubleProduced())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.WaitTurns(ctx, 2); err != nil {
		t.Fatal(err)
	}
	after := len(n.DoubleProduced())
	if after <= before || nodeB.Paused() || nodeA.Paused() {
		t.Fatalf("after heal: double-produced turns %d -> %d, A paused %v, B paused %v; want both still producing",
			before, after, nodeA.Paused(), nodeB.Paused())
	}
	t.Logf("double-produced turns: %d during the partition, %d in total two turns after heal", before, after)
}

// TestPresentSampleResetsStreak moves a hand-driven chain: two absent spans, each shorter than
// the threshold but longer together, separated by one of our blocks, must not resume B; the
// second span alone must, a full threshold after it began.
func TestPresentSampleResetsStreak(t *testing.T) {
	n := newNet(t, true)
	startPrimary(t, n)
	ours, nodeB := n.Ours(), n.Node("B")
	agentB, _ := startAgent(t, n, "B", RoleB, testAbsent)
	toOurs := n.Schedule().RoundBlocks() - 12 // from the other producer's first slot to our next turn

	n.Advance(1) // our first slot: A signs
	waitFor(t, n, 2*time.Second, "B to sample our block", func() bool { return agentB.Status().HeadProducer == ours })
	n.Advance(12) // the other producer's turn
	waitFor(t, n, 2*time.Second, "an absent streak", func() bool { return !agentB.Status().AbsentSince.IsZero() })
	staysPaused(t, agentB, nodeB, testAbsent*7/10)

	resets := agentB.Status().Resets
	n.Advance(toOurs) // our next turn: A signs again
	waitFor(t, n, 2*time.Second, "the streak to reset", func() bool {
		s := agentB.Status()
		return s.Resets == resets+1 && s.AbsentSince.IsZero() && s.HeadProducer == ours
	})
	second := time.Now() // before the move, so B's streak cannot start earlier
	n.Advance(12)
	staysPaused(t, agentB, nodeB, testAbsent*7/10)

	waitFor(t, n, testAbsent+3*time.Second, "B to resume", func() bool { return agentB.Status().Resumed() })
	if got := agentB.Status().ResumedAt.Sub(second); got < testAbsent {
		t.Fatalf("B resumed %s into the second absent span, want at least %s", got, testAbsent)
	}
	if nodeB.Paused() {
		t.Fatal("agent reports resumed but B's nodeos is paused")
	}
}

// TestFailedSampleCountsAsNeither checks that a failing nodeos neither counts as our producer's
// absence nor ends an absent streak, and that each run of failures is logged once.
func TestFailedSampleCountsAsNeither(t *testing.T) {
	t.Run("unreachable is not absence", func(t *testing.T) {
		n := newNet(t, true)
		startPrimary(t, n)
		ours, nodeB := n.Ours(), n.Node("B")
		agentB, logs := startAgent(t, n, "B", RoleB, testAbsent)
		n.Advance(1)
		waitFor(t, n, 2*time.Second, "B to sample our block", func() bool { return agentB.Status().HeadProducer == ours })

		nodeB.Kill()
		failed := agentB.Status().Failed
		waitFor(t, n, 2*time.Second, "failed samples", func() bool { return agentB.Status().Failed >= failed+3 })
		n.Advance(12) // our producer leaves the head while B cannot see it
		staysPaused(t, agentB, nodeB, testAbsent*3/2)
		if s := agentB.Status(); !s.AbsentSince.IsZero() {
			t.Fatalf("absent streak started while nodeos was unreachable: %+v", s)
		}

		restart := time.Now()
		if err := nodeB.Restart(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, n, testAbsent+3*time.Second, "B to resume", func() bool { return agentB.Status().Resumed() })
		if got := agentB.Status().ResumedAt.Sub(restart); got < testAbsent {
			t.Fatalf("B resumed %s after its nodeos came back, want at least %s: the outage counted as absence", got, testAbsent)
		}
		if got := logs.count("get_info failed"); got != 1 {
			t.Fatalf("logged the failure %d times for one run of failures, want 1", got)
		}
	})

	t.Run("a failure does not end a streak", func(t *testing.T) {
		n := newNet(t, true)
		startPrimary(t, n)
		ours, nodeB := n.Ours(), n.Node("B")
		agentB, logs := startAgent(t, n, "B", RoleB, testAbsent)
		n.Advance(1)
		waitFor(t, n, 2*time.Second, "B to sample our block", func() bool { return agentB.Status().HeadProducer == ours })
		n.Advance(12)
		waitFor(t, n, 2*time.Second, "an absent streak", func() bool { return !agentB.Status().AbsentSince.IsZero() })
		since := agentB.Status().AbsentSince

		nodeB.Fail500(true)
		failed := agentB.Status().Failed
		waitFor(t, n, 2*time.Second, "failed samples", func() bool { return agentB.Status().Failed >= failed+3 })
		nodeB.Fail500(false)
		samples := agentB.Status().Samples
		waitFor(t, n, 2*time.Second, "a sample after the failures", func() bool { return agentB.Status().Samples > samples })
		if s := agentB.Status(); !s.AbsentSince.Equal(since) && !s.Resumed() {
			t.Fatalf("absent streak restarted at %s after failures, want it kept from %s", s.AbsentSince, since)
		}
		waitFor(t, n, testAbsent+3*time.Second, "B to resume", func() bool { return agentB.Status().Resumed() })
		if got := agentB.Status().ResumedAt.Sub(since); got < testAbsent {
			t.Fatalf("B resumed %s into the absent streak, want at least %s", got, testAbsent)
		}
		if a, b := logs.count("get_info failed"), logs.count("nodeos answers again"); a != 1 || b != 1 {
			t.Fatalf("logged %d failure and %d recovery lines for one run of failures, want 1 and 1", a, b)
		}
	})
}

// TestPrimaryTakesNoAction runs role A next to a paused nodeos with our producer absent for
// well over any threshold: it neither pauses nor resumes.
func TestPrimaryTakesNoAction(t *testing.T) {
	n := newNet(t, true)
	nodeA := n.Node("A")
	agentA, _ := startAgent(t, n, "A", RoleA, time.Millisecond)
	n.Advance(12 + 1) // past our turn (A is paused) into the other producer's
	samples := agentA.Status().Samples
	staysPaused(t, agentA, nodeA, 300*time.Millisecond)
	s := agentA.Status()
	if s.Samples < samples+5 || s.AbsentSince.IsZero() {
		t.Fatalf("primary agent status %+v: want it sampling and seeing our producer absent", s)
	}
	if agentA.Config().Absent != 0 {
		t.Fatalf("role A kept an absent threshold of %s", agentA.Config().Absent)
	}
}
