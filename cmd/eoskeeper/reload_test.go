package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

// hookServer records the bodies of the webhook requests it receives.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

// waitBody waits for a request whose body holds every one of parts.
func (h *hookServer) waitBody(t *testing.T, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		for _, b := range h.bodies {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(b, p)
			}
			if all {
				h.mu.Unlock()
				return
			}
		}
		h.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t.Fatalf("no request to %s with %q; got %q", h.URL, parts, h.bodies)
}

// count returns how many requests held s.
func (h *hookServer) count(s string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, b := range h.bodies {
		if strings.Contains(b, s) {
			n++
		}
	}
	return n
}

func hookHCL(url string) string {
	return minimalHCL + `
notify "webhook" "ops" {
  url = "` + url + `"
}
alerts {
  lang = "en"
}
`
}

// TestReloadAllOrNothing: a reload with an error keeps the running channels (and says so with
// an alert sent through them); a good reload moves the firing alerts to the new channels, so
// their resolved notices are not lost.
func TestReloadAllOrNothing(t *testing.T) {
	first, second := newHookServer(t), newHookServer(t)
	path := filepath.Join(t.TempDir(), "keeper.hcl")
	write := func(src string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(hookHCL(first.URL))
	cfg, diags := LoadConfig(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	log := hclog.New(&hclog.LoggerOptions{Output: testWriter{t}, Level: hclog.Debug})
	var sink switchSink
	out := newOutputs(cfg, log, &sink)
	defer out.stop()
	status := func() keeper.Status { return keeper.Status{Node: "bp-a"} }
	out.start(status)
	rl := &reloader{path: path, started: cfg, outputs: out, sink: &sink, status: status, log: log}

	sink.Notify(notify.Alert{Key: "head_stalled", Severity: notify.Critical, State: notify.Fired, Message: "head stalled"})
	first.waitBody(t, "head_stalled")

	// Errors of every kind: syntax, a value out of range, a channel its constructor refuses.
	for name, bad := range map[string]string{
		"syntax":      hookHCL(second.URL) + "\nnotify {",
		"range":       hookHCL(second.URL) + "\nconsul {\n  session_ttl = \"1000h\"\n}\n",
		"channel url": hookHCL("ftp://example.com/hook"),
	} {
		write(bad)
		err := rl.reload()
		if err == nil {
			t.Fatalf("%s: reload accepted a configuration with errors", name)
		}
		if !strings.Contains(err.Error(), "keeper.hcl:") {
			t.Errorf("%s: reload error %q does not name the file and line", name, err)
		}
	}
	// The old channel still works and carries the refusal.
	first.waitBody(t, alertReloadFailed, "configuration reload refused")
	sink.Notify(notify.Alert{Key: "low_peers", Severity: notify.Warning, State: notify.Fired, Message: "few peers"})
	first.waitBody(t, "low_peers")
	if n := second.count(""); n != 0 {
		t.Fatalf("the refused configuration's channel got %d requests", n)
	}

	write(hookHCL(second.URL))
	if err := rl.reload(); err != nil {
		t.Fatalf("reload of a good configuration: %v", err)
	}
	// The refusal resolves on the new channel, and so does an alert fired before the reload.
	second.waitBody(t, alertReloadFailed, "RESOLVED")
	sink.Notify(notify.Alert{Key: "head_stalled", State: notify.Resolved, Message: "head moving again"})
	second.waitBody(t, "head_stalled", "RESOLVED")
	if n := first.count("RESOLVED"); n != 0 {
		t.Errorf("the replaced channel got %d resolved notices after the reload", n)
	}
}

func TestRestartOnly(t *testing.T) {
	a, diags := parse(t, hookHCL("http://127.0.0.1:1/a"), noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	b, _ := parse(t, hookHCL("http://127.0.0.1:1/b")+"\nconsul {\n  session_ttl = \"20s\"\n}\n", noEnv)
	if got := restartOnly(a, a); len(got) != 0 {
		t.Errorf("restartOnly(a, a) = %q, want nothing", got)
	}
	if got := strings.Join(restartOnly(a, b), ","); got != "consul" {
		t.Errorf("restartOnly = %q, want consul (the notify change is applied by the reload)", got)
	}
}
