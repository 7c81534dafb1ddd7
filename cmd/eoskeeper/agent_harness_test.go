package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// agentSpec is the agent writeAgentHCL writes a keeper.hcl for.
type agentSpec struct {
	name, role string
	producer   string
	nodeos     *nodeostest.Node // its URL and LogPath become nodeos.url and nodeos.log_file
	consul     string           // consul.address
	// consulExtra is more attributes of the consul block, such as token_file.
	consulExtra string
}

// testAgent is an agent of an integration test: its name, the path of its keeper.hcl and
// the host:port its output "http" listens on.
type testAgent struct {
	name   string
	path   string
	listen string
}

// writeAgentHCL writes dir/<name>.hcl for spec with the timings of the agent integration
// tests (nodeos polled every 100 ms with a 1 s timeout, a 10 s session lost after 4 s with a
// 4 s lock-delay), min_peers 1, warn logging and output "http" on a free loopback port.
func writeAgentHCL(t *testing.T, dir string, spec agentSpec) testAgent {
	t.Helper()
	a := testAgent{name: spec.name, path: filepath.Join(dir, spec.name+".hcl"), listen: freeAddr(t)}
	hcl := fmt.Sprintf(`
node {
  name = %q
  role = %q
}
producer = %q
nodeos {
  url           = %q
  log_file      = %q
  poll_interval = "100ms"
  timeout       = "1s"
}
consul {
  address     = %q
  session_ttl = "10s"
  lost_after  = "4s"
  lock_delay  = "4s"
%s
}
alerts {
  min_peers = 1
}
output "http" {
  listen = %q
}
logging {
  level = "warn"
}
`, spec.name, spec.role, spec.producer, spec.nodeos.URL, spec.nodeos.LogPath, spec.consul, spec.consulExtra, a.listen)
	if err := os.WriteFile(a.path, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	return a
}

// newAgentNetwork returns the simulated nodeos network of the agent integration tests: 4
// producers, a block every 50 ms, closed when t ends.
func newAgentNetwork(t *testing.T) *nodeostest.Network {
	t.Helper()
	net := nodeostest.NewNetwork(nodeostest.Config{Producers: 4, BlockInterval: 50 * time.Millisecond})
	t.Cleanup(net.Close)
	return net
}

// writeAgents adds to net, for each role, a producer node named after the role in lower case
// and writes the keeper.hcl of its agent in dir with consul.address consul. The agents are
// keyed by name.
func writeAgents(t *testing.T, net *nodeostest.Network, dir, consul string, roles ...string) map[string]testAgent {
	t.Helper()
	agents := map[string]testAgent{}
	for _, role := range roles {
		name := strings.ToLower(role)
		nd := net.AddNode(nodeostest.NodeConfig{Name: name, ProducerNode: true})
		agents[name] = writeAgentHCL(t, dir, agentSpec{name: name, role: role, producer: net.Ours(), nodeos: nd, consul: consul})
	}
	return agents
}

// startAgent loads a's keeper.hcl and runs runAgentWith with opts in a goroutine that the
// returned stop owns: stop cancels the agent and waits for runAgentWith to return. stop may be
// called more than once and is also a cleanup of t, so the agent never outlives the test. The
// agent logs warnings and errors to t under its name.
func startAgent(t *testing.T, a testAgent, opts agentOptions) (stop func()) {
	t.Helper()
	cfg, diags := LoadConfig(a.path)
	if diags.HasErrors() {
		t.Fatalf("load %s: %s", a.name, diags.Error())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := hclog.New(&hclog.LoggerOptions{Name: a.name, Level: hclog.Warn, Output: testWriter{t}})
	go func() { done <- runAgentWith(ctx, a.path, cfg, logger, opts) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Logf("agent %s stopped: %v", a.name, err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitStatus polls the /status of the agent listening on addr until cond holds of it, and
// fails t if it does not within limit.
func waitStatus(t *testing.T, addr string, limit time.Duration, cond func(keeper.Status) bool) {
	t.Helper()
	var last keeper.Status
	waitFor(t, limit, "status on "+addr, func() bool {
		resp, err := http.Get("http://" + addr + "/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &last); err != nil {
			return false
		}
		return cond(last)
	})
}

// switchoverWhenReady runs `eoskeeper switchover -config config -to to -timeout 60s` with ui
// until it succeeds, which it does once to has published itself as a healthy paused standby
// (every 5 s). It fails t at any other refusal, and after limit. ui then holds the output of
// the run that succeeded.
func switchoverWhenReady(t *testing.T, ui *testUI, config, to string, limit time.Duration) {
	t.Helper()
	waitFor(t, limit, "switchover to "+to+" accepted", func() bool {
		ui.OutputWriter.Reset()
		ui.ErrorWriter.Reset()
		code := (&SwitchoverCommand{UI: ui}).Run([]string{"-config", config, "-to", to, "-timeout", "60s"})
		if code != 0 && !strings.Contains(ui.ErrorWriter.String(), "is not a healthy paused standby") {
			t.Fatalf("switchover to %s: %s", to, ui.ErrorWriter.String())
		}
		return code == 0
	})
}

// waitFor checks cond every 50 ms until it holds, and fails t, naming what, if it does not
// within limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr returns a loopback host:port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// testWriter writes each write, less its trailing newlines, to t's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
