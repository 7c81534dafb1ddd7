package nodeos

import (
	"strconv"
	"time"
)

// EventKind tells which nodeos log line an Event was parsed from.
type EventKind uint8

// Event kinds, one per nodeos log message the follower understands (docs/nodeos.md §2).
const (
	// EventUnknown is the zero EventKind; ParseLine never returns it.
	EventUnknown EventKind = iota
	// EventProduced is "Produced block …": this node signed the block.
	EventProduced
	// EventReceived is "Received block …": a block from the network was applied.
	EventReceived
	// EventForkSwitch is "switching forks from … to …".
	EventForkSwitch
	// EventForkSwitched is "successfully switched fork to new head …".
	EventForkSwitched
	// EventDoubleProduced is "<producer> double produced block <n>" (Spring ≥ 1.1.1).
	EventDoubleProduced
	// EventDoubleConfirm is "producer <name> double-confirming known range" (legacy consensus),
	// usually a continuation line of an exception message.
	EventDoubleConfirm
	// EventProducerPaused is "Producer paused.".
	EventProducerPaused
	// EventProducerResumed is "Producer resumed." or "Producer resumed. Scheduling production.".
	EventProducerResumed
	// EventNotProducing is "Not producing block because …"; Reason says why.
	EventNotProducing
	// EventFinalizerPolicyChange is "Finalizer policy generation change: a -> b" or
	// "New finalizer policy becoming active in block …".
	EventFinalizerPolicyChange

	numEventKinds // one past the last kind
)

// String returns the kind's name, as used in logs.
func (k EventKind) String() string {
	switch k {
	case EventProduced:
		return "produced"
	case EventReceived:
		return "received"
	case EventForkSwitch:
		return "fork_switch"
	case EventForkSwitched:
		return "fork_switched"
	case EventDoubleProduced:
		return "double_produced"
	case EventDoubleConfirm:
		return "double_confirm"
	case EventProducerPaused:
		return "producer_paused"
	case EventProducerResumed:
		return "producer_resumed"
	case EventNotProducing:
		return "not_producing"
	case EventFinalizerPolicyChange:
		return "finalizer_policy_change"
	}
	return "unknown(" + strconv.Itoa(int(k)) + ")"
}

// Level is the fc log level column of a nodeos log line.
type Level uint8

// Log levels. LevelNone marks lines without a level column (EOSIO 1.x prefixes and
// exception continuation lines).
const (
	LevelNone Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
)

// String returns the level as nodeos prints it, without padding.
func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelWarn:
		return "warn"
	case LevelError:
		return "error"
	}
	return "none"
}

// NotProducingReason is why nodeos did not produce a block in one of its producer's slots
// (Spring's determine_pending_block_mode, in its order of evaluation).
type NotProducingReason uint8

// Reasons of an EventNotProducing.
const (
	// ReasonOther is a "Not producing block because" message this package does not know.
	ReasonOther NotProducingReason = iota
	// ReasonStaleProduction: "stale production not enabled" (Spring ≥ 1.2).
	ReasonStaleProduction
	// ReasonNoKeys: "I don't have any private keys relevant to authority".
	ReasonNoKeys
	// ReasonPaused: "production is explicitly paused".
	ReasonPaused
	// ReasonIrreversibleTooOld: "the irreversible block is too old".
	ReasonIrreversibleTooOld
	// ReasonNoRecentVotes: Spring's implicit vote-timeout pause ("no recent votes …", all forms).
	ReasonNoRecentVotes
	// ReasonMaxReversible: "max-reversible-blocks N reached".
	ReasonMaxReversible
	// ReasonWatermark: "\"<producer>\" signed a block at …" (legacy watermark check).
	ReasonWatermark
)

// String returns the reason's name, as used in logs.
func (r NotProducingReason) String() string {
	switch r {
	case ReasonOther:
		return "other"
	case ReasonStaleProduction:
		return "stale_production_disabled"
	case ReasonNoKeys:
		return "no_keys"
	case ReasonPaused:
		return "paused"
	case ReasonIrreversibleTooOld:
		return "irreversible_too_old"
	case ReasonNoRecentVotes:
		return "no_recent_votes"
	case ReasonMaxReversible:
		return "max_reversible"
	case ReasonWatermark:
		return "watermark"
	}
	return "unknown(" + strconv.Itoa(int(r)) + ")"
}

// ForkHead is one side of a fork switch as nodeos logs it.
type ForkHead struct {
	// ID is the full block id (64 hex chars) as printed.
	ID string
	// Num is the block number.
	Num uint32
	// Producer is the head block's producer; only Spring ≥ 1.1.1 prints it.
	Producer string
}

// NoConfirmed is Event.Confirmed when the line has no confirmed count (Savanna blocks in
// Spring ≥ 1.0.2, and lines that never carry one).
const NoConfirmed = -1

// Event is one parsed nodeos log line. Fields a line does not carry are zero, except
// Confirmed, which is NoConfirmed. Its strings share one copy of the line (from a Follower,
// of the lines read together with it), so keeping an Event keeps that copy.
type Event struct {
	// Kind tells which message the line carries.
	Kind EventKind
	// Level is the line's log level.
	Level Level
	// LogTime is the time the line was written (UTC, from the line prefix).
	LogTime time.Time
	// Thread is the logging thread ("nodeos", "net-0", "thread-0", …).
	Thread string
	// File and Line are the source location; File is truncated to 22 chars by nodeos.
	File string
	Line int
	// Method is the logging function, truncated to 20 chars by nodeos.
	Method string

	// BlockNum is the block number of Produced/Received/DoubleProduced lines, and the head
	// block of a max-reversible NotProducing line.
	BlockNum uint32
	// BlockID is the block id as shown: the 16 hex chars of a Produced/Received line
	// (see IDMatches), or the full id of "New finalizer policy becoming active in block".
	BlockID string
	// BlockTime is the block timestamp (Produced/Received), or the timestamp of the block
	// that was not produced (NotProducing, Spring only).
	BlockTime time.Time
	// BlockSlot is SlotOf(BlockTime) when BlockTime is set.
	BlockSlot Slot
	// Producer is the block's producer (Produced/Received), the double producer or
	// double confirmer, or the producer named by a watermark NotProducing line.
	Producer string
	// LIB is the last irreversible block number the line reports.
	LIB uint32
	// Confirmed is the legacy confirmed count, or NoConfirmed.
	Confirmed int
	// Trxs is the number of transactions in the block.
	Trxs int
	// Latency is the block's receive latency (Received only; negative when early).
	Latency time.Duration
	// Reason says why a block was not produced (NotProducing only).
	Reason NotProducingReason
	// ForkFrom and ForkTo are the old and new heads of a fork switch; ForkSwitched sets
	// only ForkTo.ID.
	ForkFrom, ForkTo ForkHead
	// PolicyGenFrom and PolicyGenTo are the finalizer policy generations of a
	// "Finalizer policy generation change" line.
	PolicyGenFrom, PolicyGenTo uint32
	// Text is the message after the "] " marker (the whole line for continuation lines).
	Text string
}

// IDMatches reports whether the block id shown in a Produced/Received line belongs to the
// full 64-hex block id. nodeos shows id[8:24]; EOSIO 1.0-1.8 Produced lines showed id[0:16],
// which starts with the block number in hex.
func (e Event) IDMatches(fullID string) bool {
	if len(e.BlockID) != 16 || len(fullID) < 24 {
		return false
	}
	return fullID[8:24] == e.BlockID || fullID[0:16] == e.BlockID
}
