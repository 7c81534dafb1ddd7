package keeper

import (
	"context"
	"fmt"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// NodeosNode adapts a nodeos API client to the keeper's Node. peers configures the p2p peer
// count's fallback to /proc when net_api_plugin is not loaded.
func NodeosNode(c *nodeos.Client, peers nodeos.PeerCountConfig) Node {
	return &nodeosNode{c: c, peers: peers}
}

type nodeosNode struct {
	c     *nodeos.Client
	peers nodeos.PeerCountConfig
}

func (n *nodeosNode) Info(ctx context.Context) (ChainInfo, error) {
	i, err := n.c.GetInfo(ctx)
	if err != nil {
		return ChainInfo{}, err
	}
	return ChainInfo{
		Head:         i.HeadBlockNum,
		HeadTime:     i.HeadBlockTime.Time,
		HeadProducer: i.HeadBlockProducer,
		LIB:          i.LastIrreversibleBlockNum,
	}, nil
}

func (n *nodeosNode) Block(ctx context.Context, num uint32) (BlockHeader, error) {
	b, err := n.c.GetBlockHeader(ctx, num)
	if err != nil {
		return BlockHeader{}, err
	}
	if b.BlockNum != num {
		return BlockHeader{}, fmt.Errorf("asked for block %d, answered block %d", num, b.BlockNum)
	}
	return BlockHeader{Num: b.BlockNum, Time: b.Timestamp.Time, Producer: b.Producer, ScheduleVersion: b.ScheduleVersion}, nil
}

func (n *nodeosNode) Schedule(ctx context.Context) (nodeos.Schedule, error) {
	s, err := n.c.GetProducerSchedule(ctx)
	if err != nil {
		return nodeos.Schedule{}, err
	}
	if s.Active == nil {
		return nodeos.Schedule{}, fmt.Errorf("get_producer_schedule has no active schedule")
	}
	return s.ActiveSchedule(), nil
}

func (n *nodeosNode) Paused(ctx context.Context) (bool, error) { return n.c.Paused(ctx) }
func (n *nodeosNode) Pause(ctx context.Context) error          { return n.c.Pause(ctx) }
func (n *nodeosNode) Resume(ctx context.Context) error         { return n.c.Resume(ctx) }

func (n *nodeosNode) Peers(ctx context.Context) (int, error) {
	p, err := n.c.PeerCount(ctx, n.peers)
	if err != nil {
		return 0, err
	}
	return p.Peers, nil
}
