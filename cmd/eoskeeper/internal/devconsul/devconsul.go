// Package devconsul starts a throwaway Consul agent in dev mode on loopback, for the demo.
package devconsul

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hashicorp/consul/api"
)

// Agent is a running Consul dev agent.
type Agent struct {
	// HTTPAddr is the agent's HTTP API address, host:port.
	HTTPAddr string
	cmd      *exec.Cmd
	done     chan error
	logPath  string
}

// Find returns the consul binary: $EOSKEEPER_CONSUL, ./bin/consul, or consul on PATH.
func Find() (string, error) {
	if p := os.Getenv("EOSKEEPER_CONSUL"); p != "" {
		return p, nil
	}
	if p, err := filepath.Abs(filepath.Join("bin", "consul")); err == nil {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath("consul")
	if err != nil {
		return "", errors.New("no consul binary: run `make consul` (builds ./bin/consul) or put consul on PATH")
	}
	return p, nil
}

// Start runs `consul agent -dev` on 127.0.0.1 with free ports, logging to dir, and waits
// until it has a leader.
func Start(ctx context.Context, binary, dir string) (*Agent, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "consul.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("consul log: %w", err)
	}
	a := &Agent{HTTPAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])), done: make(chan error, 1), logPath: logPath}
	a.cmd = exec.Command(binary, "agent", "-dev", "-bind", "127.0.0.1", "-client", "127.0.0.1",
		"-http-port", strconv.Itoa(ports[0]), "-server-port", strconv.Itoa(ports[1]),
		"-serf-lan-port", strconv.Itoa(ports[2]), "-serf-wan-port", strconv.Itoa(ports[3]),
		"-dns-port", "-1", "-grpc-port", "-1", "-grpc-tls-port", "-1",
		"-hcl", `disable_update_check = true`, "-node", "demo")
	a.cmd.Stdout, a.cmd.Stderr = logFile, logFile
	if err := a.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start consul: %w", err)
	}
	go func() { a.done <- a.cmd.Wait(); logFile.Close() }()
	client, err := a.Client()
	if err != nil {
		a.Stop()
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if leader, err := client.Status().Leader(); err == nil && leader != "" {
			return a, nil
		}
		select {
		case err := <-a.done:
			return nil, fmt.Errorf("consul exited before electing a leader (%v); see %s", err, logPath)
		case <-ctx.Done():
			a.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			a.Stop()
			return nil, fmt.Errorf("consul has no leader after 30s; see %s", logPath)
		}
	}
}

// Client returns a Consul API client for the agent.
func (a *Agent) Client() (*api.Client, error) {
	cfg := api.DefaultConfig()
	cfg.Address = a.HTTPAddr
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("consul client: %w", err)
	}
	return c, nil
}

// Stop interrupts the agent and waits for it to exit.
func (a *Agent) Stop() {
	_ = a.cmd.Process.Signal(os.Interrupt)
	select {
	case <-a.done:
	case <-time.After(10 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.done
	}
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("free port: %w", err)
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
