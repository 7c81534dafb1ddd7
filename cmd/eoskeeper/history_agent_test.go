package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// lockedUI is a UI a running command and the test may use at the same time.
type lockedUI struct {
	mu       sync.Mutex
	out, err strings.Builder
}

func (u *lockedUI) Output(msg string) { u.mu.Lock(); u.out.WriteString(msg + "\n"); u.mu.Unlock() }
func (u *lockedUI) Error(msg string)  { u.mu.Lock(); u.err.WriteString(msg + "\n"); u.mu.Unlock() }
func (u *lockedUI) Warn(msg string)   { u.Error(msg) }
func (u *lockedUI) output() string    { u.mu.Lock(); defer u.mu.Unlock(); return u.out.String() }

// TestAgentsRecordHistory runs agents A and B against a real Consul and a simulated nodeos
// network: a planned switchover to B, then B's nodeos dies and A takes
// production back. `eoskeeper history` shows each change of the holder recorded by the node
// that made it, the switchover's takeover with no missed block; `eoskeeper status -watch`
// redraws the agents with their versions and what the standby waits for.
func TestAgentsRecordHistory(t *testing.T) {
	oldV, oldC := Version, Commit
	Version, Commit = "v9.9.9", "feedfacecafe"
	t.Cleanup(func() { Version, Commit = oldV, oldC })
	srv := consultest.Start(t)
	net := newAgentNetwork(t)
	agents := writeAgents(t, net, t.TempDir(), srv.HTTPAddr, "A", "B")
	for _, name := range []string{"a", "b"} {
		startAgent(t, agents[name], agentOptions{})
		want := keeper.Standby
		if name == "a" {
			want = keeper.Leader
		}
		waitStatus(t, agents[name].listen, 20*time.Second, func(s keeper.Status) bool { return s.State == want && s.Healthy })
	}

	ui := newTestUI()
	switchoverWhenReady(t, ui, agents["a"].path, "b", 20*time.Second)

	var entries []HistoryEntry
	readEntries := func() []HistoryEntry {
		cfg, _ := LoadConfig(agents["a"].path)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h, _, err := readHistory(ctx, srv.Client().KV(), historyKey(cfg))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	find := func(h []HistoryEntry, event, from, to string) *HistoryEntry {
		for i := range h {
			if h[i].Event == event && h[i].From == from && h[i].To == to {
				return &h[i]
			}
		}
		return nil
	}
	waitFor(t, 30*time.Second, "a's switchover and b's takeover with its missed blocks", func() bool {
		entries = readEntries()
		tk := find(entries, historyTakeover, "a", "b")
		return find(entries, historySwitchover, "a", "b") != nil && tk != nil && tk.Missed != nil
	})
	if tk := find(entries, historyTakeover, "a", "b"); tk.Path != keeper.PathSwitchover || *tk.Missed != 0 || tk.Watermark.Num == 0 {
		t.Errorf("b's takeover: %+v (missed %d), want the switchover path and no missed block", *tk, *tk.Missed)
	}

	// status -watch redraws until its context ends, then exits 0.
	wui := &lockedUI{}
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() {
		exit <- (&StatusCommand{UI: wui, ctx: ctx}).Run([]string{"-config", agents["a"].path, "-watch", "-interval", "100ms"})
	}()
	// The agents publish every 5 s: the standby's table row comes to say what it waits for.
	waitFor(t, 15*time.Second, "status -watch showing a waiting for the lock", func() bool {
		out := wui.output()
		return strings.Count(out, "NODE ") >= 3 && strings.Contains(out[strings.LastIndex(out, "NODE "):], "waiting: lock held by b")
	})
	cancel()
	if code := <-exit; code != 0 {
		t.Errorf("status -watch exited %d", code)
	}
	frames := strings.Split(wui.output(), "\n\n")
	if strings.Contains(wui.output(), clearScreen) || !strings.Contains(frames[0], "NODE ") {
		t.Errorf("status -watch output to a non-terminal:\n%s", wui.output())
	}
	table := wui.output()[strings.LastIndex(wui.output(), "NODE "):]
	for _, want := range []string{" VERSION ", "v9.9.9@feedfacecafe", "waiting: lock held by b", "lock holder: b"} {
		if !strings.Contains(table, want) {
			t.Errorf("status table lacks %q:\n%s", want, table)
		}
	}

	// B's nodeos dies: B resigns (or is fenced) and A takes over; both are recorded.
	net.Node("b").Kill()
	waitFor(t, 60*time.Second, "b's release and a's takeover", func() bool {
		entries = readEntries()
		return find(entries, historyTakeover, "b", "a") != nil && (find(entries, historyResign, "b", "") != nil || find(entries, historyFence, "b", "") != nil)
	})
	hui := newTestUI()
	if code := (&HistoryCommand{UI: hui}).Run([]string{"-config", agents["b"].path}); code != 0 {
		t.Fatalf("history: %s", hui.ErrorWriter.String())
	}
	t.Logf("eoskeeper history:\n%s", hui.OutputWriter.String())
	if err := nodeostest.CheckNoDoubleProduction(net.Ledger()); err != nil {
		t.Fatal(err)
	}
}
