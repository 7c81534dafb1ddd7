package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

func intp(n int) *int { return &n }

// TestHistoryRecorder feeds one node's successive statuses to the recorder and checks the
// history changes each calls for.
func TestHistoryRecorder(t *testing.T) {
	t0 := time.Unix(1700000000, 0).UTC()
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	wmA := keeper.Block{Num: 100, Slot: 1000, Node: "a"}
	standby := keeper.Status{Node: "b", State: keeper.Standby, Time: at(0), LastOurBlock: wmA, Watermark: wmA}
	took := &keeper.Takeover{From: "a", Path: keeper.PathHandoff, Why: "hand-off to b", Reason: "nodeos unhealthy: head stalled", At: at(1)}
	leader := keeper.Status{Node: "b", State: keeper.Leader, StateSince: at(1), Time: at(1), LockHeld: true,
		LastOurBlock: wmA, Watermark: wmA, LastTakeover: took}
	produced := leader
	produced.Time = at(9)
	// b's first blocks: 105 at slot 1010, so 10 slots passed and 5 blocks were made, 5 of
	// them by other producers: 5 slots are empty.
	produced.LastProduced = keeper.Block{Num: 105, Slot: 1010, Node: "b"}
	produced.LastOurBlock = produced.LastProduced
	producedMore := produced
	producedMore.LastProduced = keeper.Block{Num: 107, Slot: 1012, Node: "b"}
	wmB := keeper.Block{Num: 130, Slot: 1040, Node: "b"}
	switched := produced
	switched.State, switched.StateSince, switched.StateReason, switched.LockHeld = keeper.Standby, at(20), "planned switchover to c", false
	switched.Watermark = wmB
	reacquired := switched
	reacquired.State, reacquired.StateSince, reacquired.StateReason, reacquired.LockHeld = keeper.Leader, at(30), "this node produced the watermark block 130 and none is newer", true
	fenced := reacquired
	fenced.State, fenced.StateSince, fenced.StateReason, fenced.LockHeld = keeper.Standby, at(40), "lock lost: leadership can no longer be proven", false
	again := fenced
	again.State, again.StateSince, again.StateReason, again.LockHeld = keeper.Leader, at(50), "x", true
	stopped := again
	stopped.State, stopped.StateSince, stopped.StateReason, stopped.LockHeld = keeper.Stopped, at(60), "context ended", false
	resigned := again
	resigned.State, resigned.StateSince, resigned.StateReason, resigned.LockHeld = keeper.Standby, at(70), "nodeos unhealthy: peers 0<5", false

	r := &historyRecorder{}
	steps := []struct {
		name string
		s    keeper.Status
		want []historyChange
	}{
		{"first status", standby, nil},
		{"same status", standby, nil},
		{"takeover", leader, []historyChange{{add: &HistoryEntry{Time: at(1), Event: historyTakeover, From: "a", To: "b", Path: keeper.PathHandoff,
			Reason: "hand-off to b; a handed off: nodeos unhealthy: head stalled", Watermark: wmA}}}},
		{"still leading, no block yet", leader, nil},
		{"first blocks", produced, []historyChange{{missed: &historyMissed{node: "b", at: at(1), count: 5}}}},
		{"more blocks", producedMore, nil},
		{"switchover", switched, []historyChange{{add: &HistoryEntry{Time: at(20), Event: historySwitchover, From: "b", To: "c",
			Reason: "planned switchover to c", Watermark: wmB}}}},
		{"last producer again", reacquired, []historyChange{{add: &HistoryEntry{Time: at(30), Event: historyAcquire, To: "b",
			Reason: "this node produced the watermark block 130 and none is newer", Watermark: wmB}}}},
		{"fenced before producing", fenced, []historyChange{{add: &HistoryEntry{Time: at(40), Event: historyFence, From: "b",
			Reason: "lock lost: leadership can no longer be proven", Watermark: wmB}}}},
		{"acquire", again, []historyChange{{add: &HistoryEntry{Time: at(50), Event: historyAcquire, To: "b", Reason: "x", Watermark: wmB}}}},
		{"stopping", stopped, []historyChange{{add: &HistoryEntry{Time: at(60), Event: historyResign, From: "b", Reason: "agent stopping", Watermark: wmB}}}},
		{"acquire again", again, []historyChange{{add: &HistoryEntry{Time: at(50), Event: historyAcquire, To: "b", Reason: "x", Watermark: wmB}}}},
		{"resign", resigned, []historyChange{{add: &HistoryEntry{Time: at(70), Event: historyResign, From: "b", Reason: "nodeos unhealthy: peers 0<5", Watermark: wmB}}}},
	}
	for _, st := range steps {
		if got := r.observe(st.s); !reflect.DeepEqual(got, st.want) {
			t.Errorf("%s: changes %s, want %s", st.name, describeChanges(got), describeChanges(st.want))
		}
	}
}

func describeChanges(cs []historyChange) string {
	var parts []string
	for _, c := range cs {
		if c.add != nil {
			parts = append(parts, fmt.Sprintf("add %+v", *c.add))
		} else {
			parts = append(parts, fmt.Sprintf("missed %+v", *c.missed))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// TestUpdateHistoryConcurrent: agents appending at the same time lose no entry, and the
// history keeps the newest historyLimit.
func TestUpdateHistoryConcurrent(t *testing.T) {
	kv := consultest.Start(t).Client().KV()
	const key, writers = "eoskeeper/test/history", 6
	ctx := context.Background()
	run := func(each int) {
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					e := HistoryEntry{Time: time.Now(), Event: historyTakeover, To: fmt.Sprintf("w%d", w), Reason: fmt.Sprint(i)}
					if err := updateHistory(ctx, kv, key, appendEntry(e)); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	run(10)
	entries, _, err := readHistory(ctx, kv, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != writers*10 {
		t.Fatalf("%d entries after %d appends", len(entries), writers*10)
	}
	// Each writer's entries are in its order.
	next := map[string]int{}
	for _, e := range entries {
		if e.Reason != fmt.Sprint(next[e.To]) {
			t.Fatalf("%s's entry %s after %d", e.To, e.Reason, next[e.To])
		}
		next[e.To]++
	}
	run(20)
	entries, _, err = readHistory(ctx, kv, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != historyLimit {
		t.Fatalf("%d entries, want the newest %d", len(entries), historyLimit)
	}
	// The newest 100 of 180: every writer's last entries survive.
	for w := range writers {
		found := false
		for _, e := range entries {
			found = found || (e.To == fmt.Sprintf("w%d", w) && e.Reason == "19")
		}
		if !found {
			t.Errorf("w%d's last entry was dropped", w)
		}
	}
	// Missed blocks are set on the acquisition they belong to.
	target := entries[len(entries)-3]
	if err := updateHistory(ctx, kv, key, setMissed(target.To, target.Time, 7)); err != nil {
		t.Fatal(err)
	}
	after, _, err := readHistory(ctx, kv, key)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range after {
		if want := i == len(after)-3; (e.Missed != nil) != want || (want && *e.Missed != 7) {
			t.Errorf("entry %d: missed %v", i, e.Missed)
		}
	}
}

// writeOperatorConfig writes a keeper.hcl for the operator commands against the Consul at
// addr and returns its path.
func writeOperatorConfig(t *testing.T, addr string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keeper.hcl")
	hcl := fmt.Sprintf(`
node {
  name = "ops"
  role = "F"
}
producer = "eosstorebest"
consul {
  address = %q
}
`, addr)
	if err := os.WriteFile(path, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRecordHistoryToConsul runs the history writer over a changing status against a real
// Consul and reads the result with `eoskeeper history`, as JSON and as a table.
func TestRecordHistoryToConsul(t *testing.T) {
	srv := consultest.Start(t)
	cfgPath := writeOperatorConfig(t, srv.HTTPAddr)
	cfg, diags := LoadConfig(cfgPath)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var mu sync.Mutex
	now := time.Now().UTC().Truncate(time.Second)
	wm := keeper.Block{Num: 100, Slot: 1000, Node: "a"}
	cur := keeper.Status{Node: "b", State: keeper.Standby, Time: now, LastOurBlock: wm, Watermark: wm}
	set := func(f func(*keeper.Status)) {
		mu.Lock()
		f(&cur)
		mu.Unlock()
	}
	status := func() keeper.Status { mu.Lock(); defer mu.Unlock(); return cur }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- recordHistory(ctx, srv.Client().KV(), historyKey(cfg), status, hclog.NewNullLogger())
	}()

	history := func() []HistoryEntry {
		ui := newTestUI()
		if code := (&HistoryCommand{UI: ui}).Run([]string{"-config", cfgPath, "-json"}); code != 0 {
			t.Fatalf("history -json: %s", ui.ErrorWriter.String())
		}
		var out []HistoryEntry
		if err := json.Unmarshal(ui.OutputWriter.Bytes(), &out); err != nil {
			t.Fatalf("history -json: %v\n%s", err, ui.OutputWriter.String())
		}
		return out
	}
	if h := history(); len(h) != 0 {
		t.Fatalf("history before any change: %+v", h)
	}
	set(func(s *keeper.Status) {
		s.State, s.LockHeld, s.StateSince = keeper.Leader, true, now.Add(time.Second)
		s.LastTakeover = &keeper.Takeover{From: "a", Path: keeper.PathEvidence, Why: "our producer missed 2 turns (role B waits for 2)", At: now.Add(time.Second)}
	})
	waitFor(t, 5*time.Second, "the takeover in the history", func() bool { return len(history()) == 1 })
	if h := history()[0]; h.Event != historyTakeover || h.From != "a" || h.To != "b" || h.Path != keeper.PathEvidence || h.Missed != nil || h.Watermark != wm {
		t.Fatalf("takeover entry %+v", h)
	}
	// b's first block comes 24 slots and 12 blocks after a's last: 12 empty slots.
	set(func(s *keeper.Status) { s.LastProduced = keeper.Block{Num: 112, Slot: 1024, Node: "b"} })
	waitFor(t, 5*time.Second, "the missed blocks in the history", func() bool { return history()[0].Missed != nil })
	if m := *history()[0].Missed; m != 12 {
		t.Fatalf("missed %d, want 12", m)
	}
	// A stopping holder records its release after ctx ends.
	set(func(s *keeper.Status) {
		s.State, s.LockHeld, s.StateSince = keeper.Stopped, false, now.Add(time.Minute)
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h := history()
	if len(h) != 2 || h[1].Event != historyResign || h[1].From != "b" || h[1].Reason != "agent stopping" {
		t.Fatalf("history after stopping: %+v", h)
	}

	ui := newTestUI()
	if code := (&HistoryCommand{UI: ui}).Run([]string{"-config", cfgPath}); code != 0 {
		t.Fatalf("history: %s", ui.ErrorWriter.String())
	}
	lines := strings.Split(strings.TrimSpace(ui.OutputWriter.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TIME ") {
		t.Fatalf("history table:\n%s", ui.OutputWriter.String())
	}
	for i, want := range [][]string{
		{"takeover", "a", "b", "evidence", "our producer missed 2 turns", "12", "100 (a)"},
		{"resign", "b", "-", "-", "agent stopping", "-", "100 (a)"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], " "+w+" ") && !strings.HasSuffix(lines[i+1], " "+w) {
				t.Errorf("row %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
}
