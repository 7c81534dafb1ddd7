package drill

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// Detection allowances: how long A's agent may take to give up a failed nodeos before B can
// take over. hungDetect: 5 failed API calls of 1 s, 2 s of pause attempts, the fence command.
const hungDetect = 8 * time.Second

// turnsIn is how many of our producer's turns (one per round) pass in d, rounded up.
func (c *Cluster) turnsIn(d time.Duration) int {
	return int(math.Ceil(float64(d) / float64(c.opts.roundWall())))
}

// seedRestartsUnpaused models the seed's primary: its nodeos has no pause-on-startup, so a
// restarted A produces at once.
func (c *Cluster) restartNodeos(ctx context.Context, name string) error {
	if err := c.nodeAction(ctx, name, "restart"); err != nil {
		return err
	}
	if c.policy == policySeed && name == "a" {
		return c.nodeosResume(ctx, "a")
	}
	return nil
}

// restartIfFenced restarts A's nodeos when its agent's fence command killed it, as systemd's
// Restart=always would, and names what happened to A.
func (c *Cluster) restartIfFenced(ctx context.Context, what string) (string, error) {
	nodes, err := c.nodes(ctx)
	if err != nil {
		return "", err
	}
	if nodes["a"].Alive {
		return what, nil
	}
	return "A fenced (killed), restarted", c.restartNodeos(ctx, "a")
}

// liftAndJudge lifts the fault, restarts A's nodeos when its agent fenced it (as systemd would),
// lets three rounds pass, and judges A's state and the turns missed since f.
func (c *Cluster) liftAndJudge(ctx context.Context, f fault, r *Result, lift func(context.Context) error, what string) error {
	if err := lift(ctx); err != nil {
		return err
	}
	what, err := c.restartIfFenced(ctx, what)
	if err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(3)); err != nil {
		return err
	}
	if err := c.checkAPaused(ctx, f, r, what); err != nil {
		return err
	}
	return c.countAfter(ctx, f.slot, "a", r)
}

// checkAPaused notes a failure when A's nodeos produces again after it was restarted.
func (c *Cluster) checkAPaused(ctx context.Context, f fault, r *Result, what string) error {
	nodes, err := c.nodes(ctx)
	if err != nil {
		return err
	}
	a := nodes["a"]
	switch {
	case c.policy == policySeed && !a.Paused:
		r.Note = appendNote(r.Note, what+": A unpaused beside "+strings.ToUpper(r.NewProducer))
	case !a.Paused:
		r.Note = appendNote(r.Note, "FAIL: "+what+": A's nodeos is not paused")
	default:
		r.Note = appendNote(r.Note, what+": A paused")
	}
	return nil
}

// faultUntilTakeover marks the fault, injects it, and waits until another node produces,
// noting who took over.
func (c *Cluster) faultUntilTakeover(ctx context.Context, r *Result, inject func(context.Context) error, timeout time.Duration) (fault, error) {
	f, err := c.markFault(ctx)
	if err != nil {
		return f, err
	}
	if err := inject(ctx); err != nil {
		return f, err
	}
	if c.policy != policySeed {
		c.logPublished(ctx, "just after the fault")
	}
	if err := c.waitNewProducer(ctx, f, "a", timeout, r); err != nil {
		return f, err
	}
	r.Note = strings.ToUpper(r.NewProducer) + " took over"
	return f, nil
}

// nodeosAction returns an injector posting action for host a's node.
func (c *Cluster) nodeosAction(action string) func(context.Context) error {
	return func(ctx context.Context) error { return c.nodeAction(ctx, "a", action) }
}

func appendNote(note, s string) string {
	if note == "" {
		return s
	}
	return note + "; " + s
}

// scenarioNodeosKilled kills A's nodeos at the moment t names, restarts it once another node
// produces, and watches one more turn of ours.
func scenarioNodeosKilled(t faultTiming) func(ctx context.Context, c *Cluster, r *Result) error {
	return func(ctx context.Context, c *Cluster, r *Result) error {
		c.setBounds(r, c.handoffMax(t, c.crashDetect()), priority["B"], priority["B"]+1)
		if err := c.waitTiming(ctx, t); err != nil {
			return err
		}
		f, err := c.faultUntilTakeover(ctx, r, c.nodeosAction("kill"), c.takeoverTimeout(60*time.Second))
		if err != nil {
			return err
		}
		if err := sleepCtx(ctx, c.settle()); err != nil {
			return err
		}
		if err := c.restartNodeos(ctx, "a"); err != nil {
			return err
		}
		if err := c.observeOurTurn(ctx, c.settle()); err != nil {
			return err
		}
		if err := c.checkAPaused(ctx, f, r, "A restarted"); err != nil {
			return err
		}
		return c.countAfter(ctx, f.slot, "a", r)
	}
}

func scenarioNodeosStopped(ctx context.Context, c *Cluster, r *Result) error {
	c.setBounds(r, c.handoffMax(anyTime, hungDetect), priority["B"], priority["B"]+c.turnsIn(hungDetect)+1)
	f, err := c.faultUntilTakeover(ctx, r, c.nodeosAction("stop"), 90*time.Second)
	if err != nil {
		return err
	}
	nodes, err := c.nodes(ctx)
	if err != nil {
		return err
	}
	if c.policy != policySeed {
		if nodes["a"].Alive {
			r.Note = "FAIL: " + r.Note + " while A's stopped nodeos was not fenced"
		} else {
			r.Note = "A's agent fenced its stopped nodeos (fence_command killed it); " + r.Note
		}
	}
	if err := sleepCtx(ctx, c.rounds(1)); err != nil {
		return err
	}
	return c.liftAndJudge(ctx, f, r, func(ctx context.Context) error {
		if err := c.nodeAction(ctx, "a", "cont"); err != nil {
			return err
		}
		return sleepCtx(ctx, c.rounds(1))
	}, "A continued")
}

func scenarioNodeosStalled(ctx context.Context, c *Cluster, r *Result) error {
	detect := c.opts.headStall() + time.Second
	c.setBounds(r, c.handoffMax(anyTime, detect), priority["B"], priority["B"]+c.turnsIn(detect)+1)
	f, err := c.faultUntilTakeover(ctx, r, c.nodeosAction("stall"), 60*time.Second)
	if err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(1)); err != nil {
		return err
	}
	return c.liftAndJudge(ctx, f, r, c.nodeosAction("unstall"), "A's head moving again")
}

func scenarioTwoDead(ctx context.Context, c *Cluster, r *Result) error {
	// A names B and C; B's nodeos is dead too, so C acquires after its stagger.
	c.setBounds(r, c.handoffMax(anyTime, c.crashDetect()+handoffStagger), priority["C"], priority["C"]+1)
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	for _, h := range []string{"a", "b"} {
		if err := c.nodeAction(ctx, h, "kill"); err != nil {
			return err
		}
	}
	if err := c.waitNewProducer(ctx, f, "a", 90*time.Second, r); err != nil {
		return err
	}
	if r.NewProducer != "c" {
		r.Note = fmt.Sprintf("FAIL: %s produced, want C", r.NewProducer)
	} else {
		r.Note = "A's and B's nodeos killed; C took over"
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	return c.countAfter(ctx, f.slot, "a", r)
}

func scenarioRejoin(ctx context.Context, c *Cluster, r *Result) error {
	c.setBounds(r, c.handoffMax(anyTime, c.crashDetect()), priority["B"], priority["B"]+1)
	f, err := c.faultUntilTakeover(ctx, r, c.nodeosAction("kill"), 60*time.Second)
	if err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	// The repaired host comes back whole: nodeos and agent restarted.
	if err := c.restartNodeos(ctx, "a"); err != nil {
		return err
	}
	if c.policy != policySeed {
		a := c.hosts["a"]
		a.agent.kill()
		if err := c.startAgent(a); err != nil {
			return err
		}
		if err := c.waitAgent(ctx, "a", 60*time.Second, "repaired A a healthy standby", healthyStandby); err != nil {
			return err
		}
	}
	if err := sleepCtx(ctx, c.rounds(4)); err != nil {
		return err
	}
	if c.policy != policySeed {
		s, err := c.agentStatus(ctx, "a")
		if err != nil {
			return err
		}
		if !healthyStandby(s) {
			r.Note = appendNote(r.Note, fmt.Sprintf("FAIL: repaired A is %s, want a healthy standby", s.State))
		}
		if s, err = c.agentStatus(ctx, r.NewProducer); err != nil {
			return err
		}
		if !leaderProducing(s) {
			r.Note = appendNote(r.Note, fmt.Sprintf("FAIL: %s stopped producing after A rejoined", r.NewProducer))
		}
	}
	if err := c.checkAPaused(ctx, f, r, "A repaired, 4 rounds later"); err != nil {
		return err
	}
	return c.countAfter(ctx, f.slot, "a", r)
}
