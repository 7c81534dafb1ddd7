package drill

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// steadyAfter notes whether anyone but A produced since f, for faults the policy must ride out.
func (c *Cluster) steadyAfter(ctx context.Context, f fault, r *Result, what string) error {
	others, nodes, err := c.othersProduced(ctx, f)
	if err != nil {
		return err
	}
	switch {
	case len(others) > 0 && c.policy != policySeed:
		r.Note = appendNote(r.Note, fmt.Sprintf("FAIL: %v produced during %s", others, what))
	case len(others) > 0:
		r.Note = appendNote(r.Note, fmt.Sprintf("%v produced during %s", others, what))
	case nodes["a"].Produced <= f.before["a"]:
		r.Note = appendNote(r.Note, "FAIL: A stopped producing during "+what)
	default:
		r.Note = appendNote(r.Note, "A kept producing through "+what)
	}
	return nil
}

func scenarioConsulCut(ctx context.Context, c *Cluster, r *Result) error {
	// B may take over only once Consul frees A's session: at most 2 × TTL + lock-delay.
	bound := c.turnsIn(lockFreeAfter)
	r.MinMissed, r.MaxMissed = priority["B"], bound+priority["B"]+1
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if err := c.topo.consulLink("a", false); err != nil {
		return err
	}
	if c.policy == policySeed {
		r.MinMissed, r.MaxMissed = 0, 0
		if err := sleepCtx(ctx, lockFreeAfter+c.rounds(2)); err != nil {
			return err
		}
		if err := c.topo.consulLink("a", true); err != nil {
			return err
		}
		r.Note = "no Consul in the seed"
		if err := c.steadyAfter(ctx, f, r, "the cut"); err != nil {
			return err
		}
		return c.countAfter(ctx, f.slot, "", r)
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
			r.Note += " (B, first by priority, was also eligible)"
		}
		if !nodes["a"].Paused {
			r.Note = "FAIL: A resumed after the link came back"
		}
	}
	return c.countAfter(ctx, f.slot, "a", r)
}

// partition cuts host name's nodeos off from every other node's p2p network.
func (c *Cluster) partition(ctx context.Context, name string) error {
	body := strings.NewReader(`[["` + name + `"]]`)
	return postBody(ctx, c.controlURL+"/partition", body)
}

func scenarioChainCut(ctx context.Context, c *Cluster, r *Result) error {
	detect := c.opts.libStall() + time.Second
	c.setBounds(r, c.handoffMax(anyTime, detect), priority["B"], priority["B"]+c.turnsIn(detect)+1)
	f, err := c.faultUntilTakeover(ctx, r, func(ctx context.Context) error { return c.partition(ctx, "a") }, 60*time.Second)
	if err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	return c.liftAndJudge(ctx, f, r, func(ctx context.Context) error {
		return postBody(ctx, c.controlURL+"/heal", nil)
	}, "network healed")
}

// consulLeader returns the index of the server that leads the Consul cluster.
func (c *Cluster) consulLeader(ctx context.Context) (int, error) {
	for i, s := range c.servers {
		if !s.running() {
			continue
		}
		var leader string
		if err := getJSON(ctx, fmt.Sprintf("http://%s:%d/v1/status/leader", c.topo.consulIP(1), 7500+i), &leader); err != nil {
			continue
		}
		_, port, ok := strings.Cut(leader, ":")
		if !ok {
			continue
		}
		p, err := strconv.Atoi(port)
		if err == nil && p >= 7300 && p < 7300+len(c.servers) {
			return p - 7300, nil
		}
	}
	return 0, fmt.Errorf("drill: no Consul server knows a leader")
}

// waitConsulLeader waits until the cluster has a leader other than server exclude (-1 for
// any) and returns how long after since it was seen.
func (c *Cluster) waitConsulLeader(ctx context.Context, since time.Time, exclude int) (time.Duration, error) {
	err := waitFor(ctx, 60*time.Second, "a Consul leader", func(ctx context.Context) bool {
		l, err := c.consulLeader(ctx)
		return err == nil && l != exclude
	})
	return time.Since(since), err
}

func scenarioConsulServers(ctx context.Context, c *Cluster, r *Result) error {
	r.MinMissed, r.MaxMissed = 0, 0
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	if c.policy == policySeed {
		if err := sleepCtx(ctx, c.rounds(6)); err != nil {
			return err
		}
		r.Note = "no Consul in the seed"
		if err := c.steadyAfter(ctx, f, r, "the Consul faults"); err != nil {
			return err
		}
		return c.countAfter(ctx, f.slot, "", r)
	}
	leader, err := c.consulLeader(ctx)
	if err != nil {
		return err
	}
	killed := time.Now()
	c.servers[leader].kill()
	elected, err := c.waitConsulLeader(ctx, killed, leader)
	if err != nil {
		return err
	}
	if err := sleepCtx(ctx, c.rounds(3)); err != nil {
		return err
	}
	if err := c.steadyAfter(ctx, f, r, fmt.Sprintf("the leader's death (new leader in %s)", elected.Round(100*time.Millisecond))); err != nil {
		return err
	}
	if err := c.restartServer(leader); err != nil {
		return err
	}
	if err := c.countAfter(ctx, f.slot, "", r); err != nil {
		return err
	}
	if r.Missed > 0 {
		r.Note = appendNote(r.Note, fmt.Sprintf("FAIL: %d turns missed when the leader died", r.Missed))
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	// All three servers restarted with their data: no session can be renewed until a leader
	// is elected again, so a holder cut off for longer than lost_after pauses (by design) and,
	// as the last producer, resumes as soon as it holds the lock again.
	f2, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	c.faultAt = f.at
	down := time.Now()
	for _, s := range c.servers {
		_ = s.signal(syscall.SIGTERM)
	}
	for _, s := range c.servers {
		<-s.done
	}
	for i := range c.servers {
		if err := c.restartServer(i); err != nil {
			return err
		}
	}
	outage, err := c.waitConsulLeader(ctx, down, -1)
	if err != nil {
		return err
	}
	if err := c.waitAgent(ctx, "a", 60*time.Second, "A producing after the restart", leaderProducing); err != nil {
		return err
	}
	back := time.Since(down)
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	nodes, err := c.nodes(ctx)
	if err != nil {
		return err
	}
	for _, h := range []string{"b", "c"} {
		if nodes[h].Produced > f2.before[h] {
			r.Note = appendNote(r.Note, "FAIL: "+h+" produced after the restart")
		}
	}
	// A pauses lost_after into the outage and, as the last producer, resumes once Consul
	// answers again: the turns of the outage beyond lost_after (plus 2 s for the clients to
	// reconnect), and at most one more.
	beyond := outage - time.Duration(lostAfter)*time.Second + 2*time.Second
	r.MaxMissed = int(math.Ceil(float64(max(beyond, 0))/float64(c.opts.roundWall()))) + 1
	r.Note = appendNote(r.Note, fmt.Sprintf("all servers restarted: leader after %s, A producing again after %s",
		outage.Round(100*time.Millisecond), back.Round(100*time.Millisecond)))
	return c.countAfter(ctx, f.slot, "a", r)
}

func scenarioLinkFlap(ctx context.Context, c *Cluster, r *Result) error {
	const flaps = 5
	down, up := time.Duration(lostAfter)*time.Second/2, time.Duration(lostAfter)*time.Second
	// A blip shorter than lost_after keeps the lock; a longer one (a renewal already late when
	// the link went down) pauses A, which resumes at once as the last producer: at most one
	// turn per flap.
	r.MinMissed, r.MaxMissed = 0, flaps
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	for range flaps {
		if err := c.topo.consulLink("a", false); err != nil {
			return err
		}
		if err := sleepCtx(ctx, down); err != nil {
			_ = c.topo.consulLink("a", true)
			return err
		}
		if err := c.topo.consulLink("a", true); err != nil {
			return err
		}
		if err := sleepCtx(ctx, up); err != nil {
			return err
		}
	}
	if err := sleepCtx(ctx, c.rounds(2)); err != nil {
		return err
	}
	if c.policy == policySeed {
		r.Note = "no Consul in the seed"
	}
	if err := c.steadyAfter(ctx, f, r, fmt.Sprintf("%d flaps (%s down, %s up)", flaps, down, up)); err != nil {
		return err
	}
	return c.countAfter(ctx, f.slot, "", r)
}

func scenarioOutputsDown(ctx context.Context, c *Cluster, r *Result) error {
	r.MinMissed, r.MaxMissed = 0, 0
	f, err := c.markFault(ctx)
	if err != nil {
		return err
	}
	ports := []int{alertPort}
	if c.influxURL != "" {
		ports = append(ports, influxPort)
	}
	for _, h := range hostOrder {
		if err := c.topo.dropTo(h, c.topo.chainIP(1), ports, true); err != nil {
			return err
		}
	}
	watch := c.rounds(5)
	err = sleepCtx(ctx, watch)
	for _, h := range hostOrder {
		if uerr := c.topo.dropTo(h, c.topo.chainIP(1), ports, false); err == nil {
			err = uerr
		}
	}
	if err != nil {
		return err
	}
	// Let the queued alerts and points drain.
	if err := sleepCtx(ctx, c.rounds(1)); err != nil {
		return err
	}
	what := fmt.Sprintf("%s without the alert webhook", watch.Round(time.Second))
	if c.influxURL != "" {
		what = fmt.Sprintf("%s without InfluxDB and the alert webhook", watch.Round(time.Second))
	}
	if err := c.steadyAfter(ctx, f, r, what); err != nil {
		return err
	}
	return c.countAfter(ctx, f.slot, "", r)
}
