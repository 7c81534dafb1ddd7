package sim

import (
	"sort"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// block is one block of the main chain or of a cut-off node's fork.
type block struct {
	num      uint32
	slot     nodeos.Slot
	producer string
	// node is the simulated node that signed a block of our producer ("" for the others).
	node string
}

// slotRecord is the referee's account of one of our producer's slots: every node that signed
// a block in it, and whether a block of ours for it made the main chain.
type slotRecord struct {
	slot    nodeos.Slot
	signers []string
	onMain  bool
}

// chain is the main chain, built one slot at a time by the scheduled producers, and the
// referee that records who produced each of our producer's slots.
type chain struct {
	w      *World
	sched  nodeos.Schedule
	ours   string
	blocks []block // main chain; blocks[i].num == i+1
	// ourSlots records every slot of our producer since the start, in order.
	ourSlots []slotRecord
}

func newChain(w *World, producers []string, ours string) *chain {
	return &chain{w: w, sched: nodeos.Schedule{Version: 1, Producers: producers}, ours: ours}
}

// produce makes the block of slot s: another producer's always reaches the main chain; ours
// is signed by every one of our nodes that produces now, and reaches the main chain only from
// a node that is connected to the network.
func (c *chain) produce(s nodeos.Slot) {
	p := c.sched.ProducerAt(s)
	if p != c.ours {
		c.appendMain(block{slot: s, producer: p})
		return
	}
	rec := slotRecord{slot: s}
	var main *Node
	for _, n := range c.w.nodes {
		if !n.producing() {
			continue
		}
		rec.signers = append(rec.signers, n.name)
		if n.partitioned {
			n.fork = append(n.fork, block{num: n.forkBase + uint32(len(n.fork)) + 1, slot: s, producer: p, node: n.name})
			continue
		}
		if main == nil {
			main = n
		}
	}
	if main != nil {
		c.appendMain(block{slot: s, producer: p, node: main.name})
		rec.onMain = true
	}
	c.ourSlots = append(c.ourSlots, rec)
	c.w.checkSlot(rec)
}

func (c *chain) appendMain(b block) {
	b.num = uint32(len(c.blocks)) + 1
	c.blocks = append(c.blocks, b)
}

// headAt returns the number of the newest main-chain block whose slot began at or before t.
func (c *chain) headAt(t time.Time) uint32 {
	s := nodeos.SlotOf(t)
	i := sort.Search(len(c.blocks), func(i int) bool { return c.blocks[i].slot > s })
	return uint32(i)
}

// libLag is how far LIB trails the head: two thirds of the schedule plus one, in turns.
func (c *chain) libLag() uint32 {
	return uint32((2*len(c.sched.Producers)/3 + 1) * nodeos.ProducerRepetitions)
}

// block returns main-chain block num.
func (c *chain) block(num uint32) (block, bool) {
	if num == 0 || int(num) > len(c.blocks) {
		return block{}, false
	}
	return c.blocks[num-1], true
}

// turnStart returns the first slot of the turn that contains s.
func turnStart(s nodeos.Slot) nodeos.Slot { return s - s%nodeos.ProducerRepetitions }
