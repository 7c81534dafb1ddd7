package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// TestValidateRefusesWhatTheAgentRefuses: for configurations that pass every check but the
// constructors', the agent, handed the configuration anyway, refuses to start; the shared
// load path (`eoskeeper validate`, and the agent's own loading) refuses the same
// configuration with the agent's message, at the attribute.
func TestValidateRefusesWhatTheAgentRefuses(t *testing.T) {
	dir := t.TempDir()
	const badChecksum = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD4"
	for i, tc := range []struct {
		name, nodeosURL, extra, at string
	}{
		{"nodeos URL with a query", "http://127.0.0.1:1/?token=abc", "", "nodeos.url"},
		{"nodeos URL with a fragment", "http://127.0.0.1:1/#x", "", "nodeos.url"},
		{"finalizer key checksum", "http://127.0.0.1:1", `
finalizer {
  key         = "PUB_BLS_b"
  permission  = "eosstorebest@finkey"
  private_key = "` + badChecksum + `"
}
`, "finalizer.private_key"},
		{"finalizer key not a key", "http://127.0.0.1:1", `
finalizer {
  key         = "PUB_BLS_b"
  permission  = "eosstorebest@finkey"
  private_key = "not-a-key"
}
`, "finalizer.private_key"},
		{"consul CA file absent", "http://127.0.0.1:1", `
consul {
  tls {
    ca_file = "` + filepath.Join(dir, "absent-ca.pem") + `"
  }
}
`, "consul.tls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fmt.Sprintf(`
node {
  name = "bp-a"
  role = "A"
}
producer = "eosstorebest"
nodeos {
  url      = %q
  log_file = %q
  timeout  = "200ms"
}
consul {
  address  = "127.0.0.1:1"
  register = false
}
output "http" {
  listen = %q
}
`, tc.nodeosURL, filepath.Join(dir, "nodeos.log"), freeAddr(t)) + tc.extra
			// consul appears twice when extra has a consul block: merge it into one.
			if strings.Contains(tc.extra, "consul {") {
				src = strings.Replace(src, "consul {\n  address  = \"127.0.0.1:1\"\n  register = false\n}\n", "", 1)
				src = strings.Replace(src, "consul {\n", "consul {\n  address  = \"127.0.0.1:1\"\n  register = false\n", 1)
			}
			path := filepath.Join(dir, fmt.Sprintf("keeper-%d.hcl", i))
			if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			// The agent, given the configuration without the constructors' checks.
			cfg, diags := parseConfig(path, []byte(src), dir, noEnv, false)
			if diags.HasErrors() {
				t.Fatalf("the configuration fails before the constructors: %s", diags.Error())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			agentErr := runAgent(ctx, path, cfg, hclog.NewNullLogger())
			if agentErr == nil || errors.Is(agentErr, context.DeadlineExceeded) {
				t.Fatalf("the agent started: %v", agentErr)
			}
			// validate, through the shared load path.
			ui := newTestUI()
			if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 1 {
				t.Fatalf("validate exit %d, want 1", code)
			}
			stderr := ui.ErrorWriter.String()
			if !strings.Contains(stderr, agentErr.Error()) {
				t.Errorf("validate:\n%s\ndoes not say what the agent said:\n%s", stderr, agentErr)
			}
			loaded, _ := parseConfig(path, []byte(src), dir, noEnv, false)
			want := loaded.Ranges[tc.at].String()
			if want == "" || !strings.Contains(stderr, "Error: "+want+": ") {
				t.Errorf("validate:\n%s\nwant the error at %s (%s)", stderr, tc.at, want)
			}
			if strings.Contains(stderr, "not-a-key") || strings.Contains(stderr, badChecksum[:12]) || strings.Contains(stderr, "token=abc") {
				t.Errorf("validate printed a secret:\n%s", stderr)
			}
		})
	}
}
