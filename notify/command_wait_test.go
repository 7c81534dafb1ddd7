package notify_test

import (
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
)

// TestCommandGrandchildHoldsOutput: a command channel's program killed at its timeout while a
// child it started holds the output returns soon after, not when the child ends.
func TestCommandGrandchildHoldsOutput(t *testing.T) {
	const timeout = 200 * time.Millisecond
	c, err := notify.NewCommand(notify.CommandConfig{Argv: []string{"/bin/sh", "-c", "sleep 30 & wait"}, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = c.Send(t.Context(), notify.Message{})
	if err == nil {
		t.Fatal("a command killed at its timeout reported success")
	}
	if took, limit := time.Since(start), timeout+3*time.Second; took > limit {
		t.Errorf("Send returned after %s, want at most %s", took, limit)
	}
}
