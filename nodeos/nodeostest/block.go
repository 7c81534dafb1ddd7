package nodeostest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Block is one block of the simulated chain, as the referee records it.
type Block struct {
	Num      uint32
	Slot     nodeos.Slot
	Producer string
	// Node is the name of the node that signed the block, or "" for a virtual producer's block.
	Node     string
	ID       string // 64 hex chars; the first 8 are Num
	Previous string
}

// Time returns the block timestamp.
func (b Block) Time() time.Time { return b.Slot.Time() }

// block is a Block linked to its parent. Blocks before the network's first head are not
// stored: walking past it synthesizes them (history).
type block struct {
	Block
	prev *block
}

// makeID builds a block id: the block number in the first 8 hex chars, then a digest of what
// makes the block unique, so two nodes signing the same slot get different ids.
func makeID(num uint32, slot nodeos.Slot, producer, node, previous string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d|%d|%s|%s|%s", num, slot, producer, node, previous)))
	binary.BigEndian.PutUint32(h[:4], num)
	return hex.EncodeToString(h[:])
}

// newBlock creates the child of parent for slot, signed by node ("" for virtual producers).
func newBlock(parent *block, slot nodeos.Slot, producer, node string) *block {
	num := parent.Num + 1
	return &block{
		Block: Block{
			Num: num, Slot: slot, Producer: producer, Node: node,
			ID:       makeID(num, slot, producer, node, parent.ID),
			Previous: parent.ID,
		},
		prev: parent,
	}
}

// historyBlock synthesizes block num of the chain before genesis (the network's first head):
// one block per slot, back from genesis.
func historyBlock(genesis *block, sched nodeos.Schedule, num uint32) *block {
	if num == 0 || num > genesis.Num {
		return nil
	}
	if num == genesis.Num {
		return genesis
	}
	slot := genesis.Slot - nodeos.Slot(genesis.Num-num)
	prevID := ""
	if num > 1 {
		prevID = historyID(num-1, genesis.Slot-nodeos.Slot(genesis.Num-num+1), sched)
	}
	return &block{Block: Block{
		Num: num, Slot: slot, Producer: sched.ProducerAt(slot),
		ID: historyID(num, slot, sched), Previous: prevID,
	}}
}

func historyID(num uint32, slot nodeos.Slot, sched nodeos.Schedule) string {
	return makeID(num, slot, sched.ProducerAt(slot), "", "history")
}

// ancestor returns the block numbered num on the branch ending at b, or nil when num > b.Num.
func (n *Network) ancestor(b *block, num uint32) *block {
	if b == nil || num > b.Num || num == 0 {
		return nil
	}
	for b.Num > num && b.prev != nil {
		b = b.prev
	}
	if b.Num == num {
		return b
	}
	return historyBlock(n.genesis, n.sched, num)
}

// commonAncestor returns the newest block on both branches.
func (n *Network) commonAncestor(a, b *block) *block {
	for a != nil && b != nil && a.ID != b.ID {
		if a.Num >= b.Num {
			a = a.prev
		} else {
			b = b.prev
		}
	}
	if a == nil || b == nil {
		return n.genesis
	}
	return a
}

// branch returns the blocks after from up to and including to, oldest first.
func branch(from, to *block) []*block {
	var out []*block
	for b := to; b != nil && b.ID != from.ID && b.Num > from.Num; b = b.prev {
		out = append(out, b)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// refBlockPrefix is nodeos's ref_block_prefix: the second 64-bit word of the id, low 32 bits,
// little endian.
func refBlockPrefix(id string) uint32 {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) < 12 {
		return 0
	}
	return binary.LittleEndian.Uint32(raw[8:12])
}
