package nodeosfmt

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestVersionsComplete checks every Version: each message it writes has a level and a source
// and leaves no placeholder unfilled, and its reply shapes are usable.
func TestVersionsComplete(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	blk := Block{ID: "0123456789abcdef", Num: 9, Time: at, Producer: "p", LIB: 7}
	head := ForkHead{ID: strings.Repeat("a", 64), Num: 9, Producer: "p", Time: at}
	names := map[string]bool{}
	for _, v := range Versions {
		t.Run(v.Name, func(t *testing.T) {
			if v.Name == "" || names[v.Name] || v.Release == "" || v.Agent == "" {
				t.Fatalf("name %q (unique? %v), release %q, agent %q", v.Name, !names[v.Name], v.Release, v.Agent)
			}
			names[v.Name] = true
			if found, _ := Lookup(v.Name); found != v {
				t.Errorf("Lookup(%q) = %p, want %p", v.Name, found, v)
			}
			lines := map[string]string{
				"Produced":           string(v.AppendProduced(nil, at, blk)),
				"Received":           string(v.AppendReceived(nil, at, blk)),
				"SwitchForks":        v.SwitchForks.Line(at, Fork{From: head, To: head}),
				"NotProducingPaused": v.NotProducingPaused.Line(at, NotProducing{Block: at}),
				"Paused":             v.Paused.Line(at, nil),
				"Resumed":            v.Resumed.Line(at, nil),
				"Launching":          v.Launching.Line(at, Launching{1, at}),
			}
			if v.DoubleProduced.Logged() {
				lines["DoubleProduced"] = v.DoubleProduced.Line(at, DoubleProduced{"p", 9})
			}
			if v.NoRecentVotes.Logged() {
				lines["NoRecentVotes"] = v.NoRecentVotes.Line(at, NotProducing{at, at, at})
			}
			if v.GenerationChange.Logged() {
				lines["GenerationChange"] = v.GenerationChange.Line(at, GenerationChange{1, 2})
			}
			for name, line := range lines {
				level, _, _ := strings.Cut(line, " ")
				if level != "info" && level != "warn" && level != "error" || strings.Index(line, " ] ") != 90 {
					t.Errorf("%s: level or layout off: %q", name, line)
				}
				if strings.Contains(line, "${") || strings.HasSuffix(line, "] ") {
					t.Errorf("%s: placeholder left or empty message: %q", name, line)
				}
			}
			if v.InstantFinality != v.NoRecentVotes.Logged() || v.InstantFinality != v.GenerationChange.Logged() {
				t.Errorf("InstantFinality %v, but vote-timeout line %v and generation line %v",
					v.InstantFinality, v.NoRecentVotes.Logged(), v.GenerationChange.Logged())
			}
			var opts map[string]any
			if err := json.Unmarshal([]byte(v.RuntimeOptions), &opts); err != nil || opts["max_transaction_time"] == nil {
				t.Errorf("RuntimeOptions %s: %v", v.RuntimeOptions, err)
			}
			if len(v.Connection) == 0 || v.Connection[0] != "peer" || v.Connection[len(v.Connection)-1] != "last_handshake" {
				t.Errorf("Connection members %v: want peer first and last_handshake last", v.Connection)
			}
			if len(v.Handshake) == 0 || v.Handshake[0] != "network_version" {
				t.Errorf("Handshake members %v", v.Handshake)
			}
		})
	}
}

// TestConfs checks the two ways a release shows the confirmed count.
func TestConfs(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    *Version
		blk  Block
		want string
	}{
		{&Spring, Block{LIB: 7, Savanna: true}, "lib: 7, net: "},
		{&Spring, Block{LIB: 7, Confirmed: 3}, "lib: 7, confirmed: 3, net: "},
		{&Leap5, Block{LIB: 7, Savanna: true, Confirmed: 3}, "lib: 7, confirmed: 3, net: "},
		{&EOSIO2, Block{LIB: 7}, "lib: 7, confirmed: 0]"},
	} {
		if got := string(tc.v.AppendProduced(nil, at, tc.blk)); !strings.Contains(got, tc.want) {
			t.Errorf("%s Produced %+v = %q, want it to contain %q", tc.v.Name, tc.blk, got, tc.want)
		}
	}
}
