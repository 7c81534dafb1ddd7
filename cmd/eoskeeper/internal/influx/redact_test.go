package influx

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/testlog"
)

// TestWriterNeverPrintsCredentials: a URL with a query is refused without echoing it, and the
// retry logs of a URL with user information do not show it.
func TestWriterNeverPrintsCredentials(t *testing.T) {
	for _, raw := range []string{"http://127.0.0.1:1/?token=s3cret", "http://127.0.0.1:1/#s3cret", "ftp://alice:s3cret@127.0.0.1:1"} {
		_, err := New(Config{URL: raw, Database: "db"})
		if err == nil {
			t.Errorf("New(%q) accepted the URL", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "alice") {
			t.Errorf("New(%q): %v", raw, err)
		}
	}
	var logs testlog.Buffer
	w, err := New(Config{URL: "http://alice:s3cret@127.0.0.1:1", Database: "db", RetryInitial: 10 * time.Millisecond,
		FlushInterval: 10 * time.Millisecond, Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: &logs})})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(point(1))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(logs.String(), "will retry") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	out := logs.String()
	if strings.Count(out, "will retry") < 2 {
		t.Fatalf("no retries logged: %s", out)
	}
	if strings.Contains(out, "s3cret") || strings.Contains(out, "alice") {
		t.Errorf("the retry log shows a credential:\n%s", out)
	}
	if !strings.Contains(out, "127.0.0.1:1/write") {
		t.Errorf("the retry log lost the endpoint:\n%s", out)
	}
}

// TestNewBounds: New refuses settings past their upper bounds and accepts them at it.
func TestNewBounds(t *testing.T) {
	base := Config{URL: "http://127.0.0.1:8086", Database: "db"}
	for _, tc := range []struct {
		name      string
		at, above func(*Config)
	}{
		{"batch", func(c *Config) { c.Batch = MaxBatch }, func(c *Config) { c.Batch = MaxBatch + 1 }},
		{"buffer", func(c *Config) { c.Buffer = MaxBuffer }, func(c *Config) { c.Buffer = MaxBuffer + 1 }},
		{"flush_interval", func(c *Config) { c.FlushInterval = MaxFlushInterval }, func(c *Config) { c.FlushInterval = 365 * 24 * time.Hour }},
		{"timeout", func(c *Config) { c.Timeout = MaxTimeout }, func(c *Config) { c.Timeout = MaxTimeout + 1 }},
	} {
		at, above := base, base
		tc.at(&at)
		tc.above(&above)
		if _, err := New(at); err != nil {
			t.Errorf("%s at its bound: %v", tc.name, err)
		}
		if _, err := New(above); err == nil || !strings.Contains(err.Error(), "'"+tc.name+"'") {
			t.Errorf("%s past its bound: %v", tc.name, err)
		}
	}
}
