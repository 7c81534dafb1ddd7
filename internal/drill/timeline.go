package drill

import "github.com/eoskeeper/eoskeeper/nodeos"

// Timeline is what a scenario's picture shows: our producer's turns in order, each with the
// blocks every node signed in it, the turns the referee found missed or signed twice, and the
// fault and the takeover placed between them.
type Timeline struct {
	Title string
	// Nodes are the lanes, top to bottom.
	Nodes []string
	Turns []TimelineTurn
	// RoundBlocks is the slots of one round (the schedule's size × 12): the span from one of
	// our turns to the next.
	RoundBlocks int
	// Fault and Takeover are the slots of the fault and of the new holder's takeover; zero for
	// none. TakeoverLabel names the takeover (the new holder and its path).
	Fault, Takeover nodeos.Slot
	TakeoverLabel   string
}

// TimelineTurn is one of our producer's turns.
type TimelineTurn struct {
	First nodeos.Slot
	// Blocks counts the blocks each node signed in the turn.
	Blocks map[string]int
	// Missed and Double are the referee's verdicts: no block at all, blocks from two nodes.
	Missed, Double bool
}

// turnWidth is the share of a turn's unit on the x axis that the turn itself takes; the rest
// stands for the other producers' turns of the round.
const turnWidth = 0.7

// buildTimeline lays our producer's turns out from the ledger (every block with the node that
// produced it) and the referee's missed and double-produced turns, from the first turn of
// ours in the ledger to the last. Blocks signed by no listed node (the chain's other
// producers) only delimit the range.
func buildTimeline(ledger []ledgerBlock, ref referee, sched nodeos.Schedule, ours string, nodes []string) Timeline {
	t := Timeline{Nodes: nodes, RoundBlocks: sched.RoundBlocks()}
	if !sched.Contains(ours) || len(ledger) == 0 {
		return t
	}
	lo, hi := ledger[0].Slot, ledger[0].Slot
	for _, b := range ledger {
		lo, hi = min(lo, b.Slot), max(hi, b.Slot)
	}
	first, ok := sched.CurrentTurn(ours, lo)
	if !ok {
		if first, ok = sched.NextTurn(ours, lo); !ok {
			return t
		}
	}
	index := map[nodeos.Slot]int{}
	for tn := first; tn.First <= hi; {
		index[tn.First] = len(t.Turns)
		t.Turns = append(t.Turns, TimelineTurn{First: tn.First, Blocks: map[string]int{}})
		if tn, ok = sched.NextTurn(ours, tn.First); !ok {
			break
		}
	}
	for _, b := range ledger {
		if b.Producer != ours {
			continue
		}
		if tn, ok := sched.CurrentTurn(ours, b.Slot); ok {
			if i, ok := index[tn.First]; ok && b.Node != "" {
				t.Turns[i].Blocks[b.Node]++
			}
		}
	}
	mark := func(turns []nodeos.Turn, set func(*TimelineTurn)) {
		for _, tn := range turns {
			if i, ok := index[tn.First]; ok && tn.Producer == ours {
				set(&t.Turns[i])
			}
		}
	}
	mark(ref.Missed, func(tt *TimelineTurn) { tt.Missed = true })
	mark(ref.DoubleProduced, func(tt *TimelineTurn) { tt.Double = true })
	for i := range t.Turns {
		tt := &t.Turns[i]
		if len(tt.Blocks) > 1 {
			tt.Double = true
		}
	}
	return t
}

// x places slot s on the turn axis: our turn i spans [i, i+turnWidth], the rest of its round
// [i+turnWidth, i+1]. Slots before the first turn count back from it by whole rounds.
func (t Timeline) x(s nodeos.Slot) float64 {
	r := int64(t.RoundBlocks)
	if len(t.Turns) == 0 || r <= nodeos.ProducerRepetitions {
		return 0
	}
	i := 0
	for i+1 < len(t.Turns) && t.Turns[i+1].First <= s {
		i++
	}
	off := int64(s) - int64(t.Turns[i].First)
	whole := int64(0)
	if off < 0 || off >= r {
		// Before the first turn, or after the last: whole rounds, then the rest.
		whole = off / r
		if off < 0 && off%r != 0 {
			whole--
		}
		off -= whole * r
	}
	pos := float64(i) + float64(whole)
	if off < nodeos.ProducerRepetitions {
		return pos + turnWidth*float64(off)/nodeos.ProducerRepetitions
	}
	return pos + turnWidth + (1-turnWidth)*float64(off-nodeos.ProducerRepetitions)/float64(r-nodeos.ProducerRepetitions)
}
