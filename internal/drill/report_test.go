package drill

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestWriteMarkdown(t *testing.T) {
	results := []Result{
		{ID: 1, Sub: "a", Name: "nodeos killed", Topology: "netns", Policy: policyKeeper, Path: "handoff", Missed: 0, MinMissed: 0, MaxMissed: 1,
			FailoverWall: 2512 * time.Millisecond, FailoverSlots: 30, Alerts: "fired a:holder_unhealthy", Pass: true, Note: "A back paused"},
		{ID: 1, Sub: "a", Name: "nodeos killed", Topology: "netns", Policy: policyEvidence, Path: "evidence", Missed: 2, MinMissed: 2, MaxMissed: 3,
			FailoverWall: 5612 * time.Millisecond, FailoverSlots: 111, Alerts: "fired a:holder_unhealthy", Pass: true, Note: "A back paused"},
		{ID: 1, Name: "nodeos killed", Topology: "netns", Policy: policySeed, DoubleProduced: 3, Missed: 2, MinMissed: 2, MaxMissed: 3,
			Note: "A unpaused beside B"},
		{ID: 6, Name: "cut | off", Topology: "no netns", Policy: policyKeeper, Skipped: true, Note: "needs network namespaces"},
		{ID: 4, Name: "agent killed", Topology: "netns", Policy: policyKeeper, DoubleProduced: 1, Note: "FAIL: b produced"},
		{ID: 13, Name: "maintenance", Topology: "netns", Policy: policyKeeper, Missed: 9, Unbounded: true, Pass: true},
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, results, time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC), "box", Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Drill of 2026-11-25 19:00 UTC on box: 4 producers, 50ms blocks",
		"| 1a | nodeos killed | eoskeeper | netns | handoff | 0 | 0 | 0 / ≤1 | 2.5s | 30 | fired a:holder_unhealthy | pass | A back paused |",
		"| 1a | nodeos killed | evidence-only | netns | evidence | 0 | 2 | 2 / ≤3 | 5.6s | 111 | fired a:holder_unhealthy | pass | A back paused |",
		"| 1 | nodeos killed | seed | netns | - | 3 | 2 | 2 / ≤3 | - | - | - | DOUBLE-PRODUCED | A unpaused beside B |",
		"| 6 | cut \\| off | eoskeeper | no netns | - | - | - | - | - | - | - | skipped | needs network namespaces |",
		"| 4 | agent killed | eoskeeper | netns | - | 1 | 0 | 0 / ≤0 | - | - | - | FAIL |",
		"| 13 | maintenance | eoskeeper | netns | - | 0 | 9 | no automatic action | - | - | - | pass |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n| "); n != 7 {
		t.Errorf("got %d table lines, want header + 6 rows:\n%s", n, out)
	}
	var failed []int
	for _, r := range results {
		if r.Failed() {
			failed = append(failed, r.ID)
		}
	}
	if len(failed) != 1 || failed[0] != 4 {
		t.Errorf("failed rows = %v, want [4]: seed rows and skipped rows never fail the drill", failed)
	}
}

func TestKeeperHCLUsesHostAddresses(t *testing.T) {
	c := &Cluster{topo: topology{netns: true}, dir: "/run/x", ours: "eosstorebest", opts: Options{BinDir: "/opt/bin", PollInterval: 100 * time.Millisecond},
		controlURL: "http://10.77.1.1:8800", alerts: &alertSink{url: "http://10.77.1.1:8890/alert"}, influxURL: "http://10.77.1.1:8886"}
	h := &host{name: "b", role: "B", statusAddr: "10.77.0.3:9273"}
	got := c.keeperHCL(h)
	for _, want := range []string{
		`fence_command = ["/opt/bin/nodeosnet", "ctl", "-control", "10.77.1.1:8800", "kill", "b"]`,
		`notify "webhook" "drill" {` + "\n" + `  url = "http://10.77.1.1:8890/alert"`,
		`url            = "http://10.77.1.1:8886"`,
		`poll_interval = "100ms"`,
		`url           = "http://10.77.1.1:8803"`,
		`log_file      = "/run/x/nodeos/b.log"`,
		`address     = "127.0.0.1:7513"`,
		`listen = "10.77.0.3:9273"`,
		`role = "B"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("keeper.hcl lacks %q:\n%s", want, got)
		}
	}
}

func TestSeedAbsentScalesToRounds(t *testing.T) {
	c := &Cluster{opts: Options{Producers: 4, BlockInterval: 50 * time.Millisecond}}
	// A drill round is 4 × 12 × 50 ms = 2.4 s; the seed's 250 s and 850 s are 1.98 and 6.75 real rounds.
	if got := c.seedAbsent("B"); got < 4760*time.Millisecond || got > 4765*time.Millisecond {
		t.Errorf("seedAbsent(B) = %s, want about 4.762s", got)
	}
	if got := c.seedAbsent("C"); got < 16*time.Second || got > 16300*time.Millisecond {
		t.Errorf("seedAbsent(C) = %s, want about 16.2s", got)
	}
}

func TestAlertSinkSummary(t *testing.T) {
	s, err := startAlertSink("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	before := time.Now()
	post := func(body string) int {
		resp, err := http.Post(s.url, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, m := range []string{
		`{"kind":"alert","alert":{"key":"holder_unhealthy","state":"fired","node":"a"}}`,
		`{"kind":"alert","alert":{"key":"failover","state":"fired","node":"b"}}`,
		`{"kind":"alert","alert":{"key":"holder_unhealthy","state":"fired","node":"a"},"repeat":1}`,
		`{"kind":"alert","alert":{"key":"holder_unhealthy","state":"resolved","node":"a"}}`,
		`{"kind":"digest","text":"daily"}`,
	} {
		if code := post(m); code != http.StatusNoContent {
			t.Fatalf("post %s: status %d", m, code)
		}
	}
	if code := post("not json"); code != http.StatusBadRequest {
		t.Errorf("bad body: status %d, want 400", code)
	}
	if got, want := s.summary(before), "fired a:holder_unhealthy b:failover; resolved a:holder_unhealthy"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if !s.fired(before, "b", "failover") || s.fired(before, "a", "failover") {
		t.Error("fired() does not match what was posted")
	}
	if got := s.summary(time.Now().Add(time.Second)); got != "none" {
		t.Errorf("summary of a later window = %q, want none", got)
	}
}
