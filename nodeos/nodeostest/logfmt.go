package nodeostest

import (
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

// isoTime formats t as fc::time_point does: UTC, milliseconds, no zone.
func isoTime(t time.Time) string { return nodeosfmt.Time(t) }

// release is the nodeos release the node imitates.
func (nd *Node) release() *nodeosfmt.Version { return nd.net.cfg.LogFormat.version() }

// savanna reports whether blocks are proper Savanna blocks (the network's consensus mode).
func (nd *Node) savanna() bool { return nd.net.cfg.Mode != Legacy }

// write logs m with args at at, if the node is running and its release writes m.
func (nd *Node) write(m nodeosfmt.Msg, at time.Time, args nodeosfmt.Args) {
	if !nd.alive || !m.Logged() {
		return
	}
	nd.writeLine(m.AppendLine(nil, at, args))
}

func (nd *Node) writeLine(line []byte) {
	if nd.alive {
		nd.log.write(string(append(line, '\n')))
	}
}

// latency is how long after its timestamp a block reaches this node (20-48 ms).
func (nd *Node) latency() time.Duration {
	return time.Duration(20+(nd.index*7)%29) * time.Millisecond
}

// shortID is the id as Produced/Received lines show it: 16 hex chars after the block number.
func shortID(id string) string { return id[8:24] }

// receive applies b from the network: the node's head moves to it and it logs Received block.
// at is when the line is written; zero means the block's arrival (timestamp plus latency).
func (nd *Node) receive(b *block, lib uint32, at time.Time) {
	nd.head, nd.lib = b, lib
	if at.IsZero() {
		at = b.Time().Add(nd.latency())
	}
	// nodeos skips these lines for blocks more than 5 minutes old, except every 1000th.
	if at.Sub(b.Time()) > 5*time.Minute && b.Num%1000 != 0 {
		return
	}
	nd.writeLine(nd.release().AppendReceived(nil, at, nodeosfmt.Block{
		ID: shortID(b.ID), Num: b.Num, Time: b.Time(), Producer: b.Producer, LIB: lib, Savanna: nd.savanna(),
		CPU: 100, Elapsed: 90 + int64(b.Num%40), Took: 700 + int64(b.Num%300), Latency: at.Sub(b.Time()).Milliseconds(),
	}))
}

// logProduced writes the Produced block line of a block this node signed, (k+1)·37.5 ms before
// its timestamp for the k-th block of the turn.
func (nd *Node) logProduced(b *block, lib uint32) {
	k := int64(b.Slot % nodeos.ProducerRepetitions)
	at := b.Time().Add(-time.Duration(k+1) * 37500 * time.Microsecond)
	nd.writeLine(nd.release().AppendProduced(nil, at, nodeosfmt.Block{
		ID: shortID(b.ID), Num: b.Num, Time: b.Time(), Producer: b.Producer, LIB: lib, Savanna: nd.savanna(),
		CPU: 100, Elapsed: 80 + int64(b.Num%50), Took: 462000 + int64(b.Num%700),
	}))
}

// forkHead describes b as a side of a fork switch; under Savanna its QC is two blocks back.
func forkHead(b *block, lib uint32) nodeosfmt.ForkHead {
	return nodeosfmt.ForkHead{ID: b.ID, Num: b.Num, Producer: b.Producer, Time: b.Time(), LIB: lib,
		QC: b.Time().Add(-2 * nodeos.BlockInterval)}
}

// logSwitchForks writes the fork switch from the node's head to newHead, and, where the release
// logs it, the double-production warning when both are the same producer's block of the same
// number.
func (nd *Node) logSwitchForks(from, to *block, lib uint32, at time.Time) {
	if at.IsZero() {
		at = to.Time().Add(nd.latency())
	}
	v := nd.release()
	nd.write(v.SwitchForks, at, nodeosfmt.Fork{From: forkHead(from, lib), To: forkHead(to, lib), Savanna: nd.savanna()})
	if from.Num == to.Num && from.Producer == to.Producer {
		nd.write(v.DoubleProduced, at, nodeosfmt.DoubleProduced{Producer: to.Producer, Num: to.Num})
	}
}

// notProducingAt is when start_block considers slot s: just after the previous block arrived.
func (nd *Node) notProducingAt(s nodeos.Slot) time.Time {
	return s.Time().Add(-nodeos.BlockInterval + 50*time.Millisecond)
}

// logNotProducingPaused writes, once per slot, the explicit-pause line of a producer node
// whose producer is scheduled.
func (nd *Node) logNotProducingPaused(s nodeos.Slot) {
	if nd.notProdAt == s {
		return
	}
	nd.notProdAt = s
	nd.write(nd.release().NotProducingPaused, nd.notProducingAt(s), nodeosfmt.NotProducing{Block: s.Time()})
}

// logNotProducingVotes writes, once per slot, Spring's implicit vote-timeout pause line.
func (nd *Node) logNotProducingVotes(s nodeos.Slot, lastVote, conflict time.Time) {
	if nd.notProdAt == s {
		return
	}
	nd.notProdAt = s
	nd.write(nd.release().NoRecentVotes, nd.notProducingAt(s),
		nodeosfmt.NotProducing{Block: s.Time(), LastVote: lastVote, Conflict: conflict})
}

func (nd *Node) logPaused(at time.Time) { nd.write(nd.release().Paused, at, nil) }

func (nd *Node) logResumed(at time.Time) { nd.write(nd.release().Resumed, at, nil) }

// logStartup writes the startup line of a producer node.
func (nd *Node) logStartup(at time.Time) {
	if nd.cfg.ProducerNode {
		nd.write(nd.release().Launching, at, nodeosfmt.Launching{Producers: 1, At: at})
	}
}

func (nd *Node) logGenerationChange(s nodeos.Slot, from, to uint32) {
	nd.write(nd.release().GenerationChange, s.Time().Add(nd.latency()), nodeosfmt.GenerationChange{From: from, To: to})
}
