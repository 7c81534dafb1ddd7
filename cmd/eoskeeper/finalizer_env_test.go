package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFinalizerCommandEnvironment: the finalizer command gets EOSKEEPER_FINALIZER_KEY and
// EOSKEEPER_PRODUCER, and none of the agent's environment where the configuration's secrets
// live, such as the finalizer's private key.
func TestFinalizerCommandEnvironment(t *testing.T) {
	const key = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
	t.Setenv("FINKEY_PRIVATE_KEY", key)
	t.Setenv("CONSUL_HTTP_TOKEN", "consul-token-value")
	out := filepath.Join(t.TempDir(), "env")
	cfg := finalizerConfig(t, "http://127.0.0.1:1", `
finalizer {
  key     = "PUB_BLS_b"
  command = ["/bin/sh", "-c", "env > `+out+`"]
}
`, nil)
	f, err := newFinalizer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Activate(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := "\n" + string(b)
	for _, leak := range []string{key, "FINKEY_PRIVATE_KEY", "consul-token-value", "CONSUL_HTTP_TOKEN"} {
		if strings.Contains(env, leak) {
			t.Errorf("the finalizer command's environment holds %q:\n%s", leak, env)
		}
	}
	for _, want := range []string{"\nEOSKEEPER_FINALIZER_KEY=PUB_BLS_b\n", "\nEOSKEEPER_PRODUCER=" + cfg.Producer + "\n", "\nPATH="} {
		if !strings.Contains(env, want) {
			t.Errorf("the finalizer command's environment lacks %q:\n%s", strings.TrimSpace(want), env)
		}
	}
}
