package consultest

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// clusterHCL makes a multi-server cluster elect as fast as a dev agent.
var clusterHCL = []string{
	`performance { raft_multiplier = 1 }`,
}

// Cluster is a set of Consul servers on 127.0.0.1 (distinct ports, data
// directories under t.TempDir) plus any client agents joined to them.
type Cluster struct {
	// Servers are the cluster's servers, in start order.
	Servers []*Server
	// Clients are the client agents added with AddClient.
	Clients []*Server

	t    testing.TB
	bin  string
	opts []Option
}

// StartCluster starts n Consul servers that bootstrap together, waits until
// every one knows the leader and has registered its node, and stops them in
// t.Cleanup. opts apply to every server.
func StartCluster(t testing.TB, n int, opts ...Option) *Cluster {
	t.Helper()
	bin := Binary(t)
	c := &Cluster{t: t, bin: bin, opts: opts}
	var err error
	for range startAttempts {
		if err = c.start(n); err == nil {
			return c
		}
		for _, s := range c.Servers {
			s.Kill()
		}
		c.Servers = nil
	}
	t.Fatalf("consultest: start %d-server cluster: %v", n, err)
	return nil
}

func (c *Cluster) start(n int) error {
	all := make([]agentPorts, n)
	for i := range all {
		p, err := newAgentPorts()
		if err != nil {
			return err
		}
		all[i] = p
	}
	var joins []string
	for _, p := range all {
		joins = append(joins, "-retry-join", hostPort(p.SerfLAN))
	}
	for i, p := range all {
		o := buildOptions("server-"+strconv.Itoa(i), c.opts)
		dir := c.t.TempDir()
		s := newServer(c.t, c.bin, o.nodeName, func(p agentPorts) []string {
			args := []string{"agent", "-server", "-bootstrap-expect", strconv.Itoa(n),
				"-data-dir", dir, "-bind", "127.0.0.1", "-client", "127.0.0.1",
				"-node", o.nodeName, "-log-level", o.logLevel}
			args = append(args, p.args()...)
			args = append(args, joins...)
			return append(args, hclArgs(append(append([]string(nil), clusterHCL...), o.hcl...))...)
		})
		s.Token = o.token
		s.setPorts(p)
		if err := s.launch(); err != nil {
			return err
		}
		c.Servers = append(c.Servers, s)
	}
	for _, s := range c.Servers {
		if err := s.waitReady(); err != nil {
			return err
		}
	}
	return nil
}

// AddClient starts a client agent joined to the cluster and waits until it
// is ready. opts apply to this agent only. A client agent leaves the cluster
// when stopped with Stop (SIGTERM), invalidating its node's sessions; pass
// WithHCL(`leave_on_terminate = false`) to keep them.
func (c *Cluster) AddClient(opts ...Option) *Server {
	c.t.Helper()
	o := buildOptions("client-"+strconv.Itoa(len(c.Clients)), opts)
	dir := c.t.TempDir()
	var joins []string
	for _, s := range c.Servers {
		joins = append(joins, "-retry-join", s.SerfLANAddr)
	}
	s := newServer(c.t, c.bin, o.nodeName, func(p agentPorts) []string {
		args := []string{"agent", "-data-dir", dir,
			"-bind", "127.0.0.1", "-client", "127.0.0.1",
			"-node", o.nodeName, "-log-level", o.logLevel}
		args = append(args, p.args()...)
		args = append(args, joins...)
		return append(args, hclArgs(o.hcl)...)
	})
	s.Token = o.token
	if err := s.startFresh(); err != nil {
		c.t.Fatalf("consultest: start client agent: %v", err)
	}
	c.Clients = append(c.Clients, s)
	return s
}

// Leader returns the server that currently leads the cluster, asking the
// running servers until one names a leader that is itself running, for at
// most 30s.
func (c *Cluster) Leader() *Server {
	c.t.Helper()
	s, err := c.waitLeader(readyTimeout)
	if err != nil {
		c.t.Fatalf("consultest: %v", err)
	}
	return s
}

func (c *Cluster) waitLeader(timeout time.Duration) (*Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if s := c.leaderNow(); s != nil {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no running cluster leader after %s", timeout)
		case <-tick.C:
		}
	}
}

func (c *Cluster) leaderNow() *Server {
	for _, s := range c.Servers {
		if !s.Running() {
			continue
		}
		addr, err := s.Client().Status().Leader()
		if err != nil || addr == "" {
			continue
		}
		for _, l := range c.Servers {
			if l.ServerAddr == addr && l.Running() {
				return l
			}
		}
	}
	return nil
}

// Followers returns the running servers that are not the current leader.
func (c *Cluster) Followers() []*Server {
	c.t.Helper()
	leader := c.Leader()
	var out []*Server
	for _, s := range c.Servers {
		if s != leader && s.Running() {
			out = append(out, s)
		}
	}
	return out
}

// KillLeader sends SIGKILL to the current leader and returns it (Restart
// brings it back with its data).
func (c *Cluster) KillLeader() *Server {
	c.t.Helper()
	s := c.Leader()
	s.Kill()
	return s
}
