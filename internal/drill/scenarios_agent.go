package drill

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// lockFreeAfter is the longest Consul takes to free a dead holder's lock: 2 × TTL + lock-delay.
const lockFreeAfter = time.Duration(2*sessionTTL+lockDelay) * time.Second

// othersProduced lists the nodes other than a that produced since f.
func (c *Cluster) othersProduced(ctx context.Context, f fault) ([]string, map[string]nodeStatus, error) {
	nodes, err := c.nodes(ctx)
	if err != nil {
		return nil, nil, err
	}
	var others []string
	for _, h := range hostOrder {
		if h != "a" && nodes[h].Produced > f.before[h] {
			others = append(others, h)
		}
	}
	return others, nodes, nil
}

func scenarioAgentKilled(ctx context.Context, c *Cluster, r *Result) error {
	r.MinMissed, r.MaxMissed = 0, 0
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if err := c.hosts["a"].agent.signal(syscall.SIGKILL); err != nil {
		return err
	}
	// Longer than Consul needs to free A's session and lock.
	watch := lockFreeAfter + c.rounds(3)
	if err := sleepCtx(ctx, watch); err != nil {
		return err
	}
	others, nodes, err := c.othersProduced(ctx, f)
	if err != nil {
		return err
	}
	switch {
	case len(others) > 0:
		r.Note = fmt.Sprintf("FAIL: %v produced while A's nodeos still did", others)
	case nodes["a"].Produced <= f.before["a"]:
		r.Note = "FAIL: A's nodeos stopped producing"
	default:
		r.Note = fmt.Sprintf("A's nodeos kept producing alone for %s", watch.Round(time.Second))
	}
	return c.countAfter(ctx, f.slot, "", r)
}

func scenarioAgentStopped(ctx context.Context, c *Cluster, r *Result) error {
	// On waking, A pauses at once; it re-acquires as the last producer, or B takes over.
	r.MinMissed, r.MaxMissed = 0, priority["B"]+1
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	agent := c.hosts["a"].agent
	if err := agent.signal(syscall.SIGSTOP); err != nil {
		return err
	}
	stopped := lockFreeAfter + c.rounds(2)
	if err := sleepCtx(ctx, stopped); err != nil {
		_ = agent.signal(syscall.SIGCONT)
		return err
	}
	others, _, err := c.othersProduced(ctx, f)
	if err != nil {
		_ = agent.signal(syscall.SIGCONT)
		return err
	}
	if len(others) > 0 {
		r.Note = fmt.Sprintf("FAIL: %v produced while A's agent was stopped and its nodeos produced", others)
	}
	woke := time.Now()
	if err := agent.signal(syscall.SIGCONT); err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(4)); err != nil {
		return err
	}
	if c.policy != policySeed {
		if !c.alerts.fired(woke, "a", "lock_lost") {
			r.Note = appendNote(r.Note, "FAIL: A did not report its lock lost on waking")
		}
		holder := ""
		for _, h := range []string{"a", "b", "c"} {
			if s, err := c.agentStatus(ctx, h); err == nil && leaderProducing(s) {
				holder = h
			}
		}
		r.NewProducer = holder
		r.Note = appendNote(r.Note, fmt.Sprintf("stopped %s; on waking A paused (lock lost), then %s produced", stopped.Round(time.Second), strings.ToUpper(holder)))
	} else {
		r.Note = appendNote(r.Note, fmt.Sprintf("stopped %s; nothing changed", stopped.Round(time.Second)))
	}
	return c.countAfter(ctx, f.slot, "a", r)
}

// switchover runs `eoskeeper switchover` from host from's namespace.
func (c *Cluster) switchover(ctx context.Context, from, to string) error {
	return c.operator(ctx, from, "switchover", "-to", to, "-timeout", "60s")
}

// operator runs an `eoskeeper` operator command with host from's configuration, retrying while
// the target's published status lags (the command refuses until it shows a healthy standby).
func (c *Cluster) operator(ctx context.Context, from string, args ...string) error {
	h := c.hosts[from]
	argv := c.topo.wrap(from, append([]string{c.bin("eoskeeper"), args[0], "-config", h.config}, args[1:]...))
	var last error
	err := waitFor(ctx, 30*time.Second, "eoskeeper "+strings.Join(args, " "), func(ctx context.Context) bool {
		out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
		if err == nil {
			last = nil
			return true
		}
		last = fmt.Errorf("drill: eoskeeper %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		return !strings.Contains(string(out), "not a healthy paused standby")
	})
	if last != nil {
		return last
	}
	return err
}

// operatorOutput runs an `eoskeeper` operator command once with host from's configuration and
// returns its combined output.
func (c *Cluster) operatorOutput(ctx context.Context, from string, args ...string) (string, error) {
	h := c.hosts[from]
	argv := c.topo.wrap(from, append([]string{c.bin("eoskeeper"), args[0], "-config", h.config}, args[1:]...))
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("drill: eoskeeper %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func scenarioSwitchover(ctx context.Context, c *Cluster, r *Result) error {
	r.MinMissed, r.MaxMissed = 0, 0
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if err := c.switchover(ctx, "b", "b"); err != nil {
		return err
	}
	if err := c.waitNewProducer(ctx, f, "a", 30*time.Second, r); err != nil {
		return err
	}
	if err := c.waitAgent(ctx, "b", 30*time.Second, "B producing", leaderProducing); err != nil {
		return err
	}
	if err := c.waitAgent(ctx, "a", 30*time.Second, "A healthy standby", healthyStandby); err != nil {
		return err
	}
	back := time.Now()
	if err := c.switchover(ctx, "a", "a"); err != nil {
		return err
	}
	if err := c.waitAgent(ctx, "a", 30*time.Second, "A producing again", leaderProducing); err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	r.Note = "back to A in " + time.Since(back).Round(100*time.Millisecond).String()
	// `eoskeeper status` names the holder's last takeover once A has published it.
	const want = "last takeover: switchover from b"
	var out string
	if err := waitFor(ctx, 20*time.Second, "`eoskeeper status` showing A's switchover", func(ctx context.Context) bool {
		out, _ = c.operatorOutput(ctx, "b", "status")
		return strings.Contains(out, want)
	}); err != nil {
		r.Note = appendNote(r.Note, fmt.Sprintf("FAIL: eoskeeper status lacks %q:\n%s", want, out))
	}
	return c.countAfter(ctx, f.slot, "a", r)
}

func scenarioMaintenance(ctx context.Context, c *Cluster, r *Result) error {
	r.Unbounded = c.policy != policySeed
	r.MinMissed, r.MaxMissed = priority["B"], priority["B"]+1
	if c.policy != policySeed {
		if err := c.operator(ctx, "a", "pause", "-reason", "drill"); err != nil {
			return err
		}
		if err := c.waitAgent(ctx, "b", 30*time.Second, "B in maintenance", func(s keeper.Status) bool {
			return s.State == keeper.Maintenance
		}); err != nil {
			return err
		}
	}
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if err := c.nodeAction(ctx, "a", "kill"); err != nil {
		return err
	}
	if c.policy == policySeed {
		// The seed has no maintenance mode: its standby takes over regardless.
		if err := c.waitNewProducer(ctx, f, "a", 60*time.Second, r); err != nil {
			return err
		}
		r.Note = "no maintenance mode: " + strings.ToUpper(r.NewProducer) + " took over"
		return c.countAfter(ctx, f.slot, "a", r)
	}
	watch := c.rounds(float64(priority["B"] + 4))
	if err := sleepCtx(ctx, watch); err != nil {
		return err
	}
	others, _, err := c.othersProduced(ctx, f)
	if err != nil {
		return err
	}
	if len(others) > 0 {
		r.Note = fmt.Sprintf("FAIL: %v took over during maintenance", others)
	} else {
		r.Note = fmt.Sprintf("no automatic action for %s", watch.Round(time.Second))
	}
	if !c.alerts.fired(f.at, "a", "nodeos_api_failing") {
		r.Note = appendNote(r.Note, "FAIL: A raised no alert for its dead nodeos")
	}
	if err := c.countAfter(ctx, f.slot, "", r); err != nil {
		return err
	}
	// The operator ends maintenance: B, whose evidence is long complete, takes over.
	resumed := time.Now()
	if err := c.operator(ctx, "b", "resume"); err != nil {
		return err
	}
	if err := c.waitNewProducer(ctx, f, "a", 60*time.Second, r); err != nil {
		return err
	}
	r.FailoverWall = 0
	r.Note = appendNote(r.Note, fmt.Sprintf("after `eoskeeper resume` %s took over in %s", strings.ToUpper(r.NewProducer),
		time.Since(resumed).Round(100*time.Millisecond)))
	return nil
}
