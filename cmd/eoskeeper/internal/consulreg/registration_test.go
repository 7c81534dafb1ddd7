package consulreg

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// waitFor polls cond until it returns nil or the deadline passes.
func waitFor(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func check(t *testing.T, c *api.Client, id string) *api.AgentCheck {
	t.Helper()
	checks, err := c.Agent().Checks()
	if err != nil {
		t.Fatal(err)
	}
	return checks[id]
}

func checkStatus(c *api.Client, id, status, outputPart string) func() error {
	return func() error {
		checks, err := c.Agent().Checks()
		if err != nil {
			return err
		}
		ch := checks[id]
		if ch == nil {
			return errors.New("check " + id + " not registered")
		}
		if ch.Status != status || !strings.Contains(ch.Output, outputPart) {
			return errors.New("check " + id + " is " + ch.Status + ": " + ch.Output)
		}
		return nil
	}
}

func TestRegistrationWithRealConsul(t *testing.T) {
	srv := consultest.Start(t)
	client := srv.Client()
	ctx := context.Background()

	var code atomic.Int32
	code.Store(http.StatusTooManyRequests)
	role := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(code.Load()))
	}))
	defer role.Close()

	reg, err := New(Config{Client: client, Node: "bp-a", Role: keeper.RoleA, Producer: "eosstorebest",
		ProducingURL: role.URL + "/v1/producing", CheckInterval: 200 * time.Millisecond, Port: 9273})
	if err != nil {
		t.Fatal(err)
	}
	if reg.NodeosCheckID() != "eoskeeper-bp-a:nodeos" {
		t.Errorf("NodeosCheckID = %q", reg.NodeosCheckID())
	}
	if err := reg.Register(ctx); err != nil {
		t.Fatal(err)
	}

	svc, _, err := client.Agent().Service("eoskeeper-bp-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Service != "eoskeeper" || svc.Port != 9273 || !slices.Equal(svc.Tags, []string{"role:A", "producer:eosstorebest"}) || svc.Meta["node"] != "bp-a" {
		t.Errorf("service %+v", svc)
	}
	if c := check(t, client, reg.NodeosCheckID()); c == nil || c.Status != Critical || c.ServiceID != "eoskeeper-bp-a" {
		t.Errorf("nodeos check before any observation: %+v, want critical on the service", c)
	}
	if c := check(t, client, reg.AgentCheckID()); c == nil || c.Status != Passing {
		t.Errorf("agent check: %+v, want passing", c)
	}
	// The HTTP check follows the role endpoint: 429 is warning, 200 passing, 503 critical.
	waitFor(t, "producing check warning on 429", checkStatus(client, reg.ProducingCheckID(), Warning, ""))
	code.Store(http.StatusOK)
	waitFor(t, "producing check passing on 200", checkStatus(client, reg.ProducingCheckID(), Passing, ""))
	code.Store(http.StatusServiceUnavailable)
	waitFor(t, "producing check critical on 503", checkStatus(client, reg.ProducingCheckID(), Critical, ""))

	// A healthy observation passes the nodeos check, with the figures in the output.
	now := time.Now()
	healthy := keeper.Status{Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Standby, Reachable: true, Healthy: true,
		Head: 5000, LIB: 4700, Peers: 9, Paused: true, PausedKnown: true}
	if err := reg.Sync(ctx, healthy); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "nodeos passing", checkStatus(client, reg.NodeosCheckID(), Passing, "head 5000, lib 4700, peers 9, paused true"))

	// Bind a session to the nodeos check, as the election does.
	self, err := client.Agent().NodeName()
	if err != nil {
		t.Fatal(err)
	}
	sid, _, err := client.Session().Create(&api.SessionEntry{Node: self, NodeChecks: []string{"serfHealth", reg.NodeosCheckID()},
		TTL: "30s", Behavior: api.SessionBehaviorRelease}, nil)
	if err != nil {
		t.Fatalf("session bound to the nodeos check: %v", err)
	}

	// Becoming leader re-registers with the leader tag; the bound session must survive it.
	leader := healthy
	leader.State, leader.LockHeld, leader.Paused = keeper.Leader, true, false
	if err := reg.Sync(ctx, leader); err != nil {
		t.Fatal(err)
	}
	svc, _, err = client.Agent().Service("eoskeeper-bp-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(svc.Tags, LeaderTag) || !slices.Contains(svc.Tags, "role:A") {
		t.Errorf("tags after taking the lock: %v", svc.Tags)
	}
	if info, _, err := client.Session().Info(sid, nil); err != nil || info == nil {
		t.Fatalf("the session bound to the nodeos check did not survive re-registration (err %v)", err)
	}
	if c := check(t, client, reg.NodeosCheckID()); c.Status != Passing {
		t.Errorf("nodeos check after re-registration: %s", c.Status)
	}

	// Losing the lock drops the tag.
	if err := reg.Sync(ctx, healthy); err != nil {
		t.Fatal(err)
	}
	svc, _, _ = client.Agent().Service("eoskeeper-bp-a", nil)
	if slices.Contains(svc.Tags, LeaderTag) {
		t.Errorf("leader tag kept after release: %v", svc.Tags)
	}

	// Reachable but unhealthy: warning, the session survives.
	sick := healthy
	sick.Healthy, sick.HealthProblems = false, []string{"lib stalled"}
	if err := reg.Sync(ctx, sick); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "nodeos warning", checkStatus(client, reg.NodeosCheckID(), Warning, "lib stalled"))
	if info, _, _ := client.Session().Info(sid, nil); info == nil {
		t.Fatal("a warning invalidated the bound session")
	}

	// Unreachable: critical, which invalidates the bound session.
	down := healthy
	down.Reachable, down.Healthy = false, false
	if err := reg.Sync(ctx, down); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "nodeos critical", checkStatus(client, reg.NodeosCheckID(), Critical, "nodeos unreachable"))
	waitFor(t, "bound session invalidated", func() error {
		info, _, err := client.Session().Info(sid, nil)
		if err != nil {
			return err
		}
		if info != nil {
			return errors.New("session still exists")
		}
		return nil
	})

	if err := reg.Deregister(ctx); err != nil {
		t.Fatal(err)
	}
	services, err := client.Agent().Services()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := services["eoskeeper-bp-a"]; ok {
		t.Error("service still registered after Deregister")
	}
	if c := check(t, client, reg.NodeosCheckID()); c != nil {
		t.Errorf("check left after Deregister: %+v", c)
	}
}

// TestRunRegistersAndDeregistersOnStop drives Run with a status function and stops it.
func TestRunRegistersAndDeregistersOnStop(t *testing.T) {
	srv := consultest.Start(t)
	client := srv.Client()
	var head atomic.Uint32
	head.Store(100)
	status := func() keeper.Status {
		return keeper.Status{Node: "fn-1", Role: keeper.RoleF, Time: time.Now(), State: keeper.Watching, Reachable: true, Healthy: true, Head: head.Load()}
	}
	reg, err := New(Config{Client: client, Node: "fn-1", Role: keeper.RoleF, SyncInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if reg.ProducingCheckID() != "" {
		t.Errorf("ProducingCheckID without a URL = %q", reg.ProducingCheckID())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- reg.Run(ctx, status) }()
	waitFor(t, "first sync", checkStatus(client, reg.NodeosCheckID(), Passing, "head 100"))
	head.Store(101)
	waitFor(t, "a later sync", checkStatus(client, reg.NodeosCheckID(), Passing, "head 101"))
	if c := check(t, client, reg.AgentCheckID()); c == nil || c.Status != Passing || !strings.Contains(c.Output, "watching") {
		t.Errorf("agent check %+v", c)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	services, err := client.Agent().Services()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := services[reg.ServiceID()]; ok {
		t.Error("service still registered after Run returned")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	c, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no client", Config{Node: "a", Role: keeper.RoleA}, "'client'"},
		{"no node", Config{Client: c, Role: keeper.RoleA}, "'node'"},
		{"bad role", Config{Client: c, Node: "a", Role: "X"}, "'role'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrConfig about %s", err, tc.want)
			}
		})
	}
}

func TestNodeosHealth(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name   string
		s      keeper.Status
		status string
		output string
	}{
		{"never observed", keeper.Status{}, Critical, "nodeos not observed yet"},
		{"unreachable", keeper.Status{Time: now, Role: keeper.RoleB, State: keeper.Standby}, Critical, "role B, state standby: nodeos unreachable"},
		{"unreachable under the lock", keeper.Status{Time: now, Role: keeper.RoleA, State: keeper.Leader, LockHeld: true}, Warning,
			"role A, state leader: nodeos unreachable, this agent holds the lock and is giving it up"},
		{"unhealthy", keeper.Status{Time: now, Role: keeper.RoleB, State: keeper.Standby, Reachable: true, Head: 7, LIB: 5, Peers: 2, HealthProblems: []string{"peers 2<5"}},
			Warning, "role B, state standby, head 7, lib 5, peers 2: peers 2<5"},
		{"healthy leader", keeper.Status{Time: now, Role: keeper.RoleA, State: keeper.Leader, Reachable: true, Healthy: true, Head: 9, LIB: 8, Peers: 6,
			PausedKnown: true, Watermark: keeper.Block{Num: 9, Node: "bp-a"}},
			Passing, "role A, state leader, head 9, lib 8, peers 6, paused false, watermark 9 by bp-a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := NodeosHealth(tc.s)
			if got.Status != tc.status || got.Output != tc.output {
				t.Errorf("got %+v, want %s %q", got, tc.status, tc.output)
			}
		})
	}
}

// TestRegisterTimesOutOnUnresponsiveConsul: an agent that accepts the connection and never
// answers holds Register no longer than RequestTimeout.
func TestRegisterTimesOutOnUnresponsiveConsul(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	cc := api.DefaultNonPooledConfig()
	cc.Address = srv.Listener.Addr().String()
	client, err := api.NewClient(cc)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := New(Config{Client: client, Node: "a", Role: keeper.RoleA, RequestTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = reg.Register(context.Background())
	took := time.Since(start)
	if err == nil {
		t.Fatal("Register succeeded against a Consul that never answers")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want a deadline", err)
	}
	if took > 2*time.Second {
		t.Errorf("Register took %s with a 300ms request timeout", took)
	}
	if d, err := New(Config{Client: client, Node: "a", Role: keeper.RoleA}); err != nil || d.cfg.RequestTimeout != DefaultRequestTimeout {
		t.Errorf("default request timeout not filled: %v", err)
	}
}
