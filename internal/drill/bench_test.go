package drill

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseRSS(t *testing.T) {
	status := "Name:\teoskeeper\nVmPeak:\t 1300000 kB\nVmHWM:\t   24000 kB\nVmRSS:\t   22716 kB\nRssAnon:\t    7500 kB\nRssFile:\t   15216 kB\nRssShmem:\t       0 kB\n"
	got, err := parseRSS([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if want := (procRSS{total: 22716 << 10, anon: 7500 << 10, file: 15216 << 10}); got != want {
		t.Errorf("parseRSS = %+v, want %+v", got, want)
	}
	for name, bad := range map[string]string{
		"missing":  "Name:\tx\nVmHWM:\t 10 kB\nRssAnon:\t 1 kB\nRssFile:\t 1 kB\n",
		"no anon":  "VmRSS:\t 10 kB\nRssFile:\t 1 kB\n",
		"unit":     "VmRSS:\t 10 MB\nRssAnon:\t 1 kB\nRssFile:\t 1 kB\n",
		"number":   "VmRSS:\t ten kB\nRssAnon:\t 1 kB\nRssFile:\t 1 kB\n",
		"no value": "VmRSS:\nRssAnon:\t 1 kB\nRssFile:\t 1 kB\n",
	} {
		if _, err := parseRSS([]byte(bad)); err == nil {
			t.Errorf("%s: no error for %q", name, bad)
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields; utime 1234, stime 56.
	stat := "4242 (eos keeper) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 56 7 8 20 0 9 0 100 1300000000 5679 18446744073709551615\n"
	got, err := parseStatCPU([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if got != 1234+56 {
		t.Errorf("utime+stime = %d, want %d", got, 1234+56)
	}
	for name, bad := range map[string]string{
		"no name":     "4242 eoskeeper S 1 2 3",
		"short":       "4242 (eoskeeper) S 1 4242 4242 0 -1 4194560 900 0 0 0 12",
		"bad utime":   "4242 (eoskeeper) S 1 4242 4242 0 -1 4194560 900 0 0 0 x 56 7 8",
		"bad stime":   "4242 (eoskeeper) S 1 4242 4242 0 -1 4194560 900 0 0 0 12 -5 7 8",
		"empty input": "",
	} {
		if _, err := parseStatCPU([]byte(bad)); err == nil {
			t.Errorf("%s: no error for %q", name, bad)
		}
	}
}

// TestProcSelf reads this test process's own /proc files, which must parse and be plausible.
func TestProcSelf(t *testing.T) {
	pid := os.Getpid()
	rss, err := readRSS(pid)
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if rss.total < 1<<20 || rss.total > 4<<30 || rss.anon+rss.file > rss.total {
		t.Errorf("own RSS %d bytes is implausible", rss)
	}
	before, err := readCPUTicks(pid)
	if err != nil {
		t.Fatal(err)
	}
	// Burn CPU until the tick counter moves (one tick is 10 ms); bounded by a deadline.
	deadline := time.Now().Add(5 * time.Second)
	x := 0
	for time.Now().Before(deadline) {
		for i := range 1_000_000 {
			x ^= i
		}
		after, err := readCPUTicks(pid)
		if err != nil {
			t.Fatal(err)
		}
		if after > before {
			return
		}
	}
	t.Errorf("CPU ticks did not advance from %d in 5s of busy work (%d)", before, x)
}

func TestVerifyAgentPIDRejectsOtherBinaries(t *testing.T) {
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		t.Skip("no /proc here")
	}
	if err := verifyAgentPID(os.Getpid()); err == nil {
		t.Error("the test binary passed as an eoskeeper agent")
	}
}

// consulMetrics is an excerpt of Consul 1.20.6's /v1/agent/metrics?format=prometheus.
const consulMetrics = `# HELP consul_api_http Samples how long it takes to service the given HTTP request for the given verb and path.
# TYPE consul_api_http summary
consul_api_http{quantile="0.5"} NaN
consul_api_http_sum 0
consul_api_http_count 0
consul_api_http{method="GET",path="v1_kv_",quantile="0.5"} 0.30718299746513367
consul_api_http_sum{method="GET",path="v1_kv_"} 1.2196869850158691
consul_api_http_count{method="GET",path="v1_kv_"} 3
consul_api_http_count{method="PUT",path="v1_session_create"} 3
consul_api_http_count{method="GET",path="v1_agent_metrics"} 7
consul_api_http_count{path="v1_odd\"path, with comma",method="PUT"} 1.5e+01 1700000000000
consul_api_http_countless{method="GET",path="v1_kv_"} 99
consul_rpc_request 12
`

func TestParseHTTPCounts(t *testing.T) {
	got, err := parseHTTPCounts(strings.NewReader(consulMetrics))
	if err != nil {
		t.Fatal(err)
	}
	want := map[PathCount]float64{
		{Method: "GET", Path: "v1_kv_"}:                  3,
		{Method: "PUT", Path: "v1_session_create"}:       3,
		{Method: "GET", Path: "v1_agent_metrics"}:        7,
		{Method: "PUT", Path: `v1_odd"path, with comma`}: 15,
	}
	if len(got) != len(want) {
		t.Errorf("got %d series %v, want %d", len(got), got, len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %v, want %v", k.Method, k.Path, got[k], v)
		}
	}
}

func TestParseHTTPCountsErrors(t *testing.T) {
	for name, bad := range map[string]string{
		"unterminated labels": `consul_api_http_count{method="GET",path="v1_kv_" 3`,
		"unterminated value":  `consul_api_http_count{method="GET",path="v1_kv_} 3`,
		"unquoted value":      `consul_api_http_count{method=GET} 3`,
		"no value":            `consul_api_http_count{method="GET",path="v1_kv_"}`,
		"bad value":           `consul_api_http_count{method="GET",path="v1_kv_"} three`,
		"no path":             `consul_api_http_count{method="GET"} 3`,
	} {
		if _, err := parseHTTPCounts(strings.NewReader(bad + "\n")); err == nil {
			t.Errorf("%s: no error for %q", name, bad)
		}
	}
}

func TestDiffRequests(t *testing.T) {
	kv := PathCount{Method: "GET", Path: "v1_kv_"}
	renew := PathCount{Method: "PUT", Path: "v1_session_renew_"}
	check := PathCount{Method: "PUT", Path: "v1_agent_check_update_"}
	metrics := PathCount{Method: "GET", Path: metricsPath}
	before := map[PathCount]float64{kv: 10, renew: 4, metrics: 1}
	after := map[PathCount]float64{kv: 130, renew: 40, check: 40, metrics: 2}
	total, top := diffRequests(before, after)
	if total != 120+36+40 {
		t.Errorf("total = %v, want %v", total, 120+36+40)
	}
	want := []PathCount{{"GET", "v1_kv_", 120}, {"PUT", "v1_agent_check_update_", 40}, {"PUT", "v1_session_renew_", 36}}
	if len(top) != len(want) {
		t.Fatalf("top = %v, want %v", top, want)
	}
	for i := range want {
		if top[i] != want[i] {
			t.Errorf("top[%d] = %v, want %v", i, top[i], want[i])
		}
	}
}

func TestWriteBenchTable(t *testing.T) {
	r := BenchResult{Topology: "netns", Window: 10 * time.Minute, PollInterval: time.Second, BlockInterval: 500 * time.Millisecond,
		Agents: []AgentLoad{
			{Host: "a", Role: "A holder", State: "leader", PID: 7, MaxRSS: 21 << 20, FinalRSS: 19 << 20, FinalAnon: 6 << 20, FinalFile: 13 << 20, CPUSeconds: 1.2, CPUPercent: 0.2,
				ConsulRate: 2.25, TopPaths: []PathCount{{"GET", "v1_kv_", 600}}},
			{Host: "f", Role: "F watcher", State: "watching", PID: 9, MaxRSS: 12 << 20, FinalRSS: 12 << 20, CPUSeconds: 4.2, CPUPercent: 0.7},
		}}
	var text, md bytes.Buffer
	if err := WriteBenchTable(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteBenchMarkdown(&md, r, time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), "box"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"21.0 MiB", "19.0 MiB", "2.25", "GET v1_kv_ 600", "6.0 MiB / 13.0 MiB", "missed: RSS", "missed: CPU", "leader (0)"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text table lacks %q:\n%s", s, text.String())
		}
		if !strings.Contains(md.String(), s) {
			t.Errorf("markdown lacks %q:\n%s", s, md.String())
		}
	}
	if !strings.Contains(md.String(), "| A holder | 7 |") || !strings.Contains(md.String(), "2026-01-02 03:04 UTC") {
		t.Errorf("markdown rows:\n%s", md.String())
	}
}
