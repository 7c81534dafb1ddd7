package drill

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// faultTiming places a fault relative to our producer's turns.
type faultTiming int

const (
	// anyTime injects the fault whenever the scenario reaches it.
	anyTime faultTiming = iota
	// betweenTurns injects it right after one of our turns ends.
	betweenTurns
	// insideTurn injects it at the first slot of one of our turns.
	insideTurn
)

// Detection allowances of a hand-off: how long after the fault the successor may resume.
const (
	// pauseConfirm is how long a holder tries to confirm its nodeos paused before it treats a
	// node that refuses connections as down (keeper/pause.go).
	pauseConfirm = 2 * time.Second
	// apiFailures is the agents' streak of failed nodeos calls that makes nodeos unhealthy.
	apiFailures = 5
	// handoffStagger is keeper.Config.HandoffStagger: the second successor's head start.
	handoffStagger = 3 * time.Second
)

// crashDetect is how long after its nodeos dies a holder has resigned and its successor
// resumed: the failure streak at the poll interval, the pause attempts, and a second for the
// release, the acquisition and the resume.
func (c *Cluster) crashDetect() time.Duration {
	return apiFailures*c.opts.PollInterval + pauseConfirm + time.Second
}

// turnsStarting counts our turns that start within d of the fault when the first starts
// first after it (one per round from then on).
func (c *Cluster) turnsStarting(d, first time.Duration) int {
	if d <= first {
		return 0
	}
	return int(math.Ceil(float64(d-first) / float64(c.opts.roundWall())))
}

// turnWall is the wall time of one turn (12 blocks).
func (o Options) turnWall() time.Duration {
	return nodeos.ProducerRepetitions * o.BlockInterval
}

// handoffMax is the most turns a hand-off may lose when the successor resumes d after a fault
// placed by t: the goal (0 between our turns, 1 inside one) plus every turn of ours that
// starts before the successor resumes, which an accelerated chain packs into d.
func (c *Cluster) handoffMax(t faultTiming, d time.Duration) int {
	switch t {
	case betweenTurns:
		return c.turnsStarting(d, c.opts.roundWall()-c.opts.turnWall())
	case insideTurn:
		return 1 + c.turnsStarting(d, c.opts.roundWall())
	default:
		return 1 + c.turnsStarting(d, 0)
	}
}

// setBounds sets r's bounds for the policy under test: the hand-off's (0 to handoffMax)
// where the agents hand production on, the evidence rule's where they cannot.
func (c *Cluster) setBounds(r *Result, handoffMax, evidenceMin, evidenceMax int) {
	if c.policy == policyEvidence {
		r.MinMissed, r.MaxMissed = evidenceMin, evidenceMax
		return
	}
	r.MinMissed, r.MaxMissed = 0, handoffMax
}

// schedule returns the chain's slot and schedule as nodeosnet reports them.
func (c *Cluster) schedule(ctx context.Context) (nodeos.Slot, nodeos.Schedule, error) {
	st, err := c.chain(ctx)
	if err != nil {
		return 0, nodeos.Schedule{}, err
	}
	if len(st.Schedule) == 0 {
		return 0, nodeos.Schedule{}, fmt.Errorf("drill: nodeosnet reports no schedule")
	}
	return st.Slot, nodeos.Schedule{Producers: st.Schedule}, nil
}

// waitSlot waits until the chain reaches slot target: it sleeps until two blocks before, then
// polls nodeosnet's clock ten times per block.
func (c *Cluster) waitSlot(ctx context.Context, target nodeos.Slot) error {
	bi := c.opts.BlockInterval
	for {
		slot, _, err := c.schedule(ctx)
		if err != nil {
			return err
		}
		if slot >= target {
			return nil
		}
		wait := bi / 10
		if ahead := target - slot; ahead > 2 {
			wait = time.Duration(ahead-2) * bi
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
	}
}

// waitTiming waits for the moment t names: the first slot after one of our turns ends, or
// the first slot of one of our turns. anyTime returns at once.
func (c *Cluster) waitTiming(ctx context.Context, t faultTiming) error {
	if t == anyTime {
		return nil
	}
	slot, sched, err := c.schedule(ctx)
	if err != nil {
		return err
	}
	next, ok := sched.NextTurn(c.ours, slot)
	if !ok {
		return fmt.Errorf("drill: %s is not in the schedule", c.ours)
	}
	target := next.First
	if t == betweenTurns {
		target = next.End
		if cur, ok := sched.CurrentTurn(c.ours, slot); ok {
			target = cur.End
		}
	}
	return c.waitSlot(ctx, target)
}

// observeOurTurn waits d, then until the end of our first turn that starts after that, so the
// figures include a whole turn of ours.
func (c *Cluster) observeOurTurn(ctx context.Context, d time.Duration) error {
	if err := sleepCtx(ctx, d); err != nil {
		return err
	}
	slot, sched, err := c.schedule(ctx)
	if err != nil {
		return err
	}
	next, ok := sched.NextTurn(c.ours, slot)
	if !ok {
		return fmt.Errorf("drill: %s is not in the schedule", c.ours)
	}
	return c.waitSlot(ctx, next.End)
}

// settle is how long a scenario lets a takeover settle before its next step: two rounds, at
// most 5 s (a 21-producer round is two minutes).
func (c *Cluster) settle() time.Duration { return min(c.rounds(2), 5*time.Second) }

// takeoverTimeout bounds the wait for a new producer: a minute, or the evidence rule's two
// missed turns and two rounds more on a slow chain.
func (c *Cluster) takeoverTimeout(base time.Duration) time.Duration {
	return max(base, c.rounds(float64(priority["B"]+2)))
}
