package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// syntheticRun is a ledger of 10 rounds of a 4-producer schedule: a signs our first three
// turns, misses the next two (a crash), b resumes in the middle of turn 6 and signs the rest,
// and in turn 8 a signs two blocks beside b's.
func syntheticRun() ([]ledgerBlock, referee, nodeos.Schedule) {
	sched := nodeos.Schedule{Producers: []string{"alice", "ours", "carol", "dave"}}
	const rounds, base = 10, nodeos.Slot(480000)
	var ledger []ledgerBlock
	var ref referee
	num := uint32(1000)
	for r := range rounds {
		for s := nodeos.Slot(0); s < 48; s++ {
			slot := base + nodeos.Slot(r*48) + s
			prod := sched.ProducerAt(slot)
			if prod != "ours" {
				ledger = append(ledger, ledgerBlock{Num: num, Slot: slot, Producer: prod})
				num++
				continue
			}
			inTurn := s - 12
			switch {
			case r < 3:
				ledger = append(ledger, ledgerBlock{Num: num, Slot: slot, Producer: prod, Node: "a"})
			case r < 5:
				continue
			case r == 5 && inTurn < 6:
				continue
			default:
				ledger = append(ledger, ledgerBlock{Num: num, Slot: slot, Producer: prod, Node: "b"})
				if r == 7 && inTurn < 2 {
					ledger = append(ledger, ledgerBlock{Num: num, Slot: slot, Producer: prod, Node: "a"})
				}
			}
			num++
		}
		if r == 3 || r == 4 {
			ref.Missed = append(ref.Missed, nodeos.Turn{Producer: "ours", First: base + nodeos.Slot(r*48) + 12, End: base + nodeos.Slot(r*48) + 24})
		}
		if r == 7 {
			ref.DoubleProduced = append(ref.DoubleProduced, nodeos.Turn{Producer: "ours", First: base + nodeos.Slot(r*48) + 12, End: base + nodeos.Slot(r*48) + 24})
		}
	}
	return ledger, ref, sched
}

func TestBuildTimeline(t *testing.T) {
	ledger, ref, sched := syntheticRun()
	tl := buildTimeline(ledger, ref, sched, "ours", []string{"a", "b", "c"})
	if len(tl.Turns) != 10 || tl.RoundBlocks != 48 {
		t.Fatalf("%d turns, round %d; want 10 and 48", len(tl.Turns), tl.RoundBlocks)
	}
	for i, tt := range tl.Turns {
		want := map[string]int{}
		switch {
		case i < 3:
			want["a"] = 12
		case i == 5:
			want["b"] = 6
		case i == 7:
			want["a"], want["b"] = 2, 12
		case i > 5:
			want["b"] = 12
		}
		if len(tt.Blocks) != len(want) || tt.Blocks["a"] != want["a"] || tt.Blocks["b"] != want["b"] {
			t.Errorf("turn %d blocks %v, want %v", i, tt.Blocks, want)
		}
		if tt.Missed != (i == 3 || i == 4) || tt.Double != (i == 7) {
			t.Errorf("turn %d: missed %t, double %t", i, tt.Missed, tt.Double)
		}
	}
	// The axis: a turn's first slot at its index, the slot after it at index+turnWidth, the
	// next turn's first slot at index+1.
	for _, tc := range []struct {
		slot nodeos.Slot
		want float64
	}{
		{tl.Turns[3].First, 3},
		{tl.Turns[3].First + 6, 3 + turnWidth/2},
		{tl.Turns[3].First + 12, 3 + turnWidth},
		{tl.Turns[3].First + 30, 3 + turnWidth + (1-turnWidth)/2},
		{tl.Turns[0].First - 48, -1},
		{tl.Turns[9].First + 48, 10},
	} {
		if got := tl.x(tc.slot); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("x(%d) = %g, want %g", tc.slot, got, tc.want)
		}
	}
}

// TestTimelineSVG renders the synthetic run and checks the picture's parts: the lanes, one
// bar per turn a node signed in its colour, the missed turns' shading, the double
// production's outline, and the fault and takeover lines.
func TestTimelineSVG(t *testing.T) {
	ledger, ref, sched := syntheticRun()
	tl := buildTimeline(ledger, ref, sched, "ours", []string{"a", "b", "c"})
	tl.Title = "1a holder's nodeos killed"
	tl.Fault = tl.Turns[2].First + 20
	tl.Takeover, tl.TakeoverLabel = tl.Turns[5].First+5, "b (handoff)"
	var buf bytes.Buffer
	if err := tl.WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	if dir := os.Getenv("EOSKEEPER_TIMELINE_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "synthetic.svg"), buf.Bytes(), 0o644)
	}
	if !strings.HasPrefix(strings.TrimSpace(svg), "<?xml") || !strings.Contains(svg, "<svg") {
		t.Fatalf("not an SVG:\n%.200s", svg)
	}
	texts := map[string]int{}
	for _, m := range regexp.MustCompile(`>([^<>]+)</text>`).FindAllStringSubmatch(svg, -1) {
		texts[html.UnescapeString(strings.TrimSpace(m[1]))]++
	}
	for _, want := range []string{"a", "b", "c", "1a holder's nodeos killed", "signed by a", "signed by b", "missed turn",
		"double production", "fault", "takeover: b (handoff)", "-2", "0", "7"} {
		if texts[want] == 0 {
			t.Errorf("no text %q in the SVG; texts: %v", want, texts)
		}
	}
	if texts["signed by c"] != 0 {
		t.Error("a legend entry for c, which signed nothing")
	}
	fills := func(c string) int { return strings.Count(svg, "fill:"+c) }
	hex := func(i int) string {
		c := laneColor(i)
		return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B)
	}
	// Bars plus the legend's sample: a signed 4 turns, b 5, c none.
	for i, want := range []int{4 + 1, 5 + 1, 0} {
		if got := fills(hex(i)); got != want {
			t.Errorf("lane %d: %d fills of %s, want %d", i, got, hex(i), want)
		}
	}
	// Missed turns: two shaded bands and the legend's sample.
	if got := strings.Count(svg, ";fill-opacity:0.188"); got != 3 {
		t.Errorf("%d missed-turn fills, want 3", got)
	}
	// The double production's outline and its legend sample; the fault's dashed line.
	if got := strings.Count(svg, "stroke:#D62728"); got != 2 {
		t.Errorf("%d double-production outlines, want 2", got)
	}
	if !strings.Contains(svg, "stroke-dasharray:4,3") {
		t.Error("no dashed fault line")
	}
}

// TestTimelineFrom keeps the given number of turns before the fault's.
func TestTimelineFrom(t *testing.T) {
	ledger, ref, sched := syntheticRun()
	tl := buildTimeline(ledger, ref, sched, "ours", []string{"a", "b"})
	cut := tl.from(tl.Turns[7].First+20, 2)
	if len(cut.Turns) != 5 || cut.Turns[0].First != tl.Turns[5].First {
		t.Errorf("from turn 7 keeping 2: %d turns from %d", len(cut.Turns), cut.Turns[0].First)
	}
	if got := tl.from(0, 2); len(got.Turns) != len(tl.Turns) {
		t.Errorf("no fault: %d turns, want all %d", len(got.Turns), len(tl.Turns))
	}
	if got := tl.from(tl.Turns[1].First, 6); len(got.Turns) != len(tl.Turns) {
		t.Errorf("fault near the start: %d turns, want all %d", len(got.Turns), len(tl.Turns))
	}
}

func TestCopyTimelines(t *testing.T) {
	run, dst := t.TempDir(), filepath.Join(t.TempDir(), "timelines")
	for _, d := range []string{"scenario-01a-eoskeeper", "scenario-12-eoskeeper", "scenario-04-seed"} {
		if err := os.MkdirAll(filepath.Join(run, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if d != "scenario-04-seed" {
			if err := os.WriteFile(filepath.Join(run, d, timelineFile), []byte("<svg>"+d+"</svg>"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, err := CopyTimelines(run, dst)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dst, "scenario-01a-eoskeeper.svg"), filepath.Join(dst, "scenario-12-eoskeeper.svg")}
	if strings.Join(files, ",") != strings.Join(want, ",") {
		t.Fatalf("files %q, want %q", files, want)
	}
	if b, err := os.ReadFile(want[1]); err != nil || string(b) != "<svg>scenario-12-eoskeeper</svg>" {
		t.Errorf("%s: %q %v", want[1], b, err)
	}
}

// TestWriteTimeline draws a scenario's timeline from a nodeosnet control API and an agent's
// status served over HTTP, placing the fault and the takeover by the chain's clock.
func TestWriteTimeline(t *testing.T) {
	ledger, ref, sched := syntheticRun()
	last := ledger[len(ledger)-1].Slot
	server := func(routes map[string]any) *httptest.Server {
		mux := http.NewServeMux()
		for path, v := range routes {
			mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) { _ = json.NewEncoder(w).Encode(v) })
		}
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv
	}
	now := time.Now()
	control := server(map[string]any{
		"/ledger":  ledger,
		"/referee": ref,
		"/status":  chainStatus{Slot: last, Ours: "ours", Schedule: sched.Producers},
	})
	// The takeover came 3 rounds (144 slots of 50 ms) before the last slot; the fault 8.
	agent := server(map[string]any{
		"/status": keeper.Status{Node: "b", LastTakeover: &keeper.Takeover{From: "a", Path: keeper.PathHandoff, At: now.Add(-144 * 50 * time.Millisecond)}},
	})
	c := &Cluster{controlURL: control.URL, ours: "ours", opts: Options{BlockInterval: 50 * time.Millisecond},
		faultAt: now.Add(-8 * 48 * 50 * time.Millisecond), policy: policyKeeper,
		hosts: map[string]*host{"a": {name: "a", role: "A"}, "b": {name: "b", role: "B", statusAddr: strings.TrimPrefix(agent.URL, "http://")}, "f": {name: "f", role: "F"}}}
	path := filepath.Join(t.TempDir(), "timeline.svg")
	r := Result{ID: 1, Sub: "a", Name: "holder's nodeos killed", Policy: policyKeeper, NewProducer: "b"}
	if err := c.writeTimeline(context.Background(), r, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	svg := html.UnescapeString(string(b))
	for _, want := range []string{"1a: holder's nodeos killed (eoskeeper)", ">a<", ">b<", "takeover: b (handoff)", ">fault<", "signed by a", "signed by b"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	if strings.Contains(svg, ">f<") {
		t.Error("the timeline has a lane for the full node f")
	}
}
