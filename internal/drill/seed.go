package drill

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// The seed daemon's waits before a standby resumes, on the real chain (21 producers, 126 s
// rounds): B after about 250 s of samples without our producer at the head, C after about 850 s.
const (
	seedAbsentB = 250 * time.Second
	seedAbsentC = 850 * time.Second
	realRound   = 126 * time.Second
)

// seedAbsent scales the seed's wall-time wait of a role to the drill's rounds.
func (c *Cluster) seedAbsent(role string) time.Duration {
	wait := seedAbsentB
	if role == "C" {
		wait = seedAbsentC
	}
	return time.Duration(float64(wait) / float64(realRound) * float64(c.opts.roundWall()))
}

// startSeedAgents starts the seed policy's agents (bin/baseline) on A, B and C: A's nodeos is
// resumed from the start, as the seed ran its primary; B and C are paused and resume once our
// producer has been absent from the head for their wait, with no lock and no pause afterwards.
func (c *Cluster) startSeedAgents(ctx context.Context) error {
	for _, name := range []string{"a", "b", "c"} {
		if err := c.startSeedAgent(name); err != nil {
			return err
		}
	}
	if err := c.nodeosResume(ctx, "a"); err != nil {
		return err
	}
	return waitFor(ctx, 30*time.Second, "seed steady state", func(ctx context.Context) bool {
		nodes, err := c.nodes(ctx)
		if err != nil {
			return false
		}
		return !nodes["a"].Paused && nodes["a"].Produced > 0 && nodes["b"].Paused && nodes["c"].Paused
	})
}

func (c *Cluster) startSeedAgent(name string) error {
	h := c.hosts[name]
	argv := []string{c.bin("baseline"), "-url", c.nodeosURL(name), "-producer", c.ours, "-role", h.role,
		"-interval", c.opts.PollInterval.String(), "-timeout", "1s"}
	if h.role != "A" {
		argv = append(argv, "-absent", c.seedAbsent(h.role).String())
	}
	p, err := startProc("baseline-"+name, filepath.Join(c.dir, "baseline-"+name+".log"), c.topo.wrap(name, argv))
	if err != nil {
		return err
	}
	h.agent = p
	return nil
}

// nodeosURL is the nodeos API of host name's node.
func (c *Cluster) nodeosURL(name string) string {
	return fmt.Sprintf("http://%s:%d", c.topo.chainIP(1), 8800+hostIdx[name])
}

// nodeosResume calls /v1/producer/resume on host name's nodeos, as an operator would.
func (c *Cluster) nodeosResume(ctx context.Context, name string) error {
	if err := postJSON(ctx, c.nodeosURL(name)+"/v1/producer/resume", nil); err != nil {
		return fmt.Errorf("drill: resume %s's nodeos: %w", name, err)
	}
	return nil
}
