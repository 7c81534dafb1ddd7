package nodeos_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// TestFollowerOnFakeNode follows the log of a simulated producing node through every kind of
// rotation the fake performs, in each log format it writes, and checks that the Follower
// reports every block of the ledger exactly once, in order, as Produced when the node signed
// it and Received otherwise.
func TestFollowerOnFakeNode(t *testing.T) {
	for _, format := range nodeostest.LogFormats() {
		t.Run(format.String(), func(t *testing.T) {
			n := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 3, OurIndex: 1, ManualClock: true, LogFormat: format})
			t.Cleanup(n.Close)
			a := n.AddNode(nodeostest.NodeConfig{Name: "A", ProducerNode: true})
			n.Start()

			f, err := nodeos.NewFollower(nodeos.FollowerConfig{Path: a.LogPath, Start: nodeos.AtOffset(0), PollInterval: 2 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			done := make(chan error, 1)
			go func() { done <- f.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })

			c, err := nodeos.NewClient(nodeos.Config{URL: a.URL})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Resume(ctx); err != nil {
				t.Fatal(err)
			}
			seen := 0 // ledger blocks checked so far
			resumed := false
			// expectLedger reads events until every ledger block so far has been reported.
			expectLedger := func(step string) {
				t.Helper()
				ledger := n.Ledger()
				for seen < len(ledger) {
					var ev nodeos.Event
					select {
					case ev = <-f.Events():
					case <-ctx.Done():
						t.Fatalf("%s: timed out with %d of %d ledger blocks reported", step, seen, len(ledger))
					}
					switch ev.Kind {
					case nodeos.EventProducerResumed:
						resumed = true
						continue
					case nodeos.EventProduced, nodeos.EventReceived:
					default:
						continue
					}
					for seen < len(ledger) && ledger[seen].Num < ev.BlockNum && seen == 0 {
						seen++ // blocks from before the node's log began
					}
					blk := ledger[seen]
					wantKind := nodeos.EventReceived
					if blk.Node == a.Name {
						wantKind = nodeos.EventProduced
					}
					if ev.Kind != wantKind || ev.BlockNum != blk.Num || ev.Producer != blk.Producer ||
						!ev.IDMatches(blk.ID) || ev.BlockSlot != blk.Slot {
						t.Fatalf("%s: event %s #%d %s by %s (slot %d); ledger block %d is %s #%d %s by %s (slot %d), node %q",
							step, ev.Kind, ev.BlockNum, ev.BlockID, ev.Producer, ev.BlockSlot, seen,
							wantKind, blk.Num, blk.ID, blk.Producer, blk.Slot, blk.Node)
					}
					seen++
				}
			}

			produced := func() int {
				k := 0
				for _, b := range n.Ledger() {
					if b.Node == a.Name {
						k++
					}
				}
				return k
			}
			n.Advance(12)
			expectLedger("before rotation")
			for _, mode := range []nodeostest.RotateMode{nodeostest.RotateRename, nodeostest.RotateCopyTruncate, nodeostest.RotateRemove} {
				if _, err := a.RotateLog(mode); err != nil {
					t.Fatal(err)
				}
				n.Advance(18)
				expectLedger(fmt.Sprintf("after rotation mode %d", mode))
			}
			if !resumed || produced() == 0 || f.ParseErrors() != 0 {
				t.Errorf("resumed event %v, blocks produced by A %d, parse errors %d; want true, > 0, 0",
					resumed, produced(), f.ParseErrors())
			}
		})
	}
}
