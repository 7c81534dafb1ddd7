package notify_test

import (
	"testing"

	"github.com/eoskeeper/eoskeeper/internal/childenv/childenvtest"
	"github.com/eoskeeper/eoskeeper/notify"
)

// TestCommandEnvironment: a command channel's program gets its configured env and the alert's
// variables, and nothing of the agent's environment where the configuration's secrets live
// (the finalizer's private key, another channel's key) beyond PATH, HOME, LANG, LC_ALL and TZ.
func TestCommandEnvironment(t *testing.T) {
	t.Setenv("FINKEY_PRIVATE_KEY", childenvtest.Secret)
	t.Setenv("SMS_API_KEY", "sms-key-value")
	t.Setenv("LANG", "C.UTF-8")
	p := childenvtest.NewProbe(t)
	c, err := notify.NewCommand(notify.CommandConfig{
		Argv: p.Argv,
		Env:  notify.Env{"PAGER_TOKEN=pager-value", "LANG=en_US.UTF-8"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	p.Check(t, "the program",
		[]string{childenvtest.Secret, "FINKEY_PRIVATE_KEY", "sms-key-value", "SMS_API_KEY", "\nLANG=C.UTF-8\n"},
		[]string{"\nPAGER_TOKEN=pager-value\n", "\nLANG=en_US.UTF-8\n", "\nEOSKEEPER_ALERT_KEY=head_stalled\n", "\nPATH="})
}
