package keeper

import (
	"context"
	"errors"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// Node is the keeper's view of its local nodeos. NodeosNode adapts a *nodeos.Client to it.
type Node interface {
	// Info returns the chain head and LIB as nodeos reports them.
	Info(ctx context.Context) (ChainInfo, error)
	// Block returns the header of block num on nodeos's current fork.
	Block(ctx context.Context, num uint32) (BlockHeader, error)
	// Schedule returns the active producer schedule.
	Schedule(ctx context.Context) (nodeos.Schedule, error)
	// Paused reports whether production is paused.
	Paused(ctx context.Context) (bool, error)
	// Pause pauses production.
	Pause(ctx context.Context) error
	// Resume resumes production.
	Resume(ctx context.Context) error
	// Peers returns the number of connected p2p peers.
	Peers(ctx context.Context) (int, error)
}

// ChainInfo is the part of get_info the keeper uses.
type ChainInfo struct {
	Head         uint32
	HeadTime     time.Time
	HeadProducer string
	LIB          uint32
}

// BlockHeader is the part of a block header the keeper uses.
type BlockHeader struct {
	Num             uint32
	Time            time.Time
	Producer        string
	ScheduleVersion uint32
}

// Lock is the producer's lock as the keeper sees it. ElectionLock adapts an *election.Election.
type Lock interface {
	// Acquire makes one attempt to take the lock carrying rec. It returns ErrLockHeld when
	// another session holds it (or lock-delay is in effect), or when rec.Term is set and the
	// lock's value was written by another tenure since (the caller decided on a stale view).
	// The new value gets a Term of its own.
	Acquire(ctx context.Context, rec LockRecord) (Term, error)
	// Watch returns a channel that delivers the latest view of the lock and the operator's
	// flags whenever they change, until ctx ends. The first view arrives promptly.
	Watch(ctx context.Context) <-chan LockView
}

// ErrLockHeld is returned by Lock.Acquire when the lock cannot be taken now.
var ErrLockHeld = errors.New("keeper: lock held or in lock-delay")

// Term is one tenure of the lock.
type Term interface {
	// Lost closes when holding the lock can no longer be proven.
	Lost() <-chan struct{}
	// FenceBy is the instant by which nodeos must be paused once Lost has closed.
	FenceBy() time.Time
	// SetWatermark records our producer's newest block in the lock's value, only while held.
	SetWatermark(ctx context.Context, wm Block) error
	// Release gives the lock up, recording the hand-off when h is not nil.
	Release(ctx context.Context, h *Handoff) error
	// Retire finishes a Release that failed: it frees the lock if this term's session still
	// holds it, and returns nil once nothing of the term holds the lock.
	Retire(ctx context.Context) error
}

// LockRecord is the content of the lock's value.
type LockRecord struct {
	Node      string
	Role      Role
	Watermark Block
	// Term identifies the tenure that wrote the record (the Consul session): every
	// acquisition writes a new one, so a standby can tell that the lock was taken even when
	// its watch missed the whole tenure.
	Term string
	// Handoff names the node a planned switchover hands production to; it stays in the value
	// after release.
	Handoff *Handoff
}

// Handoff is the record a holder leaves in the lock's value when it gives the lock up with
// its producer stopped: a planned switchover names its target (To); a holder resigning for a
// fault of its own names an ordered list of Successors. The named nodes may resume without
// waiting for the missed-turn evidence.
type Handoff struct {
	// To is the target of a switchover, and the first successor of a resignation.
	To        string
	Watermark Block
	// Successors lists the nodes that may take over, in order, each from After past the
	// moment it sees the lock free; empty for a switchover (To alone, at once).
	Successors []Successor
	// Reason is why the old holder gave the lock up; empty for a switchover.
	Reason string
	// Head is the old holder's head block when it released: a successor whose own head is
	// more than MaxHandoffAge of chain time past it ignores the record.
	Head uint32
	// StoppedAt is when the old holder's nodeos was confirmed stopped (its clock).
	StoppedAt time.Time
	// ResumeFrom, when set, is the slot before which no successor resumes: the end of the turn
	// the old holder resigned in, plus the propagation margin.
	ResumeFrom uint32
}

// Successor is one node a hand-off names and its head start.
type Successor struct {
	Node  string
	After time.Duration
}

// position returns where node stands in the hand-off: its index and delay, or ok false
// when the record does not name it.
func (h *Handoff) position(node string) (i int, after time.Duration, ok bool) {
	if len(h.Successors) == 0 {
		return 0, 0, h.To == node
	}
	for i, s := range h.Successors {
		if s.Node == node {
			return i, s.After, true
		}
	}
	return 0, 0, false
}

// Peers reads the statuses the other agents of our producer last published, so a resigning
// holder can name its successors. KVPeers reads them from Consul.
type Peers interface {
	// Statuses returns the latest published status of every agent (this one's included).
	Statuses(ctx context.Context) ([]Status, error)
}

// LockView is what Watch delivers.
type LockView struct {
	// Held reports whether a session holds the lock; Record is the value even when free.
	Held   bool
	Record LockRecord
	// Maintenance is the operator's maintenance flag.
	Maintenance       bool
	MaintenanceReason string
	// SwitchoverTo, when set, asks the holder to hand production to that node; SwitchoverAt
	// is when the operator asked. A request older than MaxSwitchoverAge is ignored, so one
	// left behind by a killed command cannot move production later.
	SwitchoverTo string
	SwitchoverAt time.Time
	// Err is the last error of the watch, nil when the view is fresh.
	Err error
}

// LogEvent is a line of nodeos's log that matters to the keeper. FollowerEvents adapts a
// nodeos.Follower's events.
type LogEvent struct {
	Kind     LogEventKind
	Num      uint32
	Slot     nodeos.Slot
	Producer string
	Text     string
}

// LogEventKind tells the log events apart.
type LogEventKind int

// The log events the keeper reacts to.
const (
	// LogProduced: this node's nodeos signed a block.
	LogProduced LogEventKind = iota + 1
	// LogDoubleProduced: nodeos switched forks between two blocks of one number by one producer.
	LogDoubleProduced
	// LogImplicitPause: nodeos did not produce because no recent finalizer votes arrived.
	LogImplicitPause
)

// AlertSink receives alert changes (fired and resolved). Notify must not block; a
// *notify.Dispatcher is one.
type AlertSink interface {
	Notify(a notify.Alert)
}

// StatusSink receives the status snapshot every tick. Publish must not block.
type StatusSink interface {
	Publish(s Status)
}

// Deps are the keeper's collaborators.
type Deps struct {
	Node Node
	// Lock is required for roles A, B and C; role F may leave it nil.
	Lock Lock
	// Events, when set, delivers this node's log events (Produced block and friends).
	Events <-chan LogEvent
	Alerts AlertSink
	Sinks  []StatusSink
	// Finalizer, when set, activates this node's finalizer key on takeover (Savanna chains).
	Finalizer Finalizer
	// Peers, when set, lets a holder that resigns with its nodeos confirmed stopped hand
	// production to the best standbys at once; without it the standbys wait for evidence.
	Peers Peers
	// RunCommand runs an operator command: the fence command and the on_promote/on_demote
	// hooks. Nil uses RunCommand (os/exec, no shell).
	RunCommand func(ctx context.Context, argv []string) error
	// Clock supplies the current time and timers; nil uses SystemClock.
	Clock Clock
}
