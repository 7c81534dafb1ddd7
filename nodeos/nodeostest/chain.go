package nodeostest

import (
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// tick produces block slot n.slot+1 in every group. Called with n.mu held, by the clock
// goroutine or Advance.
func (n *Network) tick() {
	n.slot++
	n.tickAt = time.Now()
	s := n.slot
	n.fin.maybeActivate(n, s)
	for _, g := range n.groups {
		n.produceInGroup(g, s)
	}
	n.fin.vote(n, s)
	close(n.tickCh)
	n.tickCh = make(chan struct{})
	n.cond.Broadcast()
}

// members returns the nodes of g that take part in the chain.
func (n *Network) members(g *group) []*Node {
	var out []*Node
	for _, nd := range n.nodes {
		if nd.group == g && nd.active() {
			out = append(out, nd)
		}
	}
	return out
}

func (n *Network) produceInGroup(g *group, s nodeos.Slot) {
	producer := n.sched.ProducerAt(s)
	members := n.members(g)
	if producer != n.cfg.Ours {
		if !g.virtual {
			return
		}
		b := newBlock(g.head, s, producer, "")
		n.accept(g, b)
		for _, nd := range members {
			nd.receive(b, g.lib, time.Time{})
		}
		return
	}

	var produced []*block
	var producers []*Node
	for _, nd := range members {
		if !nd.cfg.ProducerNode {
			continue
		}
		if n.notProducing(nd, s) {
			continue
		}
		b := newBlock(g.head, s, producer, nd.Name)
		produced = append(produced, b)
		producers = append(producers, nd)
	}
	if len(produced) == 0 {
		return
	}
	// Fork choice between blocks of one slot: the highest id wins, on every node alike.
	win := 0
	for i, b := range produced {
		n.ledger = append(n.ledger, b)
		n.byID[b.ID] = b
		if b.ID > produced[win].ID {
			win = i
		}
	}
	winner := produced[win]
	var firstLoser *block
	for i, b := range produced {
		if i != win {
			firstLoser = b
			break
		}
	}
	n.accept(g, winner)
	for i, nd := range producers {
		nd.produced++
		nd.logProduced(produced[i], g.lib)
		nd.head = produced[i]
	}
	for _, nd := range members {
		switch {
		case nd.head == winner:
			nd.lib = g.lib
		case nd.head.Num == winner.Num:
			// A producer whose own block lost: it switches to the winner.
			n.syncNode(nd, winner, time.Time{})
		default:
			if firstLoser != nil {
				nd.receive(firstLoser, g.lib, time.Time{})
				n.syncNode(nd, winner, time.Time{})
			} else {
				nd.receive(winner, g.lib, time.Time{})
			}
		}
	}
}

// accept makes b the head of g and advances g's LIB if g finalizes. Virtual producers' blocks
// are recorded in the ledger here too.
func (n *Network) accept(g *group, b *block) {
	if _, ok := n.byID[b.ID]; !ok {
		n.byID[b.ID] = b
		n.ledger = append(n.ledger, b)
	}
	g.head = b
	if g.virtual {
		g.lib = n.libFor(b, g.lib)
	}
}

// syncNode moves nd's head to target, logging what nodeos logs: Received block for each block
// applied, preceded by a fork switch when target is not a descendant of nd's head.
// at is when the lines are written; zero means when target arrives.
func (n *Network) syncNode(nd *Node, target *block, at time.Time) {
	if nd.head.ID == target.ID {
		nd.lib = nd.group.lib
		return
	}
	common := n.commonAncestor(nd.head, target)
	if common.ID != nd.head.ID {
		nd.logSwitchForks(nd.head, target, nd.group.lib, at)
	}
	for _, b := range branch(common, target) {
		nd.receive(b, nd.group.lib, at)
	}
	nd.head = target
	nd.lib = nd.group.lib
}

// notProducing reports whether producer node nd skips slot s of our turn, logging nodeos's
// "Not producing block because ..." line once per slot.
func (n *Network) notProducing(nd *Node, s nodeos.Slot) bool {
	switch {
	case nd.paused:
		nd.logNotProducingPaused(s)
		return true
	case n.implicitlyPaused(nd, s):
		nd.logNotProducingVotes(s, n.fin.lastVoteTime(nd), n.fin.conflictTime(nd))
		return true
	}
	return false
}

// Partition splits the network: each group sees only its own blocks. Nodes not named in any
// group form one more group, which the virtual producers join; when every node is named, they
// join the largest group (the first on a tie). A group without the virtual producers sees only
// its own producer's blocks, so its head advances only in our turns and its LIB stops.
// Partition replaces any earlier partition.
func (n *Network) Partition(groups ...[]*Node) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.repartition(groups)
}

// Heal joins all groups again. Nodes outside the virtual producers' group switch to its chain.
func (n *Network) Heal() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.repartition(nil)
}

func (n *Network) repartition(groups [][]*Node) {
	assigned := make(map[*Node]int)
	for i, members := range groups {
		for _, nd := range members {
			assigned[nd] = i
		}
	}
	var rest []*Node
	for _, nd := range n.nodes {
		if _, ok := assigned[nd]; !ok {
			rest = append(rest, nd)
		}
	}
	all := append([][]*Node(nil), groups...)
	virtualIdx := -1
	if len(rest) > 0 || len(groups) == 0 {
		all = append(all, rest)
		virtualIdx = len(all) - 1
	} else {
		for i, members := range all {
			if virtualIdx < 0 || len(members) > len(all[virtualIdx]) {
				virtualIdx = i
			}
		}
	}
	oldMain := n.mainGroup()
	newGroups := make([]*group, len(all))
	for i, members := range all {
		g := &group{virtual: i == virtualIdx}
		if g.virtual {
			g.head, g.lib = oldMain.head, oldMain.lib
		} else {
			// A cut-off group continues from the virtual producers' chain if one of its members
			// was following it, else from the longest chain among its members' groups.
			for _, nd := range members {
				h := nd.group.head
				switch {
				case nd.group == oldMain:
					g.head = oldMain.head
				case g.head == nil || (g.head != oldMain.head && h.Num > g.head.Num):
					g.head = h
				}
			}
			if g.head == nil {
				g.head = oldMain.head
			}
			g.lib = minLIB(members, g.head)
		}
		newGroups[i] = g
	}
	n.groups = newGroups
	for i, members := range all {
		for _, nd := range members {
			nd.group = newGroups[i]
			if nd.active() {
				n.syncNode(nd, newGroups[i].head, n.nowLocked())
			}
		}
	}
}

// minLIB is the LIB a non-finalizing group keeps: the highest of its members' LIBs that lies on
// its chain (a node cannot finalize anything new once cut off).
func minLIB(members []*Node, head *block) uint32 {
	var lib uint32
	for _, nd := range members {
		if nd.lib > lib && nd.lib <= head.Num {
			lib = nd.lib
		}
	}
	return lib
}
