package nodeos_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// fakeNet starts a manual-clock simulated network of three producers with one producer node
// and returns the network, the node and a client for it.
func fakeNet(t *testing.T, format nodeostest.LogFormat, nc nodeostest.NodeConfig) (*nodeostest.Network, *nodeostest.Node, *nodeos.Client) {
	t.Helper()
	n := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 3, OurIndex: 1, LogFormat: format, ManualClock: true})
	t.Cleanup(n.Close)
	nc.ProducerNode = true
	node := n.AddNode(nc)
	n.Start()
	c, err := nodeos.NewClient(nodeos.Config{URL: node.URL, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return n, node, c
}

func TestClientAgainstFakeNodeos(t *testing.T) {
	for _, format := range nodeostest.LogFormats() {
		release := nodeosfmt.Versions[format]
		t.Run(format.String(), func(t *testing.T) {
			n, node, c := fakeNet(t, format, nodeostest.NodeConfig{Name: "A", Peers: 4})
			ctx := context.Background()
			n.Advance(30)
			head := n.Head()

			info, err := c.GetInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.HeadBlockNum != head.Num || info.HeadBlockID != head.ID || info.HeadSlot() != head.Slot ||
				info.HeadBlockProducer != head.Producer || info.ChainID != nodeostest.ChainID {
				t.Errorf("get_info head %d %s slot %d by %s; fake head %+v", info.HeadBlockNum, info.HeadBlockID,
					info.HeadSlot(), info.HeadBlockProducer, head)
			}
			if num, err := nodeos.BlockNumFromID(info.HeadBlockID); err != nil || num != info.HeadBlockNum {
				t.Errorf("head id does not encode the head number: %d, %v", num, err)
			}

			sched, err := c.GetProducerSchedule(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := sched.ActiveSchedule(); !reflect.DeepEqual(got.Producers, n.Schedule().Producers) {
				t.Errorf("active schedule %v, fake's %v", got.Producers, n.Schedule().Producers)
			}
			if got := sched.ActiveSchedule().ProducerAt(head.Slot); got != head.Producer {
				t.Errorf("ProducerAt(head slot) = %s, head signed by %s", got, head.Producer)
			}

			paused, err := c.Paused(ctx)
			if err != nil || !paused {
				t.Fatalf("Paused after start = %v, %v; want true (pause-on-startup)", paused, err)
			}
			if err := c.Resume(ctx); err != nil {
				t.Fatal(err)
			}
			if paused, err := c.Paused(ctx); err != nil || paused || node.Paused() {
				t.Fatalf("Paused after Resume = %v, %v; want false", paused, err)
			}
			if err := c.Pause(ctx); err != nil {
				t.Fatal(err)
			}
			if paused, err := c.Paused(ctx); err != nil || !paused {
				t.Fatalf("Paused after Pause = %v, %v; want true", paused, err)
			}

			blk, err := c.GetBlock(ctx, head.ID)
			if err != nil {
				t.Fatal(err)
			}
			if blk.BlockNum != head.Num || blk.Producer != head.Producer || blk.Slot() != head.Slot || blk.Previous != head.Previous {
				t.Errorf("get_block %+v, fake head %+v", blk, head)
			}
			if release.BlockInfoAPI {
				bi, err := c.GetBlockInfo(ctx, head.Num)
				if err != nil {
					t.Fatal(err)
				}
				if bi.ID != head.ID || bi.Slot() != head.Slot {
					t.Errorf("get_block_info %+v, fake head %+v", bi, head)
				}
			}
			if _, err := c.GetBlockInfo(ctx, head.Num+1000); err == nil {
				t.Error("get_block_info of a future block succeeded")
			}

			pc, err := c.PeerCount(ctx, nodeos.PeerCountConfig{})
			if err != nil || pc != (nodeos.PeerCount{Peers: 4, Source: nodeos.PeerSourceNetAPI}) {
				t.Errorf("PeerCount = %+v, %v; want 4 from net_api", pc, err)
			}
			node.SetPeers(1)
			if pc, err := c.PeerCount(ctx, nodeos.PeerCountConfig{}); err != nil || pc.Peers != 1 {
				t.Errorf("PeerCount after SetPeers(1) = %+v, %v", pc, err)
			}

			producers, err := c.GetProducers(ctx, nodeos.ProducersRequest{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(producers.Rows) == 0 {
				t.Error("get_producers returned no rows")
			}

			_, err = c.GetFinalizerInfo(ctx)
			if release.FinalizerInfoAPI && err != nil {
				t.Errorf("GetFinalizerInfo on Spring: %v", err)
			}
			var aerr *nodeos.APIError
			if !release.FinalizerInfoAPI && (!errors.As(err, &aerr) || aerr.Status != 404) {
				t.Errorf("GetFinalizerInfo before Spring: %v, want a 404 *APIError", err)
			}

			if err := c.CheckPlugins(ctx, nodeos.ChainAPIPlugin, nodeos.ProducerAPIPlugin, nodeos.NetAPIPlugin); err != nil {
				t.Errorf("CheckPlugins: %v", err)
			}
		})
	}
}

func TestClientFakeMissingPlugins(t *testing.T) {
	_, _, c := fakeNet(t, nodeostest.Spring, nodeostest.NodeConfig{DisableProducerAPI: true, DisableNetAPI: true})
	ctx := context.Background()
	err := c.CheckPlugins(ctx, nodeos.ProducerAPIPlugin, nodeos.NetAPIPlugin)
	var perr *nodeos.PluginError
	if !errors.Is(err, nodeos.ErrPluginMissing) || !errors.As(err, &perr) {
		t.Fatalf("CheckPlugins = %v, want *PluginError", err)
	}
	if err := c.Pause(ctx); !errors.Is(err, nodeos.ErrPluginMissing) {
		t.Errorf("Pause without producer_api_plugin: %v, want ErrPluginMissing", err)
	}
	// Without net_api_plugin and with nothing to count from, PeerCount says why.
	if _, err := c.PeerCount(ctx, nodeos.PeerCountConfig{}); err == nil {
		t.Error("PeerCount without net_api and without a port or pid succeeded")
	}
}

func TestClientFakeFaults(t *testing.T) {
	_, node, _ := fakeNet(t, nodeostest.Spring, nodeostest.NodeConfig{Name: "A"})
	c, err := nodeos.NewClient(nodeos.Config{URL: node.URL, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	node.Hang()
	if _, err := c.GetInfo(ctx); !errors.Is(err, nodeos.ErrTimeout) {
		t.Errorf("GetInfo on a hung node: %v, want ErrTimeout", err)
	}
	node.Unhang()

	node.Fail500(true)
	var aerr *nodeos.APIError
	if _, err := c.Paused(ctx); !errors.As(err, &aerr) || aerr.Status != 500 {
		t.Errorf("Paused on a failing node: %v, want a 500 *APIError", err)
	}
	node.Fail500(false)

	node.Malformed(true)
	var derr *nodeos.DecodeError
	if _, err := c.GetInfo(ctx); !errors.As(err, &derr) {
		t.Errorf("GetInfo on malformed JSON: %v, want *DecodeError", err)
	}
	node.Malformed(false)

	node.Kill()
	if _, err := c.Paused(ctx); !errors.Is(err, nodeos.ErrUnreachable) {
		t.Errorf("Paused on a killed node: %v, want ErrUnreachable", err)
	}
	if err := node.Restart(); err != nil {
		t.Fatal(err)
	}
	if paused, err := c.Paused(ctx); err != nil || !paused {
		t.Errorf("Paused after restart = %v, %v; want true", paused, err)
	}
}
