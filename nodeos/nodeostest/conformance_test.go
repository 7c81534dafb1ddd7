package nodeostest_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// TestNodeosPackageReadsTheFake checks the fake against package nodeos's own client and log
// parser: every line the fake writes parses as the event it is, and every reply decodes.
func TestNodeosPackageReadsTheFake(t *testing.T) {
	for _, format := range nodeostest.LogFormats() {
		release := nodeosfmt.Versions[format]
		t.Run(format.String(), func(t *testing.T) {
			n := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 2, OurIndex: 1, ManualClock: true, LogFormat: format})
			t.Cleanup(n.Close)
			a := n.AddNode(nodeostest.NodeConfig{Name: "A", ProducerNode: true})
			b := n.AddNode(nodeostest.NodeConfig{Name: "B", ProducerNode: true})
			n.Start()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ca, err := nodeos.NewClient(nodeos.Config{URL: a.URL})
			if err != nil {
				t.Fatal(err)
			}
			cb, _ := nodeos.NewClient(nodeos.Config{URL: b.URL})
			if paused, err := ca.Paused(ctx); err != nil || !paused {
				t.Fatalf("Paused = %v, %v; want true", paused, err)
			}
			if err := ca.Resume(ctx); err != nil {
				t.Fatal(err)
			}
			if err := cb.Resume(ctx); err != nil {
				t.Fatal(err)
			}
			n.Advance(14)
			if err := cb.Pause(ctx); err != nil {
				t.Fatal(err)
			}
			n.Advance(22)

			info, err := ca.GetInfo(ctx)
			if err != nil || info.HeadBlockNum != a.Head().Num || info.LastIrreversibleBlockNum != a.LIB() || info.HeadBlockProducer != a.Head().Producer {
				t.Fatalf("GetInfo = %+v, %v; node head %+v lib %d", info, err, a.Head(), a.LIB())
			}
			sched, err := ca.GetProducerSchedule(ctx)
			if err != nil || sched.Active == nil || len(sched.Active.Producers) != 2 {
				t.Fatalf("GetProducerSchedule = %+v, %v", sched, err)
			}
			ours := n.OurBlocks()[0]
			if release.BlockInfoAPI {
				bi, err := ca.GetBlockInfo(ctx, ours.Num)
				if err != nil || bi.ID != a.Head().ID && bi.Producer != ours.Producer {
					t.Fatalf("GetBlockInfo = %+v, %v", bi, err)
				}
			}
			if blk, err := ca.GetBlock(ctx, ours.ID); err != nil || blk.Producer != ours.Producer {
				t.Fatalf("GetBlock = %+v, %v", blk, err)
			}
			if conns, err := ca.Connections(ctx); err != nil || len(conns) != nodeostest.DefaultPeers {
				t.Fatalf("Connections = %d, %v", len(conns), err)
			}
			if _, err := ca.SupportedAPIs(ctx); err != nil {
				t.Fatal(err)
			}
			if release.FinalizerInfoAPI {
				if _, err := ca.GetFinalizerInfo(ctx); err != nil {
					t.Fatal(err)
				}
			}

			ledger := map[string]nodeostest.Block{}
			for _, blk := range n.Ledger() {
				ledger[blk.ID[8:24]] = blk
			}
			kinds := map[nodeos.EventKind]int{}
			for _, nd := range []*nodeostest.Node{a, b} {
				f, err := os.Open(nd.LogPath)
				if err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(f)
				for sc.Scan() {
					line := sc.Text()
					ev, ok, err := nodeos.ParseLine([]byte(line))
					if err != nil || !ok {
						if strings.Contains(line, "Launching block production") {
							continue
						}
						t.Fatalf("%s: ParseLine(%q) = %v, %v", nd.Name, line, ok, err)
					}
					kinds[ev.Kind]++
					if ev.Kind == nodeos.EventProduced || ev.Kind == nodeos.EventReceived {
						blk, found := ledger[ev.BlockID]
						if !found || blk.Num != ev.BlockNum || blk.Producer != ev.Producer || !blk.Time().Equal(ev.BlockTime) {
							t.Fatalf("%s: event %+v does not match ledger block %+v", nd.Name, ev, blk)
						}
						if ev.Kind == nodeos.EventProduced && blk.Node != nd.Name {
							t.Fatalf("%s logged Produced for a block signed by %q", nd.Name, blk.Node)
						}
					}
				}
				f.Close()
			}
			want := map[nodeos.EventKind]int{
				nodeos.EventProduced: 12 + 2, nodeos.EventReceived: 2*24 + 2 + 10,
				nodeos.EventForkSwitch: 2, nodeos.EventProducerResumed: 2, nodeos.EventProducerPaused: 1,
				nodeos.EventNotProducing: 10,
			}
			if release.DoubleProduced.Logged() {
				want[nodeos.EventDoubleProduced] = 2
			}
			for k, v := range want {
				if kinds[k] != v {
					t.Errorf("%s events: %d, want %d (all: %v)", k, kinds[k], v, kinds)
				}
			}
		})
	}
}
