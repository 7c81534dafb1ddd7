package baseline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

func TestNewValidates(t *testing.T) {
	good := Config{URL: "http://127.0.0.1:8888", Producer: "eosstorebest", Role: RoleB}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string // "" when valid
	}{
		{"valid", func(*Config) {}, ""},
		{"missing URL", func(c *Config) { c.URL = "" }, "URL"},
		{"bad URL scheme", func(c *Config) { c.URL = "ftp://host" }, "URL"},
		{"missing producer", func(c *Config) { c.Producer = "" }, "Producer"},
		{"bad producer", func(c *Config) { c.Producer = "EOSStoreBest" }, "Producer"},
		{"long producer", func(c *Config) { c.Producer = "abcdefghijklm" }, "Producer"},
		{"missing role", func(c *Config) { c.Role = 0 }, "Role"},
		{"unknown role", func(c *Config) { c.Role = 7 }, "Role"},
		{"negative absent", func(c *Config) { c.Absent = -time.Second }, "Absent"},
		{"negative interval", func(c *Config) { c.Interval = -time.Second }, "Interval"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			_, err := New(cfg, nil)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("New: error %v, want a ConfigError for %s", err, tc.field)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %q does not name the field %s", err, tc.field)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	for _, tc := range []struct {
		role   Role
		absent time.Duration
		want   time.Duration
	}{
		{RoleA, 0, 0}, {RoleA, time.Minute, 0}, {RoleB, 0, DefaultAbsentB}, {RoleC, 0, DefaultAbsentC},
		{RoleB, 3 * time.Second, 3 * time.Second},
	} {
		a, err := New(Config{URL: "http://127.0.0.1:8888", Producer: "eosstorebest", Role: tc.role, Absent: tc.absent}, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg := a.Config()
		if cfg.Absent != tc.want || cfg.Interval != DefaultInterval || cfg.Timeout != nodeos.DefaultTimeout {
			t.Errorf("role %s absent %s: got absent %s interval %s timeout %s, want absent %s and the defaults",
				tc.role, tc.absent, cfg.Absent, cfg.Interval, cfg.Timeout, tc.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{"A": RoleA, "b": RoleB, " C ": RoleC} {
		got, err := ParseRole(in)
		if err != nil || got != want {
			t.Errorf("ParseRole(%q) = %s, %v; want %s", in, got, err, want)
		}
		if got.String() != strings.ToUpper(strings.TrimSpace(in)) {
			t.Errorf("%s.String() = %q", got, got.String())
		}
	}
	for _, in := range []string{"", "F", "AB"} {
		if _, err := ParseRole(in); err == nil {
			t.Errorf("ParseRole(%q) succeeded", in)
		}
	}
}

// TestRunStartup covers Run's start: a second Run is refused, a missing producer API is fatal
// for a standby, and an unreachable nodeos keeps a standby from becoming ready until stopped.
func TestRunStartup(t *testing.T) {
	t.Run("run twice", func(t *testing.T) {
		n := newNet(t, true)
		a, _ := startAgent(t, n, "B", RoleB, time.Second)
		if err := a.Run(context.Background()); !errors.Is(err, ErrAlreadyRun) {
			t.Fatalf("second Run: %v, want ErrAlreadyRun", err)
		}
	})
	t.Run("no producer API", func(t *testing.T) {
		n := nodeostest.NewNetwork(nodeostest.Config{ManualClock: true})
		t.Cleanup(n.Close)
		nd := n.AddNode(nodeostest.NodeConfig{Name: "B", ProducerNode: true, DisableProducerAPI: true})
		a, err := New(Config{URL: nd.URL, Producer: n.Ours(), Role: RoleB, Interval: testInterval}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Run(ctx); !errors.Is(err, nodeos.ErrPluginMissing) {
			t.Fatalf("Run: %v, want ErrPluginMissing", err)
		}
		if a.Status().Ready {
			t.Fatal("ready without a pause")
		}
	})
	t.Run("unreachable at start", func(t *testing.T) {
		n := newNet(t, true)
		nd := n.Node("B")
		nd.Kill()
		log, logs := newTestLogger(t, "B")
		a, err := New(Config{URL: nd.URL, Producer: n.Ours(), Role: RoleB, Interval: testInterval}, log)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		waitFor(t, n, 2*time.Second, "the failed pause to be logged", func() bool { return logs.count("cannot pause nodeos at start") == 1 })
		select {
		case <-a.Ready():
			t.Fatal("ready although nodeos could not be paused")
		default:
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run after cancel: %v, want nil", err)
		}
		if logs.count("cannot pause nodeos at start") != 1 {
			t.Fatal("the failing pause was logged more than once")
		}
	})
}
