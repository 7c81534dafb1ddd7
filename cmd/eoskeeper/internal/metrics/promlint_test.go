package metrics

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// TestMetricsPromlint scrapes /metrics as Prometheus does, with every metric present, and
// runs Prometheus's metric linter over it: names, units, counter suffixes and help texts.
func TestMetricsPromlint(t *testing.T) {
	now := time.Now()
	s := keeper.Status{
		Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Leader, Transitions: 3,
		Reachable: true, APIErrors: 1, Head: 1000, LIB: 990, Peers: 9, PeersKnown: true,
		PausedKnown: true, Producing: true, LastProducedAt: now.Add(-time.Second),
		Healthy: true, LockHeld: true, Failovers: 1, Firing: []string{"x"},
		LastTakeover: &keeper.Takeover{From: "bp-b", Path: keeper.PathHandoff, At: now},
	}
	reg, err := NewRegistry(func() keeper.Status { return s }, Build{Version: "v1.2.3", Commit: "0123456789ab+dirty", GoVersion: "go1.26.8"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(reg))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}

	problems, err := promlint.New(bytes.NewReader(body)).Lint()
	if err != nil {
		t.Fatalf("lint: %v", err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}

	// The scrape holds every metric the collector describes, so the lint covered them all.
	descs := make(chan *prometheus.Desc, 64)
	NewCollector(func() keeper.Status { return s }, Build{}).Describe(descs)
	close(descs)
	described := len(descs)
	found := 0
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "# TYPE "+namespace+"_") {
			found++
		}
	}
	if found != described || described == 0 {
		t.Errorf("the scrape has %d %s_ metrics, the collector describes %d:\n%s", found, namespace, described, body)
	}
}
