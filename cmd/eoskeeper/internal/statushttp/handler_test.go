package statushttp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/buildinfo"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/metrics"
	"github.com/eoskeeper/eoskeeper/keeper"
)

var now = time.Unix(1700000000, 0)

// fixed serves a status that the test can change between requests.
type fixed struct {
	mu sync.Mutex
	s  keeper.Status
}

func (f *fixed) get() keeper.Status  { f.mu.Lock(); defer f.mu.Unlock(); return f.s }
func (f *fixed) set(s keeper.Status) { f.mu.Lock(); f.s = s; f.mu.Unlock() }

func newServer(t *testing.T, f *fixed) *httptest.Server {
	t.Helper()
	reg, err := metrics.NewRegistry(f.get, metrics.Build{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Status: f.get, Metrics: metrics.Handler(reg), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func healthyStandby() keeper.Status {
	return keeper.Status{Node: "bp-b", Role: keeper.RoleB, Time: now, State: keeper.Standby, Reachable: true, Healthy: true, Paused: true, PausedKnown: true}
}

func TestRoleEndpoints(t *testing.T) {
	leader := keeper.Status{Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Leader, Reachable: true, Healthy: true, LockHeld: true, Producing: true}
	resumedNotYetProduced := leader
	resumedNotYetProduced.Producing = false
	maintHolder := leader
	maintHolder.State, maintHolder.Maintenance = keeper.Maintenance, true
	unhealthy := healthyStandby()
	unhealthy.Healthy, unhealthy.HealthProblems = false, []string{"head stalled"}
	unreachable := healthyStandby()
	unreachable.Reachable = false
	stale := leader
	stale.Time = now.Add(-DefaultMaxAge - time.Second)
	stopped := leader
	stopped.State = keeper.Stopped
	fencing := leader
	fencing.State, fencing.LockHeld = keeper.Fencing, false
	watching := keeper.Status{Node: "fn-1", Role: keeper.RoleF, Time: now, State: keeper.Watching, Reachable: true, Healthy: true}

	for _, tc := range []struct {
		name              string
		s                 keeper.Status
		producing, health int
		verdict           string
	}{
		{"leader producing", leader, 200, 200, "producing"},
		{"leader before its first turn", resumedNotYetProduced, 429, 200, "standby"},
		{"holder in maintenance", maintHolder, 200, 200, "producing"},
		{"healthy standby", healthyStandby(), 429, 200, "standby"},
		{"unhealthy standby", unhealthy, 503, 503, "unhealthy"},
		{"nodeos unreachable", unreachable, 503, 503, "unhealthy"},
		{"fencing, still healthy", fencing, 429, 200, "standby"},
		{"full node", watching, 429, 200, "standby"},
		{"stale snapshot", stale, 503, 503, "stale"},
		{"stopped", stopped, 503, 503, "stopped"},
		{"never published", keeper.Status{}, 503, 503, "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fixed{s: tc.s}
			srv := newServer(t, f)
			code, body := get(t, srv.URL+"/v1/producing")
			if code != tc.producing {
				t.Errorf("/v1/producing = %d, want %d: %s", code, tc.producing, body)
			}
			var r struct {
				Node, State, Verdict string
			}
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if r.Verdict != tc.verdict || r.Node != tc.s.Node {
				t.Errorf("reply %+v, want verdict %q", r, tc.verdict)
			}
			if code, body := get(t, srv.URL+"/v1/health"); code != tc.health {
				t.Errorf("/v1/health = %d, want %d: %s", code, tc.health, body)
			}
		})
	}
}

func TestStatusAndMetrics(t *testing.T) {
	s := healthyStandby()
	s.Head, s.LIB, s.HealthProblems = 4242, 4000, []string{"peers 3<5"}
	f := &fixed{s: s}
	srv := newServer(t, f)

	code, body := get(t, srv.URL+"/status")
	if code != 200 {
		t.Fatalf("/status = %d", code)
	}
	var got struct {
		Node           string
		Head           uint32
		State          string
		HealthProblems []string `json:"health_problems"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("/status is not a keeper.Status: %v\n%s", err, body)
	}
	if got.Head != 4242 || got.Node != "bp-b" || got.State != "standby" || len(got.HealthProblems) != 1 || got.HealthProblems[0] != "peers 3<5" {
		t.Errorf("/status body:\n%s", body)
	}

	code, body = get(t, srv.URL+"/metrics")
	if code != 200 || !strings.Contains(body, "eoskeeper_head_block 4242") || !strings.Contains(body, `eoskeeper_state{state="standby"} 1`) {
		t.Errorf("/metrics = %d:\n%s", code, body)
	}
	// Read at request time.
	s.Head = 4243
	f.set(s)
	if _, body = get(t, srv.URL+"/metrics"); !strings.Contains(body, "eoskeeper_head_block 4243") {
		t.Errorf("/metrics did not follow the status")
	}

	resp, err := http.Post(srv.URL+"/status", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /status = %d, want 405", resp.StatusCode)
	}
	if code, _ := get(t, srv.URL+"/nope"); code != 404 {
		t.Errorf("/nope = %d, want 404", code)
	}
}

func TestNewHandlerNeedsStatus(t *testing.T) {
	if _, err := NewHandler(Config{}); !errors.Is(err, ErrNoStatus) {
		t.Errorf("err = %v, want ErrNoStatus", err)
	}
}

func TestServeListenerStopsOnCancel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixed{s: healthyStandby()}
	h, err := NewHandler(Config{Status: f.get, MaxAge: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, l, h) }()
	if code, _ := get(t, "http://"+l.Addr().String()+"/v1/health"); code != 200 {
		t.Errorf("/v1/health = %d", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeListener returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeListener did not return after cancel")
	}
	if _, err := http.Get("http://" + l.Addr().String() + "/v1/health"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestServeReportsListenError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	h, _ := NewHandler(Config{Status: (&fixed{}).get})
	err = Serve(context.Background(), l.Addr().String(), h)
	if err == nil || !strings.Contains(err.Error(), "statushttp: listen") {
		t.Errorf("err = %v, want a listen error", err)
	}
}

// TestStatusCarriesBuild: with a Build, /status is the status plus the agent's version and
// commit; without one, it has neither.
func TestStatusCarriesBuild(t *testing.T) {
	f := &fixed{s: healthyStandby()}
	build := &buildinfo.Info{Version: "v1.2.3", Commit: "0123456789abcdef", Modified: true}
	h, err := NewHandler(Config{Status: f.get, Build: build, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	_, body := get(t, srv.URL+"/status")
	var got buildinfo.Stamped
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("/status: %v\n%s", err, body)
	}
	if got.Version != "v1.2.3" || got.Commit != "0123456789ab+dirty" || got.Node != "bp-b" || got.State != keeper.Standby {
		t.Errorf("/status with a build:\n%s", body)
	}
	_, body = get(t, newServer(t, f).URL+"/status")
	if strings.Contains(body, `"version"`) || strings.Contains(body, `"commit"`) {
		t.Errorf("/status without a build names one:\n%s", body)
	}
}
