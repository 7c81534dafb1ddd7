package drill

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func leaderProducing(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing }

func healthyStandby(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy }

// Result is the outcome of one scenario under one failover policy.
type Result struct {
	ID int
	// Sub tells apart the variants of one scenario (the fault's timing: "a", "b"); may be empty.
	Sub      string
	Name     string
	Topology string // "netns" or "no netns"
	// Policy is "eoskeeper", "evidence-only" (the agents with hand-off disabled) or "seed"
	// (the original daemon's rule), the last two shown for comparison.
	Policy string
	// Path is how the new producer took the lock, from its status's LastTakeover.Path
	// (handoff, evidence, switchover, last-producer); empty when it reports none.
	Path string
	// DoubleProduced counts our producer's turns signed by two nodes over the whole run.
	DoubleProduced int
	// Missed counts our producer's turns without a block from the fault on.
	Missed int
	// MinMissed is what eoskeeper's policy loses at best; MaxMissed what the drill accepts.
	// Unbounded marks scenarios where no automatic action is expected (maintenance).
	MinMissed, MaxMissed int
	Unbounded            bool
	// FailoverWall and FailoverSlots run from the fault to the new producer's first block;
	// zero when no failover happened.
	FailoverWall  time.Duration
	FailoverSlots int
	NewProducer   string
	// Alerts lists the alerts the agents delivered from the fault on, fired and resolved.
	Alerts  string
	Pass    bool
	Skipped bool
	// Err marks a run that could not complete (the drill itself failed).
	Err  bool
	Note string
}

// scenario is one drill scenario run against a steady cluster.
type scenario struct {
	id  int
	sub string
	// name describes the fault.
	name string
	// needsNetns marks scenarios that cut real links.
	needsNetns bool
	run        func(ctx context.Context, c *Cluster, r *Result) error
	// seed is why the seed policy's row is not run ("" runs it with run).
	seed string
	// path is the takeover path eoskeeper must take ("" for no check); evidence marks the
	// scenarios also run with the agents' hand-off disabled, which must take the evidence path.
	path     string
	evidence bool
}

// label is the scenario's number and variant, as -scenarios selects it: "1a", "2".
func (s scenario) label() string { return strconv.Itoa(s.id) + s.sub }

// Scenarios lists the implemented scenarios' labels, in order.
func Scenarios() []string {
	var ids []string
	for _, s := range allScenarios {
		ids = append(ids, s.label())
	}
	return ids
}

var allScenarios = []scenario{
	{id: 1, sub: "a", name: "holder's nodeos killed between our turns, later restarted", run: scenarioNodeosKilled(betweenTurns),
		path: keeper.PathHandoff, evidence: true},
	{id: 1, sub: "b", name: "holder's nodeos killed inside our turn, later restarted", run: scenarioNodeosKilled(insideTurn),
		path: keeper.PathHandoff, evidence: true},
	{id: 2, name: "holder's nodeos stopped (SIGSTOP), then continued", run: scenarioNodeosStopped, path: keeper.PathHandoff},
	{id: 3, name: "holder's nodeos stalled (head stops, HTTP answers)", run: scenarioNodeosStalled, path: keeper.PathHandoff},
	{id: 4, name: "holder's agent SIGKILLed, nodeos keeps producing", run: scenarioAgentKilled},
	{id: 5, name: "holder's agent SIGSTOPped past the session TTL, then continued", run: scenarioAgentStopped},
	{id: 6, name: "holder cut off from Consul (link down)", needsNetns: true, run: scenarioConsulCut},
	{id: 7, name: "holder cut off from the chain network, not from Consul", run: scenarioChainCut, path: keeper.PathHandoff},
	{id: 8, name: "Consul leader killed; later all three servers restarted", run: scenarioConsulServers},
	{id: 9, name: "A and B both dead: C takes over", run: scenarioTwoDead, path: keeper.PathHandoff},
	{id: 10, name: "holder's link to Consul flapping", needsNetns: true, run: scenarioLinkFlap},
	{id: 11, name: "InfluxDB and every alert channel unreachable", needsNetns: true, run: scenarioOutputsDown,
		seed: "the seed has no InfluxDB or alert outputs to lose"},
	{id: 12, name: "planned switchover A → B, then B → A", run: scenarioSwitchover, seed: "the seed has no planned switchover",
		path: keeper.PathSwitchover},
	{id: 13, name: "maintenance mode on, then the holder's nodeos killed", run: scenarioMaintenance},
	{id: 14, name: "repaired A rejoins after B took over (no failback)", run: scenarioRejoin, path: keeper.PathHandoff},
}

// Run runs the scenarios with the given ids (all when empty; "1" selects 1a and 1b, "1a" one
// variant), each on a fresh cluster: first under eoskeeper, then, where the scenario is marked
// and opts.Evidence is set, with the agents' hand-off disabled, then, unless seed is false,
// under the seed's policy for comparison.
func Run(ctx context.Context, opts Options, ids []string, seed bool) ([]Result, error) {
	opts.defaults()
	netns := !opts.NoNetns && NetnsAvailable()
	topo := "netns"
	if !netns {
		topo = "no netns"
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	matched := map[string]bool{}
	var out []Result
	for _, s := range allScenarios {
		if len(ids) > 0 && !want[s.label()] && !want[strconv.Itoa(s.id)] {
			continue
		}
		matched[s.label()], matched[strconv.Itoa(s.id)] = true, true
		policies := []string{policyKeeper}
		if opts.Evidence && s.evidence {
			policies = append(policies, policyEvidence)
		}
		if seed {
			policies = append(policies, policySeed)
		}
		for _, policy := range policies {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			out = append(out, runOne(ctx, opts, s, policy, netns, topo))
		}
	}
	for id := range want {
		if !matched[id] {
			return out, fmt.Errorf("drill: scenario %s is not implemented", id)
		}
	}
	return out, nil
}

// runOne runs scenario s under policy on a fresh cluster.
func runOne(ctx context.Context, opts Options, s scenario, policy string, netns bool, topo string) Result {
	r := Result{ID: s.id, Sub: s.sub, Name: s.name, Topology: topo, Policy: policy}
	switch {
	case policy == policySeed && s.seed != "":
		r.Skipped, r.Note = true, s.seed
		return r
	case s.needsNetns && !netns:
		r.Skipped, r.Note = true, "needs network namespaces"
		return r
	}
	opts.Logger.Info("scenario starting", "id", s.label(), "policy", policy, "name", s.name)
	dir := filepath.Join(opts.RunDir, fmt.Sprintf("scenario-%02d%s-%s", s.id, s.sub, policy))
	c, err := startCluster(ctx, opts, netns, dir, policy)
	if err != nil {
		r.Note, r.Err = "steady state: "+err.Error(), true
		opts.Logger.Error("scenario failed", "id", s.label(), "policy", policy, "error", err, "logs", dir)
		return r
	}
	err = s.run(ctx, c, &r)
	if err == nil {
		want := s.path
		if policy == policyEvidence && want != "" {
			want = keeper.PathEvidence
		}
		c.recordPath(ctx, &r, want)
		err = c.judge(ctx, &r)
		if err == nil {
			if terr := c.writeTimeline(ctx, r, filepath.Join(dir, timelineFile)); terr != nil {
				opts.Logger.Warn("no timeline", "id", s.label(), "policy", policy, "error", terr)
			}
		}
	}
	c.Close()
	if err != nil {
		r.Pass, r.Err = false, true
		r.Note = strings.TrimSpace(r.Note + " " + err.Error())
	}
	opts.Logger.Info("scenario done", "id", s.label(), "policy", policy, "pass", r.Pass, "double", r.DoubleProduced,
		"missed", r.Missed, "path", r.Path, "failover", r.FailoverWall, "alerts", r.Alerts, "note", r.Note, "logs", dir)
	if r.Failed() {
		dumpLogTails(opts, dir)
	}
	return r
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
	c.faultAt = f.at
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
	r.Pass = r.DoubleProduced == 0 && (r.Unbounded || r.Missed <= r.MaxMissed) && !strings.Contains(r.Note, "FAIL")
	if c.alerts != nil && !c.faultAt.IsZero() {
		r.Alerts = c.alerts.summary(c.faultAt)
	}
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

// FormatSlots formats a slot count ("-" for none).
func FormatSlots(n int) string {
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

// dumpLogTails prints the end of each agent's log of a failed scenario, so a CI log alone
// shows what the agents did.
func dumpLogTails(opts Options, dir string) {
	paths, _ := filepath.Glob(filepath.Join(dir, "agent-*.log"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		opts.Logger.Error("agent log tail", "file", p, "lines", "\n"+strings.Join(lines, "\n"))
	}
}
