package drill

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func leaderProducing(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing }

func healthyStandby(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy }

// Result is the outcome of one scenario.
type Result struct {
	ID       int
	Name     string
	Topology string // "netns" or "no netns"
	// DoubleProduced counts our producer's turns signed by two nodes over the whole run.
	DoubleProduced int
	// Missed counts our producer's turns without a block from the fault on.
	Missed int
	// MinMissed is what the policy loses at best; MaxMissed what the drill accepts.
	MinMissed, MaxMissed int
	// FailoverWall and FailoverSlots run from the fault to the new producer's first block;
	// zero when no failover is expected.
	FailoverWall  time.Duration
	FailoverSlots int
	NewProducer   string
	Pass          bool
	Skipped       bool
	Note          string
}

// scenario is one drill scenario run against a steady cluster.
type scenario struct {
	id   int
	name string
	// needsNetns marks scenarios that cut real links.
	needsNetns bool
	run        func(ctx context.Context, c *Cluster, r *Result) error
}

// Scenarios lists the implemented scenario numbers, in order.
func Scenarios() []int {
	var ids []int
	for _, s := range allScenarios {
		ids = append(ids, s.id)
	}
	return ids
}

var allScenarios = []scenario{
	{1, "holder's nodeos killed, later restarted", false, scenarioNodeosKilled},
	{4, "holder's agent SIGKILLed, nodeos keeps producing", false, scenarioAgentKilled},
	{6, "holder cut off from Consul (link down)", true, scenarioConsulCut},
	{12, "planned switchover A → B, then B → A", false, scenarioSwitchover},
}

// Run runs the scenarios with the given ids (all when empty), each on a fresh cluster.
func Run(ctx context.Context, opts Options, ids []int) ([]Result, error) {
	opts.defaults()
	netns := !opts.NoNetns && NetnsAvailable()
	topo := "netns"
	if !netns {
		topo = "no netns"
	}
	want := map[int]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []Result
	for _, s := range allScenarios {
		if len(ids) > 0 && !want[s.id] {
			continue
		}
		delete(want, s.id)
		r := Result{ID: s.id, Name: s.name, Topology: topo}
		if s.needsNetns && !netns {
			r.Skipped, r.Note = true, "needs network namespaces"
			out = append(out, r)
			continue
		}
		opts.Logger.Info("scenario starting", "id", s.id, "name", s.name)
		dir := filepath.Join(opts.RunDir, fmt.Sprintf("scenario-%02d", s.id))
		c, err := startCluster(ctx, opts, netns, dir)
		if err != nil {
			r.Note = "steady state: " + err.Error()
			out = append(out, r)
			opts.Logger.Error("scenario failed", "id", s.id, "error", err)
			continue
		}
		err = s.run(ctx, c, &r)
		if err == nil {
			err = c.judge(ctx, &r)
		}
		c.Close()
		if err != nil {
			r.Pass = false
			r.Note = strings.TrimSpace(r.Note + " " + err.Error())
		}
		opts.Logger.Info("scenario done", "id", s.id, "pass", r.Pass, "double", r.DoubleProduced, "missed", r.Missed,
			"failover", r.FailoverWall, "note", r.Note, "logs", dir)
		out = append(out, r)
	}
	for id := range want {
		return out, fmt.Errorf("drill: scenario %d is not implemented", id)
	}
	return out, nil
}

// fault is the moment a fault was injected.
type fault struct {
	slot   uint32
	at     time.Time
	before map[string]int // blocks produced per node
}

func (c *Cluster) markFault(ctx context.Context) (fault, error) {
	st, err := c.chain(ctx)
	if err != nil {
		return fault{}, err
	}
	nodes, err := c.nodes(ctx)
	if err != nil {
		return fault{}, err
	}
	f := fault{slot: uint32(st.Slot), at: time.Now(), before: map[string]int{}}
	for name, n := range nodes {
		f.before[name] = n.Produced
	}
	return f, nil
}

// waitNewProducer waits until a node other than old produces, recording who and when.
func (c *Cluster) waitNewProducer(ctx context.Context, f fault, old string, timeout time.Duration, r *Result) error {
	return waitFor(ctx, timeout, "a new producer", func(ctx context.Context) bool {
		nodes, err := c.nodes(ctx)
		if err != nil {
			return false
		}
		for name, n := range nodes {
			if name != old && n.Produced > f.before[name] {
				r.NewProducer, r.FailoverWall = name, time.Since(f.at)
				return true
			}
		}
		return false
	})
}

// judge fills in the referee's figures from fault slot r.FailoverSlots' base on and sets Pass.
func (c *Cluster) judge(ctx context.Context, r *Result) error {
	ref, err := c.referee(ctx)
	if err != nil {
		return err
	}
	r.DoubleProduced = len(ref.DoubleProduced)
	if ref.Check != "" && r.DoubleProduced == 0 {
		r.DoubleProduced = 1
	}
	if r.Note == "" && ref.Check != "" {
		r.Note = ref.Check
	}
	r.Pass = r.DoubleProduced == 0 && r.Missed <= r.MaxMissed && !strings.Contains(r.Note, "FAIL")
	return nil
}

// countAfter fills Missed (turns from slot on) and FailoverSlots (first block of ours by
// another node than old, from slot on).
func (c *Cluster) countAfter(ctx context.Context, slot uint32, old string, r *Result) error {
	ref, err := c.referee(ctx)
	if err != nil {
		return err
	}
	r.Missed = 0
	for _, t := range ref.Missed {
		if uint32(t.End) > slot {
			r.Missed++
		}
	}
	if old == "" {
		return nil
	}
	ledger, err := c.ledger(ctx)
	if err != nil {
		return err
	}
	for _, b := range ledger {
		if b.Producer == c.ours && b.Node != "" && b.Node != old && uint32(b.Slot) >= slot {
			r.FailoverSlots = int(uint32(b.Slot) - slot)
			break
		}
	}
	return nil
}

func (c *Cluster) rounds(n float64) time.Duration {
	return time.Duration(n * float64(c.opts.roundWall()))
}

// sleepCtx waits d of observation time (no synchronisation depends on it).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func scenarioNodeosKilled(ctx context.Context, c *Cluster, r *Result) error {
	r.MinMissed, r.MaxMissed = priority["B"], priority["B"]+1
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if err := c.nodeAction(ctx, "a", "kill"); err != nil {
		return err
	}
	if err := c.waitNewProducer(ctx, f, "a", 60*time.Second, r); err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	if err := c.nodeAction(ctx, "a", "restart"); err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(3)); err != nil {
		return err
	}
	nodes, err := c.nodes(ctx)
	if err != nil {
		return err
	}
	if a := nodes["a"]; !a.Paused || a.Produced != f.before["a"] {
		r.Note = "FAIL: restarted nodeos A is not paused"
	} else {
		r.Note = fmt.Sprintf("%s took over; A back paused", strings.ToUpper(r.NewProducer))
	}
	return c.countAfter(ctx, f.slot, "a", r)
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
	// Longer than Consul needs to free A's session and lock (2 × TTL + lock-delay).
	watch := time.Duration(2*sessionTTL+lockDelay)*time.Second + c.rounds(3)
	if err := sleepCtx(ctx, watch); err != nil {
		return err
	}
	nodes, err := c.nodes(ctx)
	if err != nil {
		return err
	}
	var others []string
	for name, n := range nodes {
		if name != "a" && n.Produced > f.before[name] {
			others = append(others, name)
		}
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

func scenarioConsulCut(ctx context.Context, c *Cluster, r *Result) error {
	// B may take over only once Consul frees A's session: at most 2 × TTL + lock-delay.
	bound := int(math.Ceil(float64(2*sessionTTL+lockDelay) * float64(time.Second) / float64(c.opts.roundWall())))
	r.MinMissed, r.MaxMissed = priority["B"], bound+priority["B"]+1
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if err := c.topo.consulLink("a", false); err != nil {
		return err
	}
	var pausedAfter time.Duration
	if err := waitFor(ctx, time.Duration(lostAfter+5)*time.Second, "A's nodeos paused", func(ctx context.Context) bool {
		nodes, err := c.nodes(ctx)
		if err == nil && nodes["a"].Paused {
			pausedAfter = time.Since(f.at)
			return true
		}
		return false
	}); err != nil {
		r.Note = "FAIL: A did not pause"
	}
	if err := c.waitNewProducer(ctx, f, "a", 90*time.Second, r); err != nil {
		return err
	}
	if err := c.topo.consulLink("a", true); err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(4)); err != nil {
		return err
	}
	nodes, err := c.nodes(ctx)
	if err != nil {
		return err
	}
	if r.Note == "" {
		r.Note = fmt.Sprintf("A paused after %s; %s took over", pausedAfter.Round(100*time.Millisecond), strings.ToUpper(r.NewProducer))
		if r.NewProducer != "b" {
			// Once Consul frees the lock, every standby past its threshold contends.
			r.Note += " (B, first by priority, was also eligible)"
		}
		if !nodes["a"].Paused {
			r.Note = "FAIL: A resumed after the link came back"
		}
	}
	return c.countAfter(ctx, f.slot, "a", r)
}

// switchover runs `eoskeeper switchover` from host from's namespace.
func (c *Cluster) switchover(ctx context.Context, from, to string) error {
	h := c.hosts[from]
	argv := c.topo.wrap(from, []string{c.bin("eoskeeper"), "switchover", "-config", h.config, "-to", to, "-timeout", "60s"})
	// The target's status in Consul may lag its /status by a publish interval: the command
	// refuses until the published status shows a healthy paused standby.
	var last error
	err := waitFor(ctx, 30*time.Second, "switchover to "+to+" accepted", func(ctx context.Context) bool {
		out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
		if err == nil {
			return true
		}
		last = fmt.Errorf("drill: switchover to %s: %w: %s", to, err, strings.TrimSpace(string(out)))
		return !strings.Contains(string(out), "not a healthy paused standby")
	})
	if last != nil && (err != nil || !strings.Contains(last.Error(), "not a healthy paused standby")) {
		return last
	}
	return err
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
	return c.countAfter(ctx, f.slot, "a", r)
}

// FormatSlots formats a slot count ("-" for none).
func FormatSlots(n int) string {
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}
