package notify_test

import (
	"encoding/json"
	"fmt"
	"strings"
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

// TestCommandEnvPrintsRedacted: a command channel's environment values never print, through
// fmt or encoding/json, while the program still receives them.
func TestCommandEnvPrintsRedacted(t *testing.T) {
	cfg := notify.CommandConfig{Argv: []string{"/bin/sh", "-c", `test "$PAGER_TOKEN" = "$WANT"`}, Env: notify.Env{"PAGER_TOKEN=envs3cret", "WANT=envs" + "3cret"}}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.Env), string(js)} {
		if strings.Contains(out, "envs3cret") {
			t.Errorf("environment value printed: %s", out)
		}
		if !strings.Contains(out, "PAGER_TOKEN=") {
			t.Errorf("environment key lost: %s", out)
		}
	}
	c, err := notify.NewCommand(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), notify.Message{}); err != nil {
		t.Errorf("the program did not receive the value: %v", err)
	}
}
