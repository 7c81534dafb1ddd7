package nodeostest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// isoTime formats t as fc::time_point does: UTC, milliseconds, no zone.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000") }

// fixed truncates s to n bytes or pads it with spaces (fc's append_fixed_size).
func fixed(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// source is where in nodeos a log line comes from.
type source struct {
	file   string
	line   int
	method string
}

// formatLine renders one line as fc's console_appender does:
// level(5) time thread(9) file:line(29) method(20) ] message.
func formatLine(level string, at time.Time, src source, msg string) string {
	file := src.file
	if len(file) > 22 {
		file = file[:22]
	}
	fileLine := fixed(file+":"+fixed(strconv.Itoa(src.line), 6), 29)
	var b strings.Builder
	b.Grow(96 + len(msg))
	b.WriteString(fixed(level, 5))
	b.WriteByte(' ')
	b.WriteString(isoTime(at))
	b.WriteByte(' ')
	b.WriteString(fixed("nodeos", 9))
	b.WriteByte(' ')
	b.WriteString(fileLine)
	b.WriteByte(' ')
	b.WriteString(fixed(src.method, 20))
	b.WriteString(" ] ")
	b.WriteString(msg)
	b.WriteByte('\n')
	return b.String()
}

// Sources of the lines each release family writes.
var (
	srcSpringProduced = source{"controller.cpp", 3608, "log_applied"}
	srcSpringReceived = source{"controller.cpp", 3614, "log_applied"}
	srcSpringSwitch   = source{"controller.cpp", 4507, "maybe_apply_blocks"}
	srcSpringDouble   = source{"controller.cpp", 4510, "maybe_apply_blocks"}
	srcSpringNotProd  = source{"producer_plugin.cpp", 2110, "determine_pending_block_mode"}
	srcSpringVotes    = source{"producer_plugin.cpp", 2140, "determine_pending_block_mode"}
	srcSpringGen      = source{"block_header_state.cpp", 185, "finish_next"}
	srcLeapProduced   = source{"producer_plugin.cpp", 2660, "produce_block"}
	srcLeapReceived   = source{"producer_plugin.cpp", 694, "on_incoming_block"}
	srcLeapSwitch     = source{"controller.cpp", 2280, "maybe_switch_forks"}
	srcLeapNotProd    = source{"producer_plugin.cpp", 1935, "start_block"}
	srcEOSIOProduced  = source{"producer_plugin.cpp", 2204, "produce_block"}
	srcEOSIOReceived  = source{"producer_plugin.cpp", 378, "on_incoming_block"}
	srcEOSIOSwitch    = source{"controller.cpp", 1660, "maybe_switch_forks"}
	srcEOSIONotProd   = source{"producer_plugin.cpp", 1742, "start_block"}
	srcPause          = source{"producer_plugin.cpp", 1680, "pause"}
	srcResume         = source{"producer_plugin.cpp", 1690, "resume"}
	srcLaunch         = source{"producer_plugin.cpp", 1500, "plugin_startup"}
)

func (nd *Node) format() LogFormat { return nd.net.cfg.LogFormat }

func (nd *Node) write(level string, at time.Time, src source, msg string) {
	if !nd.alive {
		return
	}
	nd.log.write(formatLine(level, at, src, msg))
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
	latency := at.Sub(b.Time()).Milliseconds()
	elapsed, applying := 90+int(b.Num%40), 700+int(b.Num%300)
	var src source
	var msg string
	switch nd.format() {
	case Leap5:
		src = srcLeapReceived
		msg = fmt.Sprintf("Received block %s... #%d @ %s signed by %s [trxs: 0, lib: %d, confirmed: 0, net: 0, cpu: 100, elapsed: %d, time: %d, latency: %d ms]",
			shortID(b.ID), b.Num, isoTime(b.Time()), b.Producer, lib, elapsed, applying, latency)
	case EOSIO2:
		src = srcEOSIOReceived
		msg = fmt.Sprintf("Received block %s... #%d @ %s signed by %s [trxs: 0, lib: %d, conf: 0, latency: %d ms]",
			shortID(b.ID), b.Num, isoTime(b.Time()), b.Producer, lib, latency)
	default:
		src = srcSpringReceived
		msg = fmt.Sprintf("Received block %s... #%d @ %s signed by %s [trxs: 0, lib: %d, net: 0, cpu: 100 us, elapsed: %d us, applying time: %d us, latency: %d ms]",
			shortID(b.ID), b.Num, isoTime(b.Time()), b.Producer, lib, elapsed, applying, latency)
	}
	nd.write("info", at, src, msg)
}

// logProduced writes the Produced block line of a block this node signed, (k+1)·37.5 ms before
// its timestamp for the k-th block of the turn.
func (nd *Node) logProduced(b *block, lib uint32) {
	k := int64(b.Slot % nodeos.ProducerRepetitions)
	at := b.Time().Add(-time.Duration(k+1) * 37500 * time.Microsecond)
	elapsed, producing := 80+int(b.Num%50), 462000+int(b.Num%700)
	var src source
	var msg string
	switch nd.format() {
	case Leap5:
		src = srcLeapProduced
		msg = fmt.Sprintf("Produced block %s... #%d @ %s signed by %s [trxs: 0, lib: %d, confirmed: 0, net: 0, cpu: 100, elapsed: %d, time: %d]",
			shortID(b.ID), b.Num, isoTime(b.Time()), b.Producer, lib, elapsed, producing)
	case EOSIO2:
		src = srcEOSIOProduced
		msg = fmt.Sprintf("Produced block %s... #%d @ %s signed by %s [trxs: 0, lib: %d, confirmed: 0]",
			shortID(b.ID), b.Num, isoTime(b.Time()), b.Producer, lib)
	default:
		confs := ""
		if nd.net.cfg.Mode == Legacy {
			confs = ", confirmed: 0"
		}
		src = srcSpringProduced
		msg = fmt.Sprintf("Produced block %s... #%d @ %s signed by %s [trxs: 0, lib: %d%s, net: 0, cpu: 100 us, elapsed: %d us, producing time: %d us]",
			shortID(b.ID), b.Num, isoTime(b.Time()), b.Producer, lib, confs, elapsed, producing)
	}
	nd.write("info", at, src, msg)
}

// forkComparison is Spring's log_fork_comparison of a block.
func (nd *Node) forkComparison(b *block, lib uint32) string {
	if nd.net.cfg.Mode == Legacy {
		return fmt.Sprintf("[ irreversible_blocknum: %d, block_num: %d, timestamp: %s, id: %s ]", lib, b.Num, isoTime(b.Time()), b.ID)
	}
	qc := b.Time().Add(-2 * nodeos.BlockInterval)
	return fmt.Sprintf("[ latest_qc_block_timestamp: %s, timestamp: %s, id: %s ]", isoTime(qc), isoTime(b.Time()), b.ID)
}

// logSwitchForks writes the fork switch from the node's head to newHead, and in Spring the
// double-production warning when both are the same producer's block of the same number.
func (nd *Node) logSwitchForks(from, to *block, lib uint32, at time.Time) {
	if at.IsZero() {
		at = to.Time().Add(nd.latency())
	}
	switch nd.format() {
	case Leap5, EOSIO2:
		src := srcLeapSwitch
		if nd.format() == EOSIO2 {
			src = srcEOSIOSwitch
		}
		nd.write("info", at, src, fmt.Sprintf("switching forks from %s (block number %d) to %s (block number %d)",
			from.ID, from.Num, to.ID, to.Num))
	default:
		nd.write("info", at, srcSpringSwitch, fmt.Sprintf("switching forks from %s (block number %d %s) %s to %s (block number %d %s) %s",
			from.ID, from.Num, from.Producer, nd.forkComparison(from, lib), to.ID, to.Num, to.Producer, nd.forkComparison(to, lib)))
		if from.Num == to.Num && from.Producer == to.Producer {
			nd.write("warn", at, srcSpringDouble, fmt.Sprintf("%s double produced block %d", to.Producer, to.Num))
		}
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
	at := nd.notProducingAt(s)
	switch nd.format() {
	case Leap5:
		nd.write("error", at, srcLeapNotProd, "Not producing block because production is explicitly paused")
	case EOSIO2:
		nd.write("error", at, srcEOSIONotProd, "Not producing block because production is explicitly paused")
	default:
		nd.write("warn", at, srcSpringNotProd, "Not producing block because production is explicitly paused, block "+isoTime(s.Time()))
	}
}

// logNotProducingVotes writes, once per slot, Spring's implicit vote-timeout pause line.
func (nd *Node) logNotProducingVotes(s nodeos.Slot, lastVote, conflict time.Time) {
	if nd.notProdAt == s {
		return
	}
	nd.notProdAt = s
	nd.write("error", nd.notProducingAt(s), srcSpringVotes, fmt.Sprintf(
		"Not producing block because no recent votes received from configured producer, block %s, last producer vote %s, conflict block %s",
		isoTime(s.Time()), isoTime(lastVote), isoTime(conflict)))
}

func (nd *Node) logPaused(at time.Time) { nd.write("info", at, srcPause, "Producer paused.") }

func (nd *Node) logResumed(at time.Time) { nd.write("info", at, srcResume, "Producer resumed.") }

// logStartup writes the startup line of a producer node.
func (nd *Node) logStartup(at time.Time) {
	if nd.cfg.ProducerNode {
		nd.write("info", at, srcLaunch, fmt.Sprintf("Launching block production for 1 producers at %s.", isoTime(at)))
	}
}

func (nd *Node) logGenerationChange(s nodeos.Slot, from, to uint32) {
	nd.write("info", s.Time().Add(nd.latency()), srcSpringGen, fmt.Sprintf("Finalizer policy generation change: %d -> %d", from, to))
}
