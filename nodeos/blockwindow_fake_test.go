package nodeos_test

import (
	"context"
	"testing"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// TestBlockHeaderEveryRelease reads block headers and checks the block window on every release
// the simulated network imitates; EOSIO 2.0 serves no get_block_info, so its headers come from
// get_block.
func TestBlockHeaderEveryRelease(t *testing.T) {
	for _, format := range nodeostest.LogFormats() {
		t.Run(format.String(), func(t *testing.T) {
			n, _, c := fakeNet(t, format, nodeostest.NodeConfig{Name: "A"})
			ctx := context.Background()
			n.Advance(30)
			head := n.Head()
			for range 2 {
				h, err := c.GetBlockHeader(ctx, head.Num)
				if err != nil {
					t.Fatal(err)
				}
				if h.BlockNum != head.Num || h.ID != head.ID || h.Producer != head.Producer || h.Slot() != head.Slot ||
					h.Previous != head.Previous || h.RefBlockNum != uint16(head.Num) {
					t.Errorf("GetBlockHeader(%d) = %+v, head %+v", head.Num, h, head)
				}
			}
			if _, err := c.GetBlockHeader(ctx, head.Num+1000); !nodeos.IsUnknownBlock(err) {
				t.Errorf("GetBlockHeader of a future block = %v, want Unknown Block", err)
			}
			if err := c.CheckBlockWindow(ctx, 256); err != nil {
				t.Errorf("CheckBlockWindow(256) = %v", err)
			}
		})
	}
}
