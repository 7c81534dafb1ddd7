package drill

import (
	"strings"
	"testing"
	"time"
)

func TestWriteMarkdown(t *testing.T) {
	results := []Result{
		{ID: 1, Name: "nodeos killed", Topology: "netns", Missed: 2, MinMissed: 2, MaxMissed: 3,
			FailoverWall: 5612 * time.Millisecond, FailoverSlots: 111, Pass: true, Note: "A back paused"},
		{ID: 6, Name: "cut | off", Topology: "no netns", Skipped: true, Note: "needs network namespaces"},
		{ID: 4, Name: "agent killed", Topology: "netns", DoubleProduced: 1, Note: "FAIL: b produced"},
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, results, time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC), "box", Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Drill of 2026-11-25 19:00 UTC on box: 4 producers, 50ms blocks",
		"| 1 | nodeos killed | netns | 0 | 2 | 2 / ≤3 | 5.6s | 111 | pass | A back paused |",
		"| 6 | cut \\| off | no netns | - | - | - | - | - | skipped | needs network namespaces |",
		"| 4 | agent killed | netns | 1 | 0 | 0 / ≤0 | - | - | FAIL |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n| "); n != 4 {
		t.Errorf("got %d table lines, want header + 3 rows:\n%s", n, out)
	}
}

func TestKeeperHCLUsesHostAddresses(t *testing.T) {
	c := &Cluster{topo: topology{netns: true}, dir: "/run/x", ours: "eosstorebest"}
	h := &host{name: "b", role: "B", statusAddr: "10.77.0.3:9273"}
	got := c.keeperHCL(h)
	for _, want := range []string{
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
