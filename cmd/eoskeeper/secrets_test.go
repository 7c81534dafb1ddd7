package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/testlog"
)

// secretWords are the credentials the tests below put in URLs and environment values.
var secretWords = []string{"alice", "s3cret", "bob", "carol", "envs3cret"}

func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, w := range secretWords {
		if strings.Contains(text, w) {
			t.Errorf("%s shows %q:\n%s", what, w, text)
		}
	}
}

// TestValidateNeverPrintsURLCredentials: user information and query values in the nodeos,
// InfluxDB and notify URLs and the values of a command channel's environment are not printed
// by validate, neither in the effective configuration nor in its errors.
func TestValidateNeverPrintsURLCredentials(t *testing.T) {
	dir := t.TempDir()
	src := strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  url = \"http://alice:s3cret@127.0.0.1:8888\"", 1) + `
output "influxdb" {
  url      = "http://bob:s3cret@127.0.0.1:8086"
  database = "eos"
}
notify "command" "pager" {
  argv = ["/usr/local/bin/page"]
  env  = ["PAGER_TOKEN=envs3cret"]
}
notify "telegram" "tg" {
  bot_token = "123:abc"
  chat_id   = "1"
  base_url  = "https://carol:s3cret@api.example.com"
}
`
	path := filepath.Join(dir, "keeper.hcl")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ui := newTestUI()
	if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 0 {
		t.Fatalf("validate exit %d:\n%s", code, ui.ErrorWriter.String())
	}
	out := ui.OutputWriter.String() + ui.ErrorWriter.String()
	assertNoSecret(t, "validate", out)
	for _, want := range []string{`"url": "http://<redacted>@127.0.0.1:8888"`, `"url": "http://<redacted>@127.0.0.1:8086"`,
		`"PAGER_TOKEN=<redacted>"`, `"base_url": "https://<redacted>@api.example.com"`} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %s:\n%s", want, out)
		}
	}
	cfg, diags := LoadConfig(path)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	assertNoSecret(t, "%+v of the command settings", fmt.Sprintf("%v %+v %#v", cfg.Notify[0].Settings, cfg.Notify[0].Settings, cfg.Notify[0].Settings))

	for name, bad := range map[string]string{
		"nodeos query":  strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  url = \"http://alice:s3cret@127.0.0.1:8888/?token=s3cret\"", 1),
		"nodeos scheme": strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  url = \"ftp://alice:s3cret@127.0.0.1:8888/\"", 1),
		"nodeos parse":  strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  url = \"http://alice:s3cret@[::1/\"", 1),
		"influx query":  minimalHCL + "output \"influxdb\" {\n  url = \"http://127.0.0.1:8086/?token=s3cret\"\n  database = \"eos\"\n}\n",
	} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		ui := newTestUI()
		if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 1 {
			t.Errorf("%s: validate exit %d, want 1", name, code)
		}
		errs := ui.ErrorWriter.String()
		assertNoSecret(t, name, errs)
		if strings.Contains(errs, "<unparsable URL>") || !strings.Contains(errs, "<redacted>") {
			t.Errorf("%s: want the URL shown redacted:\n%s", name, errs)
		}
	}
}

// TestAgentLogsNeverPrintURLCredentials: the agent's log lines, the startup line included,
// show the nodeos URL and the Consul address without their user information.
func TestAgentLogsNeverPrintURLCredentials(t *testing.T) {
	src := fmt.Sprintf(`
node {
  name = "f1"
  role = "F"
}
producer = "eosstorebest"
nodeos {
  url           = "http://alice:s3cret@127.0.0.1:1"
  poll_interval = "100ms"
  timeout       = "200ms"
}
consul {
  address  = "127.0.0.1:1"
  register = false
}
output "http" {
  listen = %q
}
`, freeAddr(t))
	cfg, diags := ParseConfig("keeper.hcl", []byte(src), t.TempDir(), noEnv)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var logs testlog.Buffer
	logger := hclog.New(&hclog.LoggerOptions{Name: "eoskeeper", Level: hclog.Trace, Output: &logs})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := runAgent(ctx, "keeper.hcl", cfg, logger); err != nil && ctx.Err() == nil {
		t.Fatalf("runAgent: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "agent starting") || !strings.Contains(out, "nodeos=http://<redacted>@127.0.0.1:1") {
		t.Fatalf("no startup line with the redacted URL:\n%s", out)
	}
	if !strings.Contains(out, "request failed") {
		t.Errorf("no nodeos request was logged, so the test shows nothing about them:\n%s", out)
	}
	assertNoSecret(t, "the agent's log", out)
}
