package nodeostest

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// chainStart is a round-aligned chain start for deterministic tests.
var chainStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// manualNet returns a started network with a manual clock and the given nodes, closed at cleanup.
func manualNet(t *testing.T, cfg Config, nodes ...NodeConfig) (*Network, []*Node) {
	t.Helper()
	cfg.ManualClock = true
	if cfg.Start.IsZero() {
		// Align to a round so that OurIndex 0 has the first turn.
		producers := cfg.Producers
		if producers == 0 {
			producers = DefaultProducers
		}
		s := nodeos.SlotOf(chainStart)
		cfg.Start = (s - s%nodeos.Slot(producers*nodeos.ProducerRepetitions)).Time()
	}
	n := NewUnstartedNetwork(cfg)
	t.Cleanup(n.Close)
	var out []*Node
	for _, nc := range nodes {
		out = append(out, n.AddNode(nc))
	}
	n.Start()
	return n, out
}

// testClient opens a connection per request, so a node's restart leaves no stale ones.
var testClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}

// call sends body (may be empty) to url+path and returns the status and body.
func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, url, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, url, ct)
	}
	return resp.StatusCode, string(out)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	return call(t, http.MethodPost, url, body)
}

// readLog returns the node's log lines.
func readLog(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(raw), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// grep returns the lines containing sub.
func grep(lines []string, sub string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return out
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}
