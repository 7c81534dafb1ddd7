package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

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
	net := newAgentNetwork(t)
	agents := writeAgents(t, net, t.TempDir(), srv.HTTPAddr, "A", "B")
	startAgent(t, agents["a"], agentOptions{})
	waitStatus(t, agents["a"].listen, 20*time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing })
	startAgent(t, agents["b"], agentOptions{})
	waitStatus(t, agents["b"].listen, 20*time.Second, func(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy })

	// /v1/producing answers 200 on the producer and 429 on the healthy standby.
	for name, want := range map[string]int{"a": http.StatusOK, "b": http.StatusTooManyRequests} {
		resp, err := http.Get("http://" + agents[name].listen + "/v1/producing")
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
		return (&StatusCommand{UI: ui}).Run([]string{"-config", agents["a"].path}) == 0 &&
			strings.Contains(ui.OutputWriter.String(), "lock holder: a") &&
			strings.Count(ui.OutputWriter.String(), "eosstorebest") == 0 && strings.Contains(ui.OutputWriter.String(), "\nb ")
	})
	if code := (&PauseCommand{UI: ui}).Run([]string{"-config", agents["a"].path, "-reason", "test"}); code != 0 {
		t.Fatalf("pause: %s", ui.ErrorWriter.String())
	}
	waitStatus(t, agents["b"].listen, 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Maintenance })
	if code := (&ResumeCommand{UI: ui}).Run([]string{"-config", agents["a"].path}); code != 0 {
		t.Fatalf("resume: %s", ui.ErrorWriter.String())
	}
	waitStatus(t, agents["b"].listen, 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Standby })

	// A planned switchover there and back loses no turn.
	before := net.Slot()
	for _, to := range []string{"b", "a"} {
		switchoverWhenReady(t, ui, agents["a"].path, to, 20*time.Second)
		if !strings.Contains(ui.OutputWriter.String(), "switchover done: "+to+" produces") {
			t.Fatalf("switchover to %s printed %q", to, ui.OutputWriter.String())
		}
		waitStatus(t, agents[to].listen, 10*time.Second, func(s keeper.Status) bool { return s.State == keeper.Leader })
	}
	for _, turn := range net.Missed() {
		if turn.First >= before {
			t.Fatalf("turn %v missed across two planned switchovers", turn)
		}
	}

	killed := net.Slot()
	net.Node("a").Kill()
	var took keeper.Status
	waitStatus(t, agents["b"].listen, 30*time.Second, func(s keeper.Status) bool { took = s; return s.State == keeper.Leader })
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
