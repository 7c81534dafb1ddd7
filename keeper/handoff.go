package keeper

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Hand-off bounds.
const (
	// PeerFreshness is how recently a standby must have published its status to be named a
	// successor: three of the agents' 5 s publication intervals.
	PeerFreshness = 15 * time.Second
	// maxSuccessors bounds the list a hand-off names.
	maxSuccessors = 3
)

// successors chooses, from the agents' published statuses, the standbys a resigning holder
// hands production to: fresh, healthy, confirmed paused, standing by (not starting, not in
// maintenance), not demoted, and on our chain, ordered by priority delay (A, B, C) and then
// name. An error or an empty choice hands nothing on.
//
// A published head is as old as its status (up to PeerFreshness), and the chain's real block
// interval may differ from the configured one (an accelerated test chain), so "on our chain"
// means a head within MaxHandoffAge of chain time of the watermark, the bound a successor
// itself applies to the record. A named successor still waits until its own nodeos holds the
// watermark block (handoffAdmits): choosing a standby a few blocks behind costs nothing.
func (k *Keeper) successors(ctx context.Context, wm Block) []Successor {
	if k.deps.Peers == nil || k.lock.Maintenance {
		return nil
	}
	cctx, cancel := k.within(ctx, k.cfg.CallTimeout)
	defer cancel()
	all, err := k.deps.Peers.Statuses(cctx)
	if err != nil {
		k.log.Warn("cannot read the standbys' statuses; handing nothing on", "error", err)
		return nil
	}
	now := k.now()
	var fit []Status
	for _, s := range all {
		switch {
		case s.Node == k.cfg.Node || s.Producer != k.cfg.Producer || !s.Role.Producer():
		case now.Sub(s.Time) > PeerFreshness || s.Time.After(now.Add(PeerFreshness)):
		case s.State != Standby || !s.Healthy || !s.PausedKnown || !s.Paused || s.Demoted:
		case s.Head+uint32(k.cfg.MaxHandoffAge/k.cfg.BlockInterval) < wm.Num:
		default:
			fit = append(fit, s)
		}
	}
	slices.SortFunc(fit, func(a, b Status) int {
		return cmp.Or(cmp.Compare(k.cfg.PriorityDelays[a.Role], k.cfg.PriorityDelays[b.Role]), cmp.Compare(a.Node, b.Node))
	})
	var out []Successor
	for i, s := range fit[:min(len(fit), maxSuccessors)] {
		out = append(out, Successor{Node: s.Node, After: time.Duration(i) * k.cfg.HandoffStagger})
	}
	return out
}

// blocksSince returns how many blocks the chain can have made between t and now: one per
// BlockInterval, and one more for a block on its way at t.
func (k *Keeper) blocksSince(t, now time.Time) uint32 {
	if k.cfg.BlockInterval <= 0 {
		return 0
	}
	return uint32(max(now.Sub(t), 0)/k.cfg.BlockInterval) + 1
}

// resignHandoff builds the record of a resignation whose nodeos is confirmed stopped, or nil
// when no standby qualifies. answers reports that nodeos answered (it is confirmed paused)
// rather than being down or fenced.
//
// Our nodeos may have signed blocks since the last tick read it. One that answers is read
// again, so the watermark and head cover them. One that cannot be read vouches by its head
// instead: Head is then the highest block the chain can have reached by stoppedAt (see
// stopPoint), and the successors accept our blocks up to it (handoffAdmits). Without this, a
// nodeos that died just after signing blocks the holder had not read left a watermark older
// than our newest block, every successor refused the record, and production waited for the
// evidence rule.
func (k *Keeper) resignHandoff(ctx context.Context, reason string, stoppedAt time.Time, answers bool) *Handoff {
	head, slot := k.stopPoint(ctx, stoppedAt, answers)
	wm := k.watermark
	if k.obs.lastOur.Num > wm.Num {
		wm = k.obs.lastOur
	}
	succ := k.successors(ctx, wm)
	if len(succ) == 0 {
		return nil
	}
	return &Handoff{To: succ[0].Node, Watermark: wm, Successors: succ, Reason: reason, Head: head, StoppedAt: stoppedAt,
		ResumeFrom: k.resumeFrom(slot)}
}

// stopPoint returns where our nodeos may have got to when it stopped: the highest block
// number our producer's blocks on this node's nodeos can carry, and the latest slot in which
// it may have signed one. A nodeos that answers is observed again and its head is returned.
// Otherwise it is the head last read plus the blocks (and slots) the chain can have made
// since the head last advanced (blocksSince): the chain makes at most one block a slot, so no
// block our nodeos signed before stoppedAt is numbered higher or lies in a later slot.
func (k *Keeper) stopPoint(ctx context.Context, stoppedAt time.Time, answers bool) (uint32, nodeos.Slot) {
	o := &k.obs
	if answers {
		k.observe(ctx, k.now())
		if o.reachable {
			return o.head, o.headSlot
		}
	}
	if o.head == 0 || o.headAdvancedAt.IsZero() {
		return o.head, o.headSlot
	}
	since := k.blocksSince(o.headAdvancedAt, stoppedAt)
	return o.head + since, o.headSlot + nodeos.Slot(since)
}

// resumeFrom returns the slot before which no successor resumes: when a turn of our producer
// was under way at any slot from the head last read up to stop (stopPoint), the end of the
// latest such turn plus the propagation margin; zero otherwise. A block our nodeos signed
// before it stopped can still reach the chain, and a successor resuming in the same turn would
// sign beside it; a turn's blocks come from one node. The head last read of a nodeos that died
// may still be the block before our turn while our nodeos already signed the turn's first
// block, which is why the window reaches the stop and not only the head read. It is chain
// time, so it holds on a chain of any block interval; the successors compare it with their
// own head.
func (k *Keeper) resumeFrom(stop nodeos.Slot) uint32 {
	o := &k.obs
	if !o.schedKnown || o.head == 0 {
		return 0
	}
	// The latest turn of ours that began by the stop.
	turn, ok := o.sched.CurrentTurn(k.cfg.Producer, stop)
	if !ok {
		next, scheduled := o.sched.NextTurn(k.cfg.Producer, stop)
		round := nodeos.Slot(o.sched.RoundBlocks())
		if !scheduled || next.First < round {
			return 0
		}
		turn = nodeos.Turn{Producer: next.Producer, First: next.First - round, End: next.End - round}
	}
	// A turn that had ended by the head read left its blocks in what was read.
	if turn.End <= o.headSlot {
		return 0
	}
	return uint32(turn.End) + uint32(k.cfg.MarginSlots)
}

// handoffAdmits applies the hand-off rule for this node: named in the record, its turn in the
// list has come, its chain holds the watermark block and nothing of ours newer, and the record
// is not stale.
func handoffAdmits(e Evidence) (Admission, bool) {
	h := e.Record.Handoff
	if h == nil {
		return Admission{}, false
	}
	i, after, ok := h.position(e.Node)
	// A resignation vouches for our blocks up to the old holder's head at its stop: it held
	// the lock until then, so they are its own nodeos's. A newer one is another node's.
	newest := h.Watermark.Num
	if h.Reason != "" || len(h.Successors) > 0 {
		newest = max(newest, h.Head)
	}
	if !ok || e.LastOurBlock.Num > newest {
		return Admission{}, false
	}
	if h.ResumeFrom != 0 && uint32(e.HeadSlot) < h.ResumeFrom {
		return Admission{Why: fmt.Sprintf("hand-off to this node waits for the end of the turn the old holder resigned in (slot %d, head at %d)", h.ResumeFrom, e.HeadSlot)}, true
	}
	if h.Head != 0 {
		if e.Head < h.Watermark.Num {
			return Admission{Why: fmt.Sprintf("hand-off to this node waits for our block %d to reach its nodeos (head %d)", h.Watermark.Num, e.Head)}, true
		}
		if e.Head-min(e.Head, h.Head) > e.MaxHandoffBlocks {
			return Admission{}, false
		}
	}
	if e.FreeFor < after {
		return Admission{Why: fmt.Sprintf("hand-off names this node successor %d; acquiring %s after the lock freed (%s so far)", i+1, after, e.FreeFor.Round(time.Millisecond))}, true
	}
	why := fmt.Sprintf("hand-off to %s at block %d", e.Node, h.Watermark.Num)
	path := PathSwitchover
	if h.Reason != "" || len(h.Successors) > 0 {
		path = PathHandoff
		why += fmt.Sprintf(" (%s resigned: %s)", nonEmpty(e.Record.Node, "the holder"), nonEmpty(h.Reason, "no reason given"))
	}
	return Admission{Contend: true, Path: path, Why: why}, true
}
