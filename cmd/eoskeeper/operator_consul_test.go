package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/consul/api"
)

// agentFileWithSecrets is an agent's keeper.hcl whose notify, InfluxDB and Consul token
// settings read variables and files an operator does not have.
const agentFileWithSecrets = `
node {
  name = "bp-a"
  role = "A"
}
producer = "eosstorebest"
nodeos {
  log_file = "/var/log/nodeos.log"
}
consul {
  address    = "10.0.0.1:8500"
  token      = env("AGENT_CONSUL_TOKEN")
  key_prefix = "bp"
  datacenter = "dc2"
  session_ttl = "15s"
  tls {
    ca_file     = "/etc/eoskeeper/consul-ca.pem"
    server_name = "consul.example"
  }
}
notify "wecom_robot" "ops" {
  key = env("WECOM_KEY")
}
output "influxdb" {
  url      = "http://10.0.0.10:8086"
  password = file("/etc/eoskeeper/influx-password")
}
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// TestOperatorTargetPrecedence: flags win over Consul's environment variables, which win
// over the file's consul block; nothing outside the consul block and producer is evaluated,
// and the file's token only when the environment gives none.
func TestOperatorTargetPrecedence(t *testing.T) {
	path := writeFile(t, "keeper.hcl", agentFileWithSecrets)
	tokenFile := writeFile(t, "token", "from-env-file")

	// The file alone: its token expression is evaluated (and fails: the variable is unset).
	if _, err := resolveOperatorTarget(operatorFlags{config: path}, envMap(nil)); err == nil || !strings.Contains(err.Error(), "AGENT_CONSUL_TOKEN") {
		t.Fatalf("file token from an unset variable: err = %v, want one naming it", err)
	}
	got, err := resolveOperatorTarget(operatorFlags{config: path}, envMap(map[string]string{"AGENT_CONSUL_TOKEN": "agent-token"}))
	if err != nil {
		t.Fatal(err)
	}
	want := api.Config{Address: "10.0.0.1:8500", Scheme: "https", Datacenter: "dc2", Token: "agent-token",
		TLSConfig: api.TLSConfig{Address: "consul.example", CAFile: "/etc/eoskeeper/consul-ca.pem"}}
	if got.Producer != "eosstorebest" || got.KeyPrefix != "bp" || !sameAPIConfig(*got.API, want) {
		t.Errorf("from the file: %s %s %+v", got.Producer, got.KeyPrefix, *got.API)
	}

	// The environment wins over the file, and the file's token is not evaluated.
	env := map[string]string{
		api.HTTPAddrEnvName:      "127.0.0.1:9500",
		api.HTTPTokenFileEnvName: tokenFile,
		api.HTTPTokenEnvName:     "from-env",
		api.HTTPCAFile:           "/env/ca.pem",
		api.HTTPTLSServerName:    "env.example",
		api.HTTPSSLEnvName:       "false",
	}
	got, err = resolveOperatorTarget(operatorFlags{config: path}, envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	want = api.Config{Address: "127.0.0.1:9500", Scheme: "http", Datacenter: "dc2", Token: "from-env", TokenFile: tokenFile,
		TLSConfig: api.TLSConfig{Address: "env.example", CAFile: "/env/ca.pem"}}
	if !sameAPIConfig(*got.API, want) {
		t.Errorf("environment over the file: %+v", *got.API)
	}
	// Consul's own precedence then picks the token file over the token.
	cc := *got.API
	cc.TLSConfig = api.TLSConfig{} // the CA files named above do not exist
	if _, err := api.NewClient(&cc); err != nil {
		t.Fatal(err)
	}
	if cc.Token != "from-env-file" {
		t.Errorf("token %q after api.NewClient, want the token file's", cc.Token)
	}

	// Flags win over both.
	got, err = resolveOperatorTarget(operatorFlags{config: path, consulAddr: "127.0.0.1:7500", producer: "otherbp", keyPrefix: "x/y"}, envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	if got.API.Address != "127.0.0.1:7500" || got.Producer != "otherbp" || got.KeyPrefix != "x/y" {
		t.Errorf("flags: address %s, producer %s, prefix %s", got.API.Address, got.Producer, got.KeyPrefix)
	}

	// No file: flags and environment alone, defaults for the rest.
	got, err = resolveOperatorTarget(operatorFlags{producer: "eosstorebest"}, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got.API.Address != defaultConsulAddress || got.KeyPrefix != "eoskeeper" || got.API.Scheme != "http" {
		t.Errorf("defaults: %+v, prefix %s", *got.API, got.KeyPrefix)
	}
}

// sameAPIConfig compares the fields resolveOperatorTarget sets.
func sameAPIConfig(a, b api.Config) bool {
	return a.Address == b.Address && a.Scheme == b.Scheme && a.Datacenter == b.Datacenter &&
		a.Token == b.Token && a.TokenFile == b.TokenFile && reflect.DeepEqual(a.TLSConfig, b.TLSConfig)
}

// TestOperatorTargetErrors: a missing or bad producer, a file that does not parse and a
// variable that is not a boolean are reported.
func TestOperatorTargetErrors(t *testing.T) {
	noProducer := writeFile(t, "keeper.hcl", "consul {\n  address = \"127.0.0.1:8500\"\n}\n")
	broken := writeFile(t, "broken.hcl", "consul {\n")
	for _, tc := range []struct {
		name  string
		flags operatorFlags
		env   map[string]string
		want  string
	}{
		{"no producer", operatorFlags{config: noProducer}, nil, "name the producer"},
		{"bad producer", operatorFlags{producer: "Not/An/Account"}, nil, "not an account name"},
		{"unparsable file", operatorFlags{config: broken}, nil, "broken.hcl"},
		{"missing file", operatorFlags{config: filepath.Join(t.TempDir(), "absent.hcl")}, nil, "absent.hcl"},
		{"bad boolean", operatorFlags{producer: "eosstorebest"}, map[string]string{api.HTTPSSLVerifyEnvName: "maybe"}, api.HTTPSSLVerifyEnvName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolveOperatorTarget(tc.flags, envMap(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestOperatorCommandsNeedOnlyConsul: pause reads an agent's file whose notify and InfluxDB
// secrets are not available, with the token from the environment, and reaches Consul (here a
// closed port: the error is the connection's, not the configuration's).
func TestOperatorCommandsNeedOnlyConsul(t *testing.T) {
	tlsBlock := agentFileWithSecrets[strings.Index(agentFileWithSecrets, "  tls {"):strings.Index(agentFileWithSecrets, "}\nnotify")]
	path := writeFile(t, "keeper.hcl", strings.Replace(agentFileWithSecrets, tlsBlock, "", 1))
	t.Setenv(api.HTTPAddrEnvName, "127.0.0.1:1")
	t.Setenv(api.HTTPTokenEnvName, "operator-token")
	ui := newTestUI()
	if code := (&PauseCommand{UI: ui}).Run([]string{"-config", path, "-reason", "test"}); code != 1 {
		t.Fatalf("pause against a closed port: exit %d", code)
	}
	errText := ui.ErrorWriter.String()
	if !strings.Contains(errText, "127.0.0.1:1") || strings.Contains(errText, "WECOM_KEY") || strings.Contains(errText, "influx") {
		t.Errorf("pause error:\n%s", errText)
	}
}

// TestOperatorFileNotRegular: -config refuses what is not a regular file, as the agent does.
func TestOperatorFileNotRegular(t *testing.T) {
	if _, err := resolveOperatorTarget(operatorFlags{config: t.TempDir()}, envMap(nil)); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory as -config: err = %v", err)
	}
}
