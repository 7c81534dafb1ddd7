package keeper

import (
	"context"
	"testing"

	"github.com/eoskeeper/eoskeeper/internal/childenv/childenvtest"
)

// TestRunCommandEnvironment: the fence command and the hooks see neither the finalizer's
// private key nor anything else of the agent's environment beyond PATH, HOME, LANG, LC_ALL
// and TZ.
func TestRunCommandEnvironment(t *testing.T) {
	t.Setenv("FINKEY_PRIVATE_KEY", childenvtest.Secret)
	t.Setenv("CONSUL_HTTP_TOKEN", "consul-token-value")
	t.Setenv("TZ", "UTC")
	p := childenvtest.NewProbe(t)
	if err := RunCommand(context.Background(), p.Argv); err != nil {
		t.Fatal(err)
	}
	p.Check(t, "the command",
		[]string{childenvtest.Secret, "FINKEY_PRIVATE_KEY", "consul-token-value", "CONSUL_HTTP_TOKEN"},
		[]string{"\nTZ=UTC\n", "\nPATH="})
}
