package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// TestAgentEndToEnd runs two agents (A and B) from keeper.hcl files against a real Consul and
// a simulated nodeos network: A produces; the status, pause, resume and switchover commands
// work (a switchover there and back misses no turn); A's
// nodeos dies and B takes over (handed on at once, or after its two missed turns when the
// health check invalidated A's session first), with no double production. The
// session is bound to the nodeos health check, so A's dead nodeos also invalidates A's session
// and arms the lock-delay, which the accelerated chain must outlast (4 s < 2 turns here).
func TestAgentEndToEnd(t *testing.T) {
	srv := consultest.Start(t)
	net := nodeostest.NewNetwork(nodeostest.Config{Producers: 4, BlockInterval: 50 * time.Millisecond})
	t.Cleanup(net.Close)
	dir := t.TempDir()
	paths := map[string]string{}
	listen := map[string]string{}
	for _, role := range []string{"A", "B"} {
		name := strings.ToLower(role)
		nd := net.AddNode(nodeostest.NodeConfig{Name: name, ProducerNode: true})
		listen[name] = freeAddr(t)
		paths[name] = filepath.Join(dir, name+".hcl")
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
`, name, role, net.Ours(), nd.URL, nd.LogPath, srv.HTTPAddr, listen[name])
		if err := os.WriteFile(paths[name], []byte(hcl), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	startAgent := func(name string) (stop func()) {
		cfg, diags := LoadConfig(paths[name])
		if diags.HasErrors() {
			t.Fatalf("load %s: %s", name, diags.Error())
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		logger := hclog.New(&hclog.LoggerOptions{Name: name, Level: hclog.Warn, Output: testWriter{t}})
		go func() { done <- runAgent(ctx, paths[name], cfg, logger) }()
		return func() { cancel(); <-done }
	}
	stopA := startAgent("a")
	defer stopA()
	waitStatus(t, listen["a"], 20*time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing })
	stopB := startAgent("b")
	defer stopB()
	waitStatus(t, listen["b"], 20*time.Second, func(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy })

	// /v1/producing answers 200 on the producer and 429 on the healthy standby.
	for name, want := range map[string]int{"a": http.StatusOK, "b": http.StatusTooManyRequests} {
		resp, err := http.Get("http://" + listen[name] + "/v1/producing")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s /v1/producing = %d, want %d", name, resp.StatusCode, want)
		}
	}

	// The operator commands read and write the same Consul.
	ui := newTestUI()
	waitFor(t, 15*time.Second, "both agents in `eoskeeper status`", func() bool {
		ui.OutputWriter.Reset()
		return (&StatusCommand{UI: ui}).Run([]string{"-config", paths["a"]}) == 0 &&
			strings.Contains(ui.OutputWriter.String(), "lock holder: a") &&
			strings.Count(ui.OutputWriter.String(), "eosstorebest") == 0 && strings.Contains(ui.OutputWriter.String(), "\nb ")
	})
	if code := (&PauseCommand{UI: ui}).Run([]string{"-config", paths["a"], "-reason", "test"}); code != 0 {
		t.Fatalf("pause: %s", ui.ErrorWriter.String())
	}
	waitStatus(t, listen["b"], 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Maintenance })
	if code := (&ResumeCommand{UI: ui}).Run([]string{"-config", paths["a"]}); code != 0 {
		t.Fatalf("resume: %s", ui.ErrorWriter.String())
	}
	waitStatus(t, listen["b"], 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Standby })

	// A planned switchover there and back loses no turn.
	before := net.Slot()
	for _, to := range []string{"b", "a"} {
		// The target must have published itself as a healthy standby (every 5 s) first.
		waitFor(t, 20*time.Second, "switchover to "+to+" accepted", func() bool {
			ui.OutputWriter.Reset()
			ui.ErrorWriter.Reset()
			code := (&SwitchoverCommand{UI: ui}).Run([]string{"-config", paths["a"], "-to", to, "-timeout", "60s"})
			if code != 0 && !strings.Contains(ui.ErrorWriter.String(), "is not a healthy paused standby") {
				t.Fatalf("switchover to %s: %s", to, ui.ErrorWriter.String())
			}
			return code == 0
		})
		if !strings.Contains(ui.OutputWriter.String(), "switchover done: "+to+" produces") {
			t.Fatalf("switchover to %s printed %q", to, ui.OutputWriter.String())
		}
		waitStatus(t, listen[to], 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader })
	}
	for _, turn := range net.Missed() {
		if turn.First >= before {
			t.Fatalf("turn %v missed across two planned switchovers", turn)
		}
	}

	killed := net.Slot()
	net.Node("a").Kill()
	var took keeper.Status
	waitStatus(t, listen["b"], 30*time.Second, func(s keeper.Status) bool { took = s; return s.State == keeper.Leader })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := net.WaitTurns(ctx, 2); err != nil {
		t.Fatal(err)
	}
	missed := 0
	for _, turn := range net.Missed() {
		if turn.First >= killed {
			missed++
		}
	}
	// A's agent sees its nodeos refuse connections and hands production to B at once, unless
	// the nodeos health check invalidated A's session first: then B waits for its evidence.
	if took.LastTakeover == nil {
		t.Fatal("B leads without a recorded takeover")
	}
	switch path := took.LastTakeover.Path; {
	case path == keeper.PathHandoff && missed > 1:
		t.Fatalf("missed %d turns after A's nodeos died and handed off, want at most 1", missed)
	case path == keeper.PathEvidence && missed != 2:
		t.Fatalf("missed %d turns after A's nodeos died, B on evidence, want 2", missed)
	case path != keeper.PathHandoff && path != keeper.PathEvidence:
		t.Fatalf("B took over by %q, want handoff or evidence", path)
	}
	if err := nodeostest.CheckNoDoubleProduction(net.Ledger()); err != nil {
		t.Fatal(err)
	}
}

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

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
