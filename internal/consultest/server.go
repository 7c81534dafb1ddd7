package consultest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

const (
	// readyTimeout bounds how long an agent may take to know a leader and
	// register its own node.
	readyTimeout = 30 * time.Second
	// stopTimeout bounds a graceful stop before the agent is killed.
	stopTimeout = 10 * time.Second
	// startAttempts is how often Start tries fresh ports when an agent dies
	// before becoming ready (a port taken by another process in between).
	startAttempts = 3
)

// Server is one running Consul agent (a dev server, a cluster server or a
// client agent). Its methods may be called from the test goroutine only.
type Server struct {
	// HTTPAddr is the agent's HTTP API address, host:port.
	HTTPAddr string
	// NodeName is the agent's node name.
	NodeName string
	// ServerAddr is the agent's server RPC address, host:port, as Raft
	// reports it for the leader.
	ServerAddr string
	// SerfLANAddr is the agent's LAN gossip address, host:port.
	SerfLANAddr string
	// Token is the ACL token Client sends: the management token of WithACL,
	// else empty.
	Token string

	t     testing.TB
	bin   string
	args  func(agentPorts) []string
	ports agentPorts
	logs  *logBuffer

	cmd    *exec.Cmd
	exited chan struct{}
}

// Start runs a Consul dev agent (an in-memory single server) on 127.0.0.1 with
// free ports, waits until it is leader and has registered its node, and stops
// it in t.Cleanup. It skips the test when no consul binary is found (see
// Binary). A dev agent keeps its state in memory: Restart brings it back empty.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin := Binary(t)
	o := buildOptions("consultest-dev", opts)
	s := newServer(t, bin, o.nodeName, func(p agentPorts) []string {
		args := []string{"agent", "-dev",
			"-bind", "127.0.0.1", "-client", "127.0.0.1",
			"-node", o.nodeName, "-log-level", o.logLevel}
		args = append(args, p.args()...)
		return append(args, hclArgs(o.hcl)...)
	})
	s.Token = o.token
	if err := s.startFresh(); err != nil {
		t.Fatalf("consultest: start dev agent: %v", err)
	}
	return s
}

func newServer(t testing.TB, bin, name string, args func(agentPorts) []string) *Server {
	s := &Server{t: t, bin: bin, NodeName: name, args: args, logs: &logBuffer{}}
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("consul agent %s output:\n%s", s.NodeName, s.logs.String())
		}
	})
	return s
}

func hclArgs(extra []string) []string {
	var args []string
	for _, h := range append(append([]string(nil), baseHCL...), extra...) {
		args = append(args, "-hcl", h)
	}
	return args
}

// startFresh picks free ports and starts the agent, retrying with new ports
// when the agent exits before it becomes ready.
func (s *Server) startFresh() error {
	var err error
	for range startAttempts {
		var p agentPorts
		if p, err = newAgentPorts(); err != nil {
			return err
		}
		s.setPorts(p)
		if err = s.launch(); err == nil {
			return s.waitReady()
		}
	}
	return err
}

// setPorts records the ports and the addresses derived from them.
func (s *Server) setPorts(p agentPorts) {
	s.ports = p
	s.HTTPAddr = hostPort(p.HTTP)
	s.ServerAddr = hostPort(p.Server)
	s.SerfLANAddr = hostPort(p.SerfLAN)
}

// launch starts the process and returns an error when it exits within a short
// grace period (a port conflict, a bad flag).
func (s *Server) launch() error {
	cmd := exec.Command(s.bin, s.args(s.ports)...)
	cmd.Stdout = s.logs
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("consultest: exec %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	select {
	case <-exited:
		return fmt.Errorf("consultest: agent %s exited at start: %s", s.NodeName, cmd.ProcessState)
	case <-time.After(300 * time.Millisecond):
		return nil
	}
}

// waitReady polls the agent until it knows a leader and its own node is in
// the catalog (sessions need the node registered).
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	c := s.Client()
	var last error
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if last = s.ready(ctx, c); last == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("consultest: agent %s exited before ready: %s", s.NodeName, s.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("consultest: agent %s not ready after %s: %w", s.NodeName, readyTimeout, last)
		case <-tick.C:
		}
	}
}

func (s *Server) ready(ctx context.Context, c *api.Client) error {
	q := (&api.QueryOptions{}).WithContext(ctx)
	leader, err := c.Status().LeaderWithQueryOptions(q)
	if err != nil {
		return err
	}
	if leader == "" {
		return errors.New("no leader yet")
	}
	node, _, err := c.Catalog().Node(s.NodeName, q)
	if err != nil {
		return err
	}
	if node == nil || node.Node == nil {
		return errors.New("node not registered yet")
	}
	return nil
}

// Client returns a Consul API client for this agent, sending Token.
func (s *Server) Client() *api.Client {
	return NewClientWithToken(s.t, s.HTTPAddr, s.Token)
}

// Running reports whether the agent process is alive.
func (s *Server) Running() bool {
	if s.exited == nil {
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Stop sends SIGTERM and waits for the agent to exit, killing it after 10s.
// A client agent leaves the cluster on SIGTERM (leave_on_terminate defaults
// to true for clients), which invalidates the sessions of its node.
func (s *Server) Stop() {
	s.t.Helper()
	if !s.Running() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		s.Kill()
	}
}

// Kill sends SIGKILL and waits for the agent to exit.
func (s *Server) Kill() {
	if !s.Running() {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// Restart stops the agent if it runs and starts it again on the same ports
// (and data directory, for cluster agents), waiting until it is ready.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	for range startAttempts {
		if err = s.launch(); err == nil {
			break
		}
	}
	if err == nil {
		err = s.waitReady()
	}
	if err != nil {
		s.t.Fatalf("consultest: restart %s: %v", s.NodeName, err)
	}
}

// NewClient returns a Consul API client for addr (host:port), for example a
// Proxy's address.
func NewClient(t testing.TB, addr string) *api.Client {
	t.Helper()
	return NewClientWithToken(t, addr, "")
}

// NewClientWithToken returns a Consul API client for addr (host:port) that
// sends the ACL token token.
func NewClientWithToken(t testing.TB, addr, token string) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = addr
	cfg.Token = token
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatalf("consultest: client for %s: %v", addr, err)
	}
	return c
}

// logBuffer collects agent output; it is written by the exec copy goroutines
// and read at cleanup.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
