package nodeostest

import (
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

func TestOneProducerNoFaults(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 3},
		NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "B", ProducerNode: true}, NodeConfig{Name: "F"})
	a, b, f := nodes[0], nodes[1], nodes[2]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(2 * 36)

	if got := a.Produced(); got != 24 {
		t.Fatalf("A produced %d blocks, want 24", got)
	}
	if b.Produced() != 0 {
		t.Fatalf("paused B produced %d blocks", b.Produced())
	}
	ledger := n.Ledger()
	if len(ledger) != 72 {
		t.Fatalf("ledger has %d blocks, want 72", len(ledger))
	}
	for i, blk := range ledger {
		if blk.Num != DefaultFirstBlock+uint32(i)+1 || blk.Slot != n.FirstSlot()+nodeos.Slot(i) {
			t.Fatalf("ledger[%d] = %+v: numbers or slots not consecutive", i, blk)
		}
		wantNode := ""
		if blk.Producer == DefaultOurs {
			wantNode = "A"
		}
		if blk.Node != wantNode || blk.Producer != n.Schedule().ProducerAt(blk.Slot) {
			t.Fatalf("ledger[%d] = %+v, want producer %s node %q", i, blk, n.Schedule().ProducerAt(blk.Slot), wantNode)
		}
	}
	if len(n.OurBlocks()) != 24 || len(n.Missed()) != 0 || len(n.DoubleProduced()) != 0 {
		t.Fatalf("ours %d, missed %v, double %v", len(n.OurBlocks()), n.Missed(), n.DoubleProduced())
	}
	if err := CheckNoDoubleProduction(ledger); err != nil {
		t.Fatal(err)
	}
	if got := len(grep(readLog(t, a.LogPath), "] Produced block ")); got != 24 {
		t.Errorf("A logged %d Produced lines, want 24", got)
	}
	if got := len(grep(readLog(t, f.LogPath), "] Received block ")); got != 72 {
		t.Errorf("F logged %d Received lines, want 72", got)
	}
	// B is paused: one warn line per slot of our two turns.
	if got := len(grep(readLog(t, b.LogPath), "Not producing block because production is explicitly paused, block ")); got != 24 {
		t.Errorf("B logged %d explicitly-paused lines, want 24", got)
	}
	if a.Head() != f.Head() || a.LIB() != a.Head().Num-2 {
		t.Errorf("A head %+v lib %d, F head %+v", a.Head(), a.LIB(), f.Head())
	}
}

func TestDoubleProductionCountedExactly(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 3, OurIndex: 1},
		NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "B", ProducerNode: true}, NodeConfig{Name: "F"})
	a, b, f := nodes[0], nodes[1], nodes[2]
	post(t, a.URL+"/v1/producer/resume", "")
	post(t, b.URL+"/v1/producer/resume", "")
	n.Advance(24) // the virtual turn, then our turn with both producing
	post(t, b.URL+"/v1/producer/pause", "")
	n.Advance(36 + 12) // a full round more: A alone

	double := n.DoubleProduced()
	if len(double) != 1 {
		t.Fatalf("DoubleProduced = %v, want exactly 1 turn", double)
	}
	first := n.FirstSlot() + 12
	if want := (nodeos.Turn{Producer: DefaultOurs, First: first, End: first + 12}); double[0] != want {
		t.Fatalf("double-produced turn %v, want %v", double[0], want)
	}
	if a.Produced() != 24 || b.Produced() != 12 || len(n.OurBlocks()) != 36 {
		t.Fatalf("A %d, B %d, ours %d blocks; want 24, 12, 36", a.Produced(), b.Produced(), len(n.OurBlocks()))
	}
	err := CheckNoDoubleProduction(n.Ledger())
	if err == nil {
		t.Fatal("CheckNoDoubleProduction found nothing")
	}
	if msg := err.Error(); strings.Count(msg, "\n\t") != 1 || !strings.Contains(msg, "turn "+double[0].String()) ||
		!strings.Contains(msg, "A signed 12 block(s)") || !strings.Contains(msg, "B signed 12 block(s)") || !strings.Contains(msg, "slots signed twice") {
		t.Fatalf("error does not list the violation: %v", err)
	}
	// Every slot of that turn: the node whose block lost, and F, switch forks and warn.
	losers := len(grep(readLog(t, a.LogPath), "double produced block")) + len(grep(readLog(t, b.LogPath), "double produced block"))
	if losers != 12 {
		t.Errorf("A and B logged %d double-produced lines, want 12", losers)
	}
	fl := readLog(t, f.LogPath)
	if got := len(grep(fl, "] "+DefaultOurs+" double produced block ")); got != 12 {
		t.Errorf("F logged %d double-produced lines, want 12", got)
	}
	if got := len(grep(fl, "] switching forks from ")); got != 12 {
		t.Errorf("F logged %d fork switches, want 12", got)
	}
	if a.Head() != f.Head() || b.Head() != f.Head() {
		t.Errorf("nodes disagree on head: A %v B %v F %v", a.Head().ID, b.Head().ID, f.Head().ID)
	}
}

func TestMissedTurnsCountedExactly(t *testing.T) {
	for _, k := range []int{1, 3} {
		n, nodes := manualNet(t, Config{Producers: 4, OurIndex: 2},
			NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "B", ProducerNode: true})
		n.Advance(k * 48)
		missed := n.Missed()
		if len(missed) != k {
			t.Fatalf("k=%d: Missed = %v, want %d turns", k, missed, k)
		}
		for i, m := range missed {
			first := n.FirstSlot() + 24 + nodeos.Slot(i*48)
			if m != (nodeos.Turn{Producer: DefaultOurs, First: first, End: first + 12}) {
				t.Fatalf("k=%d: missed[%d] = %v", k, i, m)
			}
		}
		// A turn under way is not missed yet; resuming in it ends the streak.
		n.Advance(24 + 6)
		if len(n.Missed()) != k {
			t.Fatalf("k=%d: turn under way counted: %v", k, n.Missed())
		}
		post(t, nodes[0].URL+"/v1/producer/resume", "")
		n.Advance(6)
		if len(n.Missed()) != k || nodes[0].Produced() != 6 || len(n.DoubleProduced()) != 0 {
			t.Fatalf("k=%d: missed %v, A produced %d", k, n.Missed(), nodes[0].Produced())
		}
	}
}

func TestRealClock(t *testing.T) {
	n := NewUnstartedNetwork(Config{Producers: 2, BlockInterval: 5 * time.Millisecond})
	t.Cleanup(n.Close)
	a := n.AddNode(NodeConfig{Name: "A", ProducerNode: true})
	n.Start()
	ctx := testCtx(t)
	wallStart, chainStart := time.Now(), n.Now()
	if err := n.WaitTurns(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := len(n.Missed()); got != 2 {
		t.Fatalf("after 2 turns with A paused: %d missed, want 2", got)
	}
	slots := int(n.Slot() - n.FirstSlot() + 1)
	if chainElapsed, wall := n.Now().Sub(chainStart), time.Since(wallStart); chainElapsed < 10*wall {
		t.Errorf("chain time advanced %v in %v of wall time, want >= 10x faster", chainElapsed, wall)
	}
	if slots < 36 {
		t.Fatalf("only %d slots passed in two turns", slots)
	}
	post(t, a.URL+"/v1/producer/resume", "")
	if err := n.WaitFor(ctx, func() bool { return a.Produced() >= 12 }); err != nil {
		t.Fatal(err)
	}
	if err := n.WaitSlots(ctx, 3); err != nil {
		t.Fatal(err)
	}
	n.Close()
	if err := n.WaitSlots(ctx, 1); err != ErrClosed {
		t.Fatalf("WaitSlots after Close = %v, want ErrClosed", err)
	}
}

func TestLegacyMode(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2, Mode: Legacy, LIBLag: 10}, NodeConfig{Name: "A", ProducerNode: true})
	a := nodes[0]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(30)
	if a.LIB() != a.Head().Num-10 {
		t.Fatalf("legacy LIB %d at head %d, want head-10", a.LIB(), a.Head().Num)
	}
	lines := grep(readLog(t, a.LogPath), "] Produced block ")
	if len(lines) != 18 || !strings.Contains(lines[0], ", confirmed: 0, net: 0, cpu: 100 us,") {
		t.Fatalf("legacy Produced lines: %q", lines)
	}
}

func TestAddNodeWhileRunning(t *testing.T) {
	n := NewNetwork(Config{Producers: 2, BlockInterval: 2 * time.Millisecond})
	t.Cleanup(n.Close)
	ctx := testCtx(t)
	if err := n.WaitSlots(ctx, 5); err != nil {
		t.Fatal(err)
	}
	late := n.AddNode(NodeConfig{Name: "late"})
	if err := n.WaitSlots(ctx, 30); err != nil {
		t.Fatal(err)
	}
	if err := n.WaitFor(ctx, func() bool { return late.Head().Num > n.Ledger()[4].Num }); err != nil {
		t.Fatal(err)
	}
	if len(grep(readLog(t, late.LogPath), "] Received block ")) == 0 {
		t.Fatal("late node received nothing")
	}
}
