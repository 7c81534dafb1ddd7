package notify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eoskeeper/eoskeeper/notify"
)

// TestCommandEnvironment: a command channel's program gets its configured env and the alert's
// variables, and nothing of the agent's environment where the configuration's secrets live
// (the finalizer's private key, another channel's key) beyond PATH, HOME, LANG, LC_ALL and TZ.
func TestCommandEnvironment(t *testing.T) {
	const key = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
	t.Setenv("FINKEY_PRIVATE_KEY", key)
	t.Setenv("SMS_API_KEY", "sms-key-value")
	t.Setenv("LANG", "C.UTF-8")
	out := filepath.Join(t.TempDir(), "env")
	c, err := notify.NewCommand(notify.CommandConfig{
		Argv: []string{"/bin/sh", "-c", `env > "$1"`, "sh", out},
		Env:  notify.Env{"PAGER_TOKEN=pager-value", "LANG=en_US.UTF-8"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := "\n" + string(b)
	for _, leak := range []string{key, "FINKEY_PRIVATE_KEY", "sms-key-value", "SMS_API_KEY", "\nLANG=C.UTF-8\n"} {
		if strings.Contains(env, leak) {
			t.Errorf("the program's environment holds %q:\n%s", strings.TrimSpace(leak), env)
		}
	}
	for _, want := range []string{"\nPAGER_TOKEN=pager-value\n", "\nLANG=en_US.UTF-8\n", "\nEOSKEEPER_ALERT_KEY=head_stalled\n", "\nPATH="} {
		if !strings.Contains(env, want) {
			t.Errorf("the program's environment lacks %q:\n%s", strings.TrimSpace(want), env)
		}
	}
}
