package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// TestConsulTokenFileRotation: with consul.token_file, the agent's Consul client sends the
// file's token, and after the file is rewritten it sends the new one without a restart. The
// log says the token changed but never prints it.
func TestConsulTokenFileRotation(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get(consulTokenHeader))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`"127.0.0.1:8300"`))
	}))
	t.Cleanup(srv.Close)
	lastToken := func() string {
		mu.Lock()
		defer mu.Unlock()
		return seen[len(seen)-1]
	}

	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("first-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Consul: &ConsulConfig{Address: srv.URL, TokenFile: path}}
	var logs bytes.Buffer
	logger := hclog.New(&hclog.LoggerOptions{Output: lockedWriter{&mu, &logs}, Level: hclog.Info})
	client, tokens, err := newConsulClient(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	if tokens == nil {
		t.Fatal("no token file follower for consul.token_file")
	}
	tokens.interval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tokens.Watch(ctx) }()
	defer func() { cancel(); <-done }()

	if _, err := client.Status().Leader(); err != nil {
		t.Fatal(err)
	}
	if got := lastToken(); got != "first-secret" {
		t.Fatalf("first request sent token %q, want the file's", got)
	}

	// An empty file (a rotation half done) keeps the token.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the empty token file noticed", func() bool {
		return strings.Contains(syncString(&mu, &logs), "empty")
	})
	if _, err := client.Status().Leader(); err != nil {
		t.Fatal(err)
	}
	if got := lastToken(); got != "first-secret" {
		t.Fatalf("after the file was emptied the client sent %q, want the previous token", got)
	}

	if err := os.WriteFile(path, []byte("second-secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the rotated token sent", func() bool {
		if _, err := client.Status().Leader(); err != nil {
			t.Fatal(err)
		}
		return lastToken() == "second-secret"
	})
	out := syncString(&mu, &logs)
	if !strings.Contains(out, "consul token changed") {
		t.Errorf("no log line for the rotation:\n%s", out)
	}
	if strings.Contains(out, "secret") {
		t.Errorf("the log shows a token:\n%s", out)
	}
}

// lockedWriter writes to w holding mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// syncString reads a buffer the logger writes to from another goroutine.
func syncString(mu *sync.Mutex, b *bytes.Buffer) string {
	mu.Lock()
	defer mu.Unlock()
	return b.String()
}

// TestConsulTokenFileMissing: a token_file that cannot be read, or one set together with
// token, stops the agent's client from being built.
func TestConsulTokenFileMissing(t *testing.T) {
	cfg := &Config{Consul: &ConsulConfig{Address: "127.0.0.1:1", TokenFile: filepath.Join(t.TempDir(), "absent")}}
	if _, _, err := newConsulClient(cfg, hclog.NewNullLogger()); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Fatalf("missing token file: err = %v, want one naming the file", err)
	}
	cfg.Consul.Token = "also"
	if _, _, err := newConsulClient(cfg, hclog.NewNullLogger()); err == nil || !strings.Contains(err.Error(), "token and token_file") {
		t.Fatalf("token with token_file: err = %v", err)
	}
}

// TestConsulInsecureWarning: insecure_skip_verify is logged as a warning when the client is
// built.
func TestConsulInsecureWarning(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		var logs bytes.Buffer
		cfg := &Config{Consul: &ConsulConfig{Address: "127.0.0.1:1", TLS: &TLSConfig{InsecureSkipVerify: insecure}}}
		if _, _, err := newConsulClient(cfg, hclog.New(&hclog.LoggerOptions{Output: &logs})); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "[WARN]") && strings.Contains(logs.String(), "insecure_skip_verify"); got != insecure {
			t.Errorf("insecure_skip_verify %t: warned %t:\n%s", insecure, got, logs.String())
		}
	}
}

// TestConsulBlockToAPIConfig: token_file, tls.ca_path and tls.server_name reach the Consul
// client's configuration, and token with token_file is refused.
func TestConsulBlockToAPIConfig(t *testing.T) {
	dir, caDir := t.TempDir(), t.TempDir()
	tokenPath := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenPath, []byte("t0k3n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := minimalHCL + `consul {
  address    = "consul.example:8501"
  token_file = "` + tokenPath + `"
  tls {
    ca_path     = "` + caDir + `"
    server_name = "server.dc1.consul"
  }
}
`
	cfg, diags := ParseConfig("keeper.hcl", []byte(src), dir, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	cc := cfg.ConsulAPIConfig()
	if cc.TokenFile != tokenPath || cc.TLSConfig.CAPath != caDir || cc.TLSConfig.Address != "server.dc1.consul" || cc.Scheme != "https" {
		t.Errorf("api config: token file %q, CA path %q, server name %q, scheme %q", cc.TokenFile, cc.TLSConfig.CAPath, cc.TLSConfig.Address, cc.Scheme)
	}
	if err := cfg.CheckLibraries(); err != nil {
		t.Errorf("check: %v", err)
	}

	both := minimalHCL + "consul {\n  token = \"x\"\n  token_file = \"" + tokenPath + "\"\n}\n"
	cfg, diags = ParseConfig("keeper.hcl", []byte(both), dir, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if err := cfg.CheckLibraries(); err == nil || !strings.Contains(err.Error(), "token and token_file") {
		t.Errorf("token with token_file: %v", err)
	}
}
