package nodeostest

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Ledger returns every block produced since the network started, in production order,
// including blocks that lost a fork and blocks produced by isolated nodes.
func (n *Network) Ledger() []Block {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Block, len(n.ledger))
	for i, b := range n.ledger {
		out[i] = b.Block
	}
	return out
}

// OurBlocks returns the ledger's blocks signed for our producer, by any node.
func (n *Network) OurBlocks() []Block {
	var out []Block
	for _, b := range n.Ledger() {
		if b.Producer == n.cfg.Ours {
			out = append(out, b)
		}
	}
	return out
}

// DoubleProduced returns our turns, oldest first, with blocks from more than one node.
func (n *Network) DoubleProduced() []nodeos.Turn {
	var out []nodeos.Turn
	for _, v := range turnViolations(n.OurBlocks()) {
		out = append(out, v.turn)
	}
	return out
}

// Missed returns our turns, oldest first, that started after the network did, have ended (all
// their slots passed), and hold no block of ours on the chain the network keeps: the chain of
// the group the other producers are in. Blocks a partitioned node signed on its own fork, or
// that lost a fork choice, do not count: the chain drops them.
func (n *Network) Missed() []nodeos.Turn {
	n.mu.Lock()
	last := n.slot
	produced := make(map[nodeos.Slot]bool)
	for _, g := range n.groups {
		if !g.virtual {
			continue
		}
		for b := g.head; b != nil; b = b.prev {
			if b.Producer == n.cfg.Ours {
				produced[b.Slot.RoundStart()] = true
			}
		}
	}
	n.mu.Unlock()
	var out []nodeos.Turn
	t, ok := n.sched.NextTurn(n.cfg.Ours, n.firstSlot-1)
	for ok && t.End <= last+1 {
		if !produced[t.First] {
			out = append(out, t)
		}
		t.First += nodeos.Slot(n.sched.RoundBlocks())
		t.End += nodeos.Slot(n.sched.RoundBlocks())
	}
	return out
}

// violation is one producer turn signed by several nodes.
type violation struct {
	turn  nodeos.Turn
	nodes map[string][]nodeos.Slot // node -> slots it signed in the turn
}

func turnViolations(ledger []Block) []violation {
	type key struct {
		producer string
		first    nodeos.Slot
	}
	byTurn := make(map[key]map[string][]nodeos.Slot)
	var order []key
	for _, b := range ledger {
		if b.Node == "" {
			continue
		}
		k := key{b.Producer, b.Slot.RoundStart()}
		if byTurn[k] == nil {
			byTurn[k] = make(map[string][]nodeos.Slot)
			order = append(order, k)
		}
		byTurn[k][b.Node] = append(byTurn[k][b.Node], b.Slot)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].first < order[j].first })
	var out []violation
	for _, k := range order {
		if len(byTurn[k]) > 1 {
			out = append(out, violation{
				turn:  nodeos.Turn{Producer: k.producer, First: k.first, End: k.first + nodeos.ProducerRepetitions},
				nodes: byTurn[k],
			})
		}
	}
	return out
}

// CheckNoDoubleProduction checks a ledger (from Ledger) for double production: a producer turn
// with blocks signed by more than one node, and in particular one slot signed twice. It returns
// nil or an error listing every violation, one per line, like testing/fstest.TestFS:
//
//	if err := nodeostest.CheckNoDoubleProduction(net.Ledger()); err != nil {
//		t.Fatal(err)
//	}
func CheckNoDoubleProduction(ledger []Block) error {
	var lines []string
	for _, v := range turnViolations(ledger) {
		names := make([]string, 0, len(v.nodes))
		for name := range v.nodes {
			names = append(names, name)
		}
		sort.Strings(names)
		bySlot := make(map[nodeos.Slot][]string)
		var parts []string
		for _, name := range names {
			slots := v.nodes[name]
			parts = append(parts, fmt.Sprintf("%s signed %d block(s) in slots %s", name, len(slots), slotList(slots)))
			for _, s := range slots {
				bySlot[s] = append(bySlot[s], name)
			}
		}
		line := fmt.Sprintf("turn %s: blocks from %d nodes: %s", v.turn, len(names), strings.Join(parts, "; "))
		var twice []string
		for s, who := range bySlot {
			if len(who) > 1 {
				twice = append(twice, fmt.Sprintf("%d (%s)", s, strings.Join(who, ", ")))
			}
		}
		if len(twice) > 0 {
			sort.Strings(twice)
			line += "; slots signed twice: " + strings.Join(twice, ", ")
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil
	}
	return errors.New("nodeostest: double production:\n\t" + strings.Join(lines, "\n\t"))
}

func slotList(slots []nodeos.Slot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		parts[i] = fmt.Sprint(uint32(s))
	}
	return strings.Join(parts, ",")
}
