package keeper

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunCommandEnvironment: the fence command and the hooks see neither the finalizer's
// private key nor anything else of the agent's environment beyond PATH, HOME, LANG, LC_ALL
// and TZ.
func TestRunCommandEnvironment(t *testing.T) {
	const key = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
	t.Setenv("FINKEY_PRIVATE_KEY", key)
	t.Setenv("CONSUL_HTTP_TOKEN", "consul-token-value")
	t.Setenv("TZ", "UTC")
	out := filepath.Join(t.TempDir(), "env")
	if err := RunCommand(context.Background(), []string{"/bin/sh", "-c", `env > "$1"`, "sh", out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := string(b)
	for _, leak := range []string{key, "FINKEY_PRIVATE_KEY", "consul-token-value", "CONSUL_HTTP_TOKEN"} {
		if strings.Contains(env, leak) {
			t.Errorf("the command's environment holds %q:\n%s", leak, env)
		}
	}
	for _, want := range []string{"\nTZ=UTC\n", "PATH="} {
		if !strings.Contains("\n"+env, want) {
			t.Errorf("the command's environment lacks %q:\n%s", want, env)
		}
	}
}
