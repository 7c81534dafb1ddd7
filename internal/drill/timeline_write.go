package drill

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// timelineFile is the name of a scenario's timeline in its run directory.
const timelineFile = "timeline.svg"

// timelineLead is how many of our turns before the fault's a timeline keeps.
const timelineLead = 6

// writeTimeline draws scenario r's timeline from the referee's ledger and verdict into path:
// the producing hosts' lanes, the fault, and the new producer's takeover (when its status
// reports one since the fault). The fault and the takeover are wall times, placed on the
// chain's slots by the chain's clock (one slot per block interval).
func (c *Cluster) writeTimeline(ctx context.Context, r Result, path string) error {
	ledger, err := c.ledger(ctx)
	if err != nil {
		return err
	}
	ref, err := c.referee(ctx)
	if err != nil {
		return err
	}
	st, err := c.chain(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	toSlot := func(at time.Time) nodeos.Slot {
		back := nodeos.Slot(max(now.Sub(at), 0) / c.opts.BlockInterval)
		return st.Slot - min(back, st.Slot)
	}
	var nodes []string
	for _, h := range hostOrder {
		if hh, ok := c.hosts[h]; ok && priority[hh.role] > 0 {
			nodes = append(nodes, h)
		}
	}
	tl := buildTimeline(ledger, ref, nodeos.Schedule{Producers: st.Schedule}, c.ours, nodes)
	tl.Title = fmt.Sprintf("%d%s: %s (%s)", r.ID, r.Sub, r.Name, r.Policy)
	if !c.faultAt.IsZero() {
		tl.Fault = toSlot(c.faultAt)
	}
	if r.NewProducer != "" && c.policy != policySeed {
		if t, err := c.lastTakeover(ctx, r.NewProducer); err == nil && t != nil && !t.At.Before(c.faultAt) {
			tl.Takeover, tl.TakeoverLabel = toSlot(t.At), takeoverLabel(r.NewProducer, t)
		}
	}
	tl = tl.from(tl.Fault, timelineLead)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("drill: timeline: %w", err)
	}
	if err := tl.WriteSVG(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("drill: timeline: %w", err)
	}
	return nil
}

func takeoverLabel(node string, t *keeper.Takeover) string {
	return fmt.Sprintf("%s (%s)", node, t.Path)
}

// from drops the turns more than lead turns before slot's (none when slot is zero).
func (t Timeline) from(slot nodeos.Slot, lead int) Timeline {
	if slot == 0 {
		return t
	}
	i := 0
	for i+1 < len(t.Turns) && t.Turns[i+1].First <= slot {
		i++
	}
	if cut := i - lead; cut > 0 {
		t.Turns = t.Turns[cut:]
	}
	return t
}

// CopyTimelines copies every scenario's timeline from runDir (as Run leaves them, one per
// scenario directory) into dir, named after the scenario directory, and returns the files
// written, sorted.
func CopyTimelines(runDir, dir string) ([]string, error) {
	srcs, err := filepath.Glob(filepath.Join(runDir, "*", timelineFile))
	if err != nil {
		return nil, fmt.Errorf("drill: timelines: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("drill: timelines: %w", err)
	}
	var out []string
	for _, src := range srcs {
		b, err := os.ReadFile(src)
		if err != nil {
			return out, fmt.Errorf("drill: timelines: %w", err)
		}
		dst := filepath.Join(dir, filepath.Base(filepath.Dir(src))+".svg")
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return out, fmt.Errorf("drill: timelines: %w", err)
		}
		out = append(out, dst)
	}
	sort.Strings(out)
	return out, nil
}
