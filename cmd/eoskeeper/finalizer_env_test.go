package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eoskeeper/eoskeeper/internal/childenv/childenvtest"
)

// TestFinalizerCommandEnvironment: the finalizer command gets EOSKEEPER_FINALIZER_KEY and
// EOSKEEPER_PRODUCER, and none of the agent's environment where the configuration's secrets
// live, such as the finalizer's private key.
func TestFinalizerCommandEnvironment(t *testing.T) {
	t.Setenv("FINKEY_PRIVATE_KEY", childenvtest.Secret)
	t.Setenv("CONSUL_HTTP_TOKEN", "consul-token-value")
	p := childenvtest.NewProbe(t)
	argv := make([]string, len(p.Argv))
	for i, a := range p.Argv {
		argv[i] = fmt.Sprintf("%q", a)
	}
	cfg := finalizerConfig(t, "http://127.0.0.1:1", `
finalizer {
  key     = "PUB_BLS_b"
  command = [`+strings.Join(argv, ", ")+`]
}
`, nil)
	f, err := newFinalizer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Activate(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.Check(t, "the finalizer command",
		[]string{childenvtest.Secret, "FINKEY_PRIVATE_KEY", "consul-token-value", "CONSUL_HTTP_TOKEN"},
		[]string{"\nEOSKEEPER_FINALIZER_KEY=PUB_BLS_b\n", "\nEOSKEEPER_PRODUCER=" + cfg.Producer + "\n", "\nPATH="})
}
