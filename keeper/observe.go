package keeper

import (
	"context"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// chainBlock is one block the keeper has seen on its nodeos's chain.
type chainBlock struct {
	num      uint32
	slot     nodeos.Slot
	producer string
}

// observation is what one tick learned from nodeos, plus what it remembers across ticks.
// It is owned by the keeper loop and never shared.
type observation struct {
	reachable bool
	apiStreak int
	apiErrors uint64
	lastErr   error
	// calls holds each read's current run of failures.
	calls [numCalls]callRecord

	head, lib      uint32
	headTime       time.Time
	headSlot       nodeos.Slot
	headProducer   string
	headAdvancedAt time.Time
	libAdvancedAt  time.Time

	paused, pausedKnown bool
	peers               int
	peersKnown          bool

	sched        nodeos.Schedule
	schedKnown   bool
	schedFetched time.Time

	// recent holds the newest blocks seen, in block number order, continuous from coveredFrom.
	recent []chainBlock
	// coveredFrom is the first slot from which every block of the chain has been seen; turns
	// that start before it are never counted as missed.
	coveredFrom nodeos.Slot
	// ours holds the slots of our producer's blocks seen since coveredFrom (bounded).
	ours    []nodeos.Slot
	lastOur Block
}

// scheduleRefresh is how often the active schedule is re-read even when no block announces a
// new schedule version.
const scheduleRefresh = 30 * time.Second

// observe reads nodeos once: head, LIB, the blocks since the last tick, schedule, paused state
// and peers. Failures are recorded in the observation; observe itself never fails.
func (k *Keeper) observe(ctx context.Context, now time.Time) {
	o := &k.obs
	info, err := callNode(ctx, k, k.deps.Node.Info)
	if err != nil {
		o.fail(err)
		return
	}
	o.reachable = true
	o.apiStreak = 0
	o.lastErr = nil
	o.noteCall(callInfo, nil)

	if o.headAdvancedAt.IsZero() || info.Head != o.head {
		o.headAdvancedAt = now
	}
	if o.libAdvancedAt.IsZero() || info.LIB > o.lib {
		o.libAdvancedAt = now
	}
	k.follow(ctx, info)
	o.head, o.lib = info.Head, info.LIB
	o.headTime, o.headProducer = info.HeadTime, info.HeadProducer
	o.headSlot = nodeos.SlotOf(info.HeadTime)

	if !o.schedKnown || now.Sub(o.schedFetched) >= scheduleRefresh {
		k.refreshSchedule(ctx, now)
	}

	if k.cfg.Role.Producer() {
		p, err := callNode(ctx, k, k.deps.Node.Paused)
		o.noteCall(callPaused, err)
		if err != nil {
			o.pausedKnown = false
			o.noteErr(err)
		} else {
			o.paused, o.pausedKnown = p, true
		}
	}
	n, err := callNode(ctx, k, k.deps.Node.Peers)
	o.noteCall(callPeers, err)
	if err != nil {
		o.peersKnown = false
		o.noteErr(err)
	} else {
		o.peers, o.peersKnown = n, true
	}
}

// follow records the blocks between the previous head and info.Head, fetching headers to fill
// the gap (at most MaxBackfill). A gap it cannot fill restarts coverage at the new head.
func (k *Keeper) follow(ctx context.Context, info ChainInfo) {
	o := &k.obs
	head := chainBlock{num: info.Head, slot: nodeos.SlotOf(info.HeadTime), producer: info.HeadProducer}
	switch {
	case len(o.recent) == 0:
		o.restartCoverage(head, k.cfg.Producer)
		return
	case info.Head <= o.recent[len(o.recent)-1].num:
		// Same head, or a fork switch to a shorter or equal chain: forget the replaced blocks.
		last := o.recent[len(o.recent)-1]
		if last.num == head.num && last.slot == head.slot && last.producer == head.producer {
			return
		}
		o.truncateFrom(head.num)
		if len(o.recent) == 0 || o.recent[len(o.recent)-1].num != head.num-1 {
			o.restartCoverage(head, k.cfg.Producer)
			return
		}
		o.add(head, k.cfg.Producer)
		return
	}
	from := o.recent[len(o.recent)-1].num + 1
	if int(info.Head-from) > k.cfg.MaxBackfill {
		o.restartCoverage(head, k.cfg.Producer)
		return
	}
	// The backfill must never hold the loop for long (a holder's fencing waits on it): past one
	// poll interval, or on a failed read, it stops and the next tick continues from the last
	// block read. Missed turns are judged only up to that block (observedSlot), never up to
	// a head whose predecessors are not read yet.
	started := k.now()
	for n := from; n < info.Head; n++ {
		if k.now().Sub(started) > k.cfg.PollInterval {
			return
		}
		h, err := callNode(ctx, k, func(ctx context.Context) (BlockHeader, error) {
			return k.deps.Node.Block(ctx, n)
		})
		o.noteCall(callBlock, err)
		if err != nil {
			o.noteErr(err)
			return
		}
		if h.ScheduleVersion != 0 && o.schedKnown && h.ScheduleVersion != o.sched.Version {
			// Re-read at the end of this tick; the old schedule stays in use until that works.
			o.schedFetched = time.Time{}
		}
		o.add(chainBlock{num: h.Num, slot: nodeos.SlotOf(h.Time), producer: h.Producer}, k.cfg.Producer)
	}
	o.add(head, k.cfg.Producer)
}

// observedSlot is the slot of the newest block read with every block before it since
// coveredFrom: the chain time up to which missed turns can be judged.
func (o *observation) observedSlot() nodeos.Slot {
	if len(o.recent) == 0 {
		return 0
	}
	return o.recent[len(o.recent)-1].slot
}

func (o *observation) restartCoverage(b chainBlock, producer string) {
	o.recent = o.recent[:0]
	o.ours = o.ours[:0]
	o.coveredFrom = b.slot
	o.add(b, producer)
}

func (o *observation) truncateFrom(num uint32) {
	i := len(o.recent)
	for i > 0 && o.recent[i-1].num >= num {
		i--
	}
	o.recent = o.recent[:i]
	var cut nodeos.Slot
	if i > 0 {
		cut = o.recent[i-1].slot
	}
	j := len(o.ours)
	for j > 0 && o.ours[j-1] > cut {
		j--
	}
	o.ours = o.ours[:j]
}

// maxRecent bounds the blocks remembered: enough for the producers window and for eight
// rounds of a 21-producer schedule.
const maxRecent = 4096

// maxOurs bounds the remembered slots of our producer's blocks: more than the longest priority
// delay needs, since one produced turn ends any run of missed turns.
const maxOurs = 256

func (o *observation) add(b chainBlock, producer string) {
	if len(o.recent) >= maxRecent {
		n := copy(o.recent, o.recent[len(o.recent)-maxRecent/2:])
		o.recent = o.recent[:n]
	}
	o.recent = append(o.recent, b)
	if b.producer == producer {
		o.noteOurs(b)
	}
}

func (o *observation) noteOurs(b chainBlock) {
	if len(o.ours) >= maxOurs {
		n := copy(o.ours, o.ours[len(o.ours)-maxOurs/2:])
		o.ours = o.ours[:n]
	}
	o.ours = append(o.ours, b.slot)
	if b.num > o.lastOur.Num || b.slot > nodeos.Slot(o.lastOur.Slot) {
		o.lastOur = Block{Num: b.num, Slot: uint32(b.slot)}
	}
}

func (o *observation) fail(err error) {
	o.noteCall(callInfo, err)
	o.reachable = false
	o.apiStreak++
	o.apiErrors++
	o.lastErr = err
	o.pausedKnown = false
	o.peersKnown = false
}

func (o *observation) noteErr(err error) {
	o.apiErrors++
	o.lastErr = err
}

func (k *Keeper) refreshSchedule(ctx context.Context, now time.Time) {
	s, err := callNode(ctx, k, k.deps.Node.Schedule)
	k.obs.noteCall(callSchedule, err)
	if err != nil {
		k.obs.noteErr(err)
		return
	}
	if k.obs.schedKnown && s.Version != k.obs.sched.Version {
		k.log.Info("producer schedule changed", "old_version", k.obs.sched.Version, "new_version", s.Version, "producers", len(s.Producers))
	}
	k.obs.sched, k.obs.schedKnown, k.obs.schedFetched = s, true, now
}

// missedTurns returns how many of our producer's most recent turns, each ended at least the
// propagation margin ago by the head's chain time, had no block of ours, counting only turns
// that started at or after since and after observation began.
func (k *Keeper) missedTurns(since nodeos.Slot, limit int) int {
	o := &k.obs
	if !o.schedKnown || !o.reachable && o.head == 0 {
		return 0
	}
	if since < o.coveredFrom {
		since = o.coveredFrom
	}
	margin := nodeos.Slot(k.cfg.MarginSlots)
	now := o.observedSlot()
	if now < margin {
		return 0
	}
	return len(o.sched.MissedTurns(k.cfg.Producer, o.ours, since, now-margin, limit))
}

// distinctProducers counts the producers of the last window blocks, and reports whether that
// many blocks have been seen.
func (o *observation) distinctProducers(window int) (int, bool) {
	seen := make(map[string]struct{}, 32)
	start := len(o.recent) - window
	full := start >= 0 || (len(o.recent) > 0 && o.recent[len(o.recent)-1].num-o.recent[0].num+1 >= uint32(window))
	if start < 0 {
		start = 0
	}
	for _, b := range o.recent[start:] {
		seen[b.producer] = struct{}{}
	}
	return len(seen), full
}

// callNode runs one nodeos call with the keeper's per-call timeout.
func callNode[T any](ctx context.Context, k *Keeper, f func(context.Context) (T, error)) (T, error) {
	cctx, cancel := k.within(ctx, k.cfg.CallTimeout)
	defer cancel()
	v, err := f(cctx)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("nodeos: %w", err)
	}
	return v, nil
}
