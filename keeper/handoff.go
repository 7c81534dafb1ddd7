package keeper

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
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
// maintenance), not demoted, and with a head that reached the watermark, ordered by priority
// delay (A, B, C) and then name. An error or an empty choice hands nothing on.
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
		case s.Head < wm.Num:
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

// resignHandoff builds the record of a resignation whose nodeos is confirmed stopped, or nil
// when no standby qualifies.
func (k *Keeper) resignHandoff(ctx context.Context, reason string, stoppedAt time.Time) *Handoff {
	wm := k.watermark
	if k.obs.lastOur.Num > wm.Num {
		wm = k.obs.lastOur
	}
	succ := k.successors(ctx, wm)
	if len(succ) == 0 {
		return nil
	}
	return &Handoff{To: succ[0].Node, Watermark: wm, Successors: succ, Reason: reason, Head: k.obs.head, StoppedAt: stoppedAt}
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
	if !ok || e.LastOurBlock.Num > h.Watermark.Num {
		return Admission{}, false
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
