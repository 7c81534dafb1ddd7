package keeper

import (
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Evidence is everything the admission rule looks at, gathered by the keeper from its own
// nodeos and from the lock's value. It is a plain value so the rule can be tested as a table.
type Evidence struct {
	Node  string
	Role  Role
	Delay int // the role's priority delay in missed turns

	Healthy     bool
	Maintenance bool
	// LockHeld reports whether another session holds the lock.
	LockHeld bool
	// Record is the lock's value (kept after release): the last holder, watermark, hand-off.
	Record LockRecord

	// MissedTurns is the run of our producer's most recent turns without a block, as this
	// node's nodeos saw them.
	MissedTurns int
	// PausedConfirmed reports that this node's nodeos answered paused == true this tick.
	PausedConfirmed bool
	// LastOurBlock is the newest block of our producer this node has seen on chain.
	LastOurBlock Block
	// Head is this node's nodeos head block number, HeadSlot its slot.
	Head     uint32
	HeadSlot nodeos.Slot
	// MaxHandoffBlocks is how far past the old holder's head, in blocks, a hand-off still
	// admits (Config.MaxHandoffAge of chain time).
	MaxHandoffBlocks uint32
	// ProducedNewest reports that this node's own nodeos produced LastOurBlock (from its log,
	// or, without a log, from the blocks that appeared while this node held the lock resumed).
	ProducedNewest bool

	// FreeFor is how long this node has seen the lock free; Stagger is how long a node of
	// this role lets higher-priority roles try first once the evidence holds for several
	// roles at once (a holder whose session expired late, say).
	FreeFor, Stagger time.Duration

	// Demoted reports that this node gave the lock up for a fault of its own (unhealthy
	// nodeos, a missed turn while producing, a failed resume) and nobody has held it since.
	// A demoted node may contend only once our producer has missed more turns since the
	// demotion than any role waits for (MaxDelay), so every other standby gets its chance
	// first; the hand-off and last-producer shortcuts do not apply to it.
	Demoted bool
	// MissedSinceDemotion counts the missed turns that started after the demotion.
	MissedSinceDemotion int
	// MaxDelay is the largest priority delay of any role.
	MaxDelay int
}

// Admission is the rule's verdict.
type Admission struct {
	Contend bool
	// Why names the rule that admitted or refused, for logs and status.
	Why string
	// Path names the rule that admitted: PathEvidence, PathHandoff, PathSwitchover or
	// PathLastProducer; empty when refused.
	Path string
}

// The paths by which a node takes the lock.
const (
	// PathEvidence: our producer missed the role's turns (or, for a demoted node, more).
	PathEvidence = "evidence"
	// PathHandoff: a holder that resigned with its nodeos confirmed stopped named this node.
	PathHandoff = "handoff"
	// PathSwitchover: an operator's planned switchover named this node.
	PathSwitchover = "switchover"
	// PathLastProducer: this node held the lock last and produced our newest block.
	PathLastProducer = "last-producer"
)

// Admit decides whether this node may try to acquire the lock now (docs/safety.md, invariants 3, 5
// and 8). It admits only a healthy producer node, outside maintenance, with the lock free and
// this node's nodeos confirmed paused, and then only when one of these holds:
//   - evidence: our producer missed its most recent Delay turns entirely, and the lock has been
//     free for the role's Stagger (so B tries before C when both qualify at once);
//   - hand-off: the free lock's record names this node (a switchover's target, or a successor
//     of a holder that resigned with its nodeos confirmed stopped) and its turn in the list has
//     come; its chain holds the watermark block and no newer block of ours, and the record is
//     not older than MaxHandoffAge of chain time;
//   - last producer: this node held the lock last and produced the watermark block, with no
//     newer block of ours on chain, or it held the lock last and its own nodeos produced our
//     newest block; and the record hands production to no other node. Resuming here cannot
//     overlap another producer.
//
// A node that gave the lock up for a fault of its own is demoted until another node holds the
// lock: see Evidence.Demoted.
func Admit(e Evidence) Admission {
	switch {
	case !e.Role.Producer():
		return Admission{Why: fmt.Sprintf("role %s never produces", e.Role)}
	case e.Maintenance:
		return Admission{Why: "maintenance mode"}
	case !e.Healthy:
		return Admission{Why: "nodeos unhealthy"}
	case e.LockHeld:
		return Admission{Why: "lock held by " + nonEmpty(e.Record.Node, "another session")}
	case !e.PausedConfirmed:
		return Admission{Why: "nodeos not confirmed paused"}
	case e.Delay < 1:
		return Admission{Why: "no priority delay configured"}
	}
	if e.Demoted {
		if e.MissedSinceDemotion > e.MaxDelay {
			return Admission{Contend: true, Path: PathEvidence, Why: fmt.Sprintf("our producer missed %d turns since this node gave up the lock, more than any role waits for", e.MissedSinceDemotion)}
		}
		return Admission{Why: fmt.Sprintf("this node gave up the lock for a fault; waiting for more than %d missed turns (%d so far)", e.MaxDelay, e.MissedSinceDemotion)}
	}
	if adm, named := handoffAdmits(e); named && (adm.Contend || e.MissedTurns < e.Delay) {
		return adm
	}
	if e.MissedTurns >= e.Delay {
		if e.FreeFor < e.Stagger {
			return Admission{Why: fmt.Sprintf("evidence holds; letting higher-priority roles try first (%s of %s)", e.FreeFor.Round(time.Millisecond), e.Stagger)}
		}
		return Admission{Contend: true, Path: PathEvidence, Why: fmt.Sprintf("our producer missed %d turns (role %s waits for %d)", e.MissedTurns, e.Role, e.Delay)}
	}
	handedAway := false
	if h := e.Record.Handoff; h != nil {
		_, _, named := h.position(e.Node)
		handedAway = !named
	}
	// The watermark is this node's only while no other node has held the lock since: a node
	// that took over and resumed between turns may not have produced yet, and its nodeos
	// would produce beside this one.
	if wm := e.Record.Watermark; !handedAway && wm.Node == e.Node && e.Record.Node == e.Node && wm.Num > 0 && e.LastOurBlock.Num <= wm.Num {
		return Admission{Contend: true, Path: PathLastProducer, Why: fmt.Sprintf("this node produced the watermark block %d and none is newer", wm.Num)}
	}
	if !handedAway && e.Record.Node == e.Node && e.ProducedNewest && e.LastOurBlock.Num > 0 {
		return Admission{Contend: true, Path: PathLastProducer, Why: fmt.Sprintf("this node held the lock last and produced our newest block %d", e.LastOurBlock.Num)}
	}
	return Admission{Why: fmt.Sprintf("our producer missed %d of the %d turns role %s waits for", e.MissedTurns, e.Delay, e.Role)}
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
