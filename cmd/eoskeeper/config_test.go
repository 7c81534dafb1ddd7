package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

const minimalHCL = `
node {
  name = "bp-a"
  role = "A"
}
producer = "eosstorebest"
nodeos {
  log_file = "/var/log/nodeos.log"
}
`

// noEnv is an environment with nothing set.
func noEnv(string) (string, bool) { return "", false }

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func parse(t *testing.T, src string, env func(string) (string, bool)) (*Config, hcl.Diagnostics) {
	t.Helper()
	return ParseConfig("keeper.hcl", []byte(src), t.TempDir(), env)
}

func TestConfigDefaults(t *testing.T) {
	cfg, diags := parse(t, minimalHCL, noEnv)
	if diags.HasErrors() {
		t.Fatalf("minimal config: %v", diags)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"nodeos.url", cfg.Nodeos.URL, "http://127.0.0.1:8888"},
		{"nodeos.p2p_port", cfg.Nodeos.P2PPort, 9876},
		{"nodeos.poll_interval", cfg.Nodeos.PollInterval, keeper.DefaultConfig().PollInterval},
		{"consul.address", cfg.Consul.Address, "127.0.0.1:8500"},
		{"consul.key_prefix", cfg.Consul.KeyPrefix, election.DefaultPrefix},
		{"consul.session_ttl", cfg.Consul.SessionTTL, election.DefaultSessionTTL},
		{"consul.lock_delay", cfg.Consul.LockDelay, election.DefaultLockDelay},
		{"consul.lost_after", cfg.Consul.LostAfter, election.DefaultLostAfter(election.DefaultSessionTTL)},
		{"consul.register", *cfg.Consul.Register, true},
		{"failover.delay_slots (A)", cfg.Failover.DelaySlots, 1},
		{"failover.priority.B", cfg.Failover.Priority["B"], 2},
		{"failover.priority.C", cfg.Failover.Priority["C"], 6},
		{"alerts.min_peers", cfg.Alerts.MinPeers, 5},
		{"alerts.api_failures", cfg.Alerts.APIFailures, 5},
		{"alerts.head_stall", cfg.Alerts.HeadStall, keeper.DefaultConfig().HeadStall},
		{"alerts.lib_stall", cfg.Alerts.LIBStall, keeper.DefaultConfig().LIBStall},
		{"alerts.min_producers", cfg.Alerts.MinProducers, 5},
		{"alerts.producers_window", cfg.Alerts.ProducersWindow, keeper.DefaultConfig().ProducersWindow},
		{"alerts.repeat", cfg.Alerts.Repeat, notify.DefaultRepeatInterval},
		{"alerts.lang", cfg.Alerts.Lang, "zh"},
		{"alerts.digest", strings.Join(cfg.Alerts.Digest, ","), "07:00,13:00,19:00"},
		{"logging.level", cfg.Logging.Level, "info"},
		{"http.listen", cfg.HTTP.Listen, "127.0.0.1:9273"},
		{"influxdb", len(cfg.InfluxDB), 0},
		{"notify", len(cfg.Notify), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestConfigRoleDefaults(t *testing.T) {
	for _, tc := range []struct {
		role   keeper.Role
		delay  int
		digest string
	}{
		{keeper.RoleA, 1, "07:00,13:00,19:00"},
		{keeper.RoleB, 2, "07:00,13:00,19:00"},
		{keeper.RoleC, 6, "07:00,13:00,19:00"},
		{keeper.RoleF, 0, "07:00,19:00"},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			src := strings.Replace(minimalHCL, `role = "A"`, fmt.Sprintf("role = %q", tc.role), 1)
			cfg, diags := parse(t, src, noEnv)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if cfg.Failover.DelaySlots != tc.delay {
				t.Errorf("delay_slots = %d, want %d", cfg.Failover.DelaySlots, tc.delay)
			}
			if got := strings.Join(cfg.Alerts.Digest, ","); got != tc.digest {
				t.Errorf("digest = %s, want %s", got, tc.digest)
			}
		})
	}
}

func TestConfigOverrides(t *testing.T) {
	src := minimalHCL + `
consul {
  session_ttl = "30s"
  lock_delay  = "20s"
}
failover {
  priority = { B = 3 }
  fence_command = ["systemctl", "kill", "--signal=SIGKILL", "nodeos"]
}
alerts {
  min_peers = 0
  digest    = []
}
output "influxdb" {
  url      = "http://influx:8086"
  version  = 2
  org      = "ops"
  bucket   = "eos"
  token    = "tkn"
  flush_interval = "1m30s"
}
output "prometheus" {
  listen = "0.0.0.0:9100"
}
logging {
  level = "debug"
  json  = true
}
`
	cfg, diags := parse(t, src, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if cfg.Consul.LostAfter != 20*time.Second {
		t.Errorf("lost_after = %s, want 20s (two thirds of the 30s TTL)", cfg.Consul.LostAfter)
	}
	if p := cfg.Failover.Priority; p["A"] != 1 || p["B"] != 3 || p["C"] != 6 {
		t.Errorf("priority = %v, want A 1, B 3, C 6 (B overridden, rest default)", p)
	}
	if cfg.Alerts.MinPeers != 0 {
		t.Errorf("min_peers = %d, want an explicit 0 kept", cfg.Alerts.MinPeers)
	}
	if len(cfg.Alerts.Digest) != 0 {
		t.Errorf("digest = %v, want an explicit empty list kept", cfg.Alerts.Digest)
	}
	if len(cfg.InfluxDB) != 1 || cfg.InfluxDB[0].Version != 2 || cfg.InfluxDB[0].FlushInterval != 90*time.Second {
		t.Errorf("influxdb = %+v", cfg.InfluxDB)
	}
	if cfg.InfluxDB[0].Token.Reveal() != "tkn" {
		t.Errorf("token not decoded")
	}
	if cfg.HTTP.Listen != "0.0.0.0:9100" || !cfg.Logging.JSON || cfg.Logging.Level != "debug" {
		t.Errorf("http/logging = %+v %+v", cfg.HTTP, cfg.Logging)
	}
	if len(cfg.Failover.FenceCommand) != 4 {
		t.Errorf("fence_command = %v", cfg.Failover.FenceCommand)
	}
}

// TestConfigErrors loads bad configurations and checks the message and its position.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want string // "<line>,<col>: substring"
	}{
		{"unknown top-level", minimalHCL + "colour = \"red\"\n", "10,1-7: Unsupported argument; An argument named \"colour\""},
		{"unknown nodeos field", "producer = \"eosstorebest\"\nnode {\n  name = \"a\"\n  role = \"A\"\n}\nnodeos {\n  urll = \"x\"\n}\n", "7,3-7: Unsupported argument; An argument named \"urll\" is not expected here. Did you mean \"url\"?"},
		{"missing producer", "node {\n  name = \"a\"\n  role = \"A\"\n}\n", "Missing required argument; The argument \"producer\" is required"},
		{"missing role", "producer = \"eosstorebest\"\nnode {\n  name = \"a\"\n}\n", "2,6-6: Missing required argument; The argument \"role\""},
		{"bad role", strings.Replace(minimalHCL, `role = "A"`, `role = "D"`, 1), "4,10-13: Invalid role"},
		{"bad producer", strings.Replace(minimalHCL, `"eosstorebest"`, `"EOSStoreBest"`, 1), "6,12-26: Invalid producer name"},
		{"bad node name", strings.Replace(minimalHCL, `"bp-a"`, `"bp a"`, 1), "3,10-16: Invalid node name"},
		{"wrong type", minimalHCL + "alerts {\n  min_peers = \"many\"\n}\n", "11,16-20: Unsuitable value type"},
		{"bad duration", minimalHCL + "alerts {\n  head_stall = \"10 seconds\"\n}\n", "11,16-28: Invalid duration; \"10 seconds\" is not a duration"},
		{"negative duration", minimalHCL + "consul {\n  lock_delay = \"-1s\"\n}\n", "11,16-21: Invalid duration; \"-1s\" is negative"},
		{"ttl too short", minimalHCL + "consul {\n  session_ttl = \"5s\"\n  lost_after = \"3s\"\n}\n", "11,17-21: Invalid session TTL"},
		{"lost_after >= ttl", minimalHCL + "consul {\n  session_ttl = \"15s\"\n  lost_after = \"15s\"\n}\n", "12,16-21: Invalid lost_after; lost_after (15s) must be positive and shorter than session_ttl (15s): a holder must fence before Consul can give the lock away"},
		{"lost_after > lock_delay", minimalHCL + "consul {\n  lock_delay = \"5s\"\n  lost_after = \"8s\"\n}\n", "12,16-20: Invalid lost_after; lost_after (8s) cannot be larger than lock_delay (5s): an invalidated session frees the lock after lock_delay"},
		{"lost_after within a renewal", minimalHCL + "consul {\n  lost_after = \"5s\"\n  session_ttl = \"15s\"\n}\n", "11,16-20: Invalid lost_after; the session renewal interval session_ttl/3 (5s) must be positive and shorter than lost_after (5s), or one late renewal would end the term"},
		{"lock_delay too long", minimalHCL + "consul {\n  lock_delay = \"2m\"\n}\n", "11,16-20: Invalid lock delay"},
		{"priority bad key", minimalHCL + "failover {\n  priority = { D = 3 }\n}\n", "11,14-23: Invalid priority; priority key \"D\""},
		{"priority zero", minimalHCL + "failover {\n  priority = { B = 0 }\n}\n", "11,14-23: Invalid priority; priority for B is 0"},
		{"delay_slots on F", strings.Replace(minimalHCL, `role = "A"`, `role = "F"`, 1) + "failover {\n  delay_slots = 2\n}\n", "11,17-18: Not for role F"},
		{"fence on F", strings.Replace(minimalHCL, `role = "A"`, `role = "F"`, 1) + "failover {\n  fence_command = [\"kill\"]\n}\n", "11,19-27: Not for role F"},
		{"empty fence", minimalHCL + "failover {\n  fence_command = []\n}\n", "11,19-21: Invalid fence_command"},
		{"bad digest", minimalHCL + "alerts {\n  digest = [\"7am\"]\n}\n", "11,12-19: Invalid digest time; \"7am\""},
		{"bad lang", minimalHCL + "alerts {\n  lang = \"fr\"\n}\n", "11,10-14: Invalid language"},
		{"bad level", minimalHCL + "logging {\n  level = \"loud\"\n}\n", "11,11-17: Invalid log level"},
		{"duplicate block", minimalHCL + "nodeos {\n}\n", "10,1-7: Duplicate nodeos block"},
		{"bad port", strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  p2p_port = 70000", 1), "8,14-19: Invalid port"},
		{"finalizer key not BLS", minimalHCL + "finalizer {\n  key = \"EOS6MRy\"\n  command = [\"true\"]\n}\n", "11,9-18: Invalid finalizer key"},
		{"finalizer without activation", minimalHCL + "finalizer {\n  key = \"PUB_BLS_x\"\n}\n", "10,1-10: Missing finalizer activation"},
		{"finalizer both ways", minimalHCL + "finalizer {\n  key = \"PUB_BLS_x\"\n  permission = \"eosstorebest@finkey\"\n  private_key = \"k\"\n  command = [\"true\"]\n}\n", "14,13-21: Conflicting finalizer settings"},
		{"finalizer bad permission", minimalHCL + "finalizer {\n  key = \"PUB_BLS_x\"\n  permission = \"eosstorebest\"\n  private_key = \"k\"\n}\n", "12,16-30: Invalid permission"},
		{"finalizer without private key", minimalHCL + "finalizer {\n  key = \"PUB_BLS_x\"\n  permission = \"eosstorebest@finkey\"\n}\n", "10,1-10: Missing private key"},
		{"bad nodeos url", strings.Replace(minimalHCL, `log_file = "/var/log/nodeos.log"`, `url = "127.0.0.1:8888"`, 1), "8,9-25: Invalid nodeos URL"},
		{"unknown output", minimalHCL + "output \"graphite\" {\n}\n", "10,8-18: Unsupported output kind"},
		{"influx v1 no db", minimalHCL + "output \"influxdb\" {\n  url = \"http://x:8086\"\n}\n", "10,1-18: Missing database"},
		{"influx v2 incomplete", minimalHCL + "output \"influxdb\" {\n  url = \"http://x:8086\"\n  version = 2\n  org = \"o\"\n}\n", "10,1-18: Missing InfluxDB 2.x settings"},
		{"influx bad version", minimalHCL + "output \"influxdb\" {\n  url = \"http://x:8086\"\n  version = 3\n}\n", "12,13-14: Invalid InfluxDB version"},
		{"influx unknown field", minimalHCL + "output \"influxdb\" {\n  url = \"http://x:8086\"\n  db = \"eos\"\n}\n", "12,3-5: Unsupported argument"},
		{"two http outputs", minimalHCL + "output \"http\" {\n}\noutput \"prometheus\" {\n}\n", "12,1-20: Duplicate output block"},
		{"bad listen", minimalHCL + "output \"http\" {\n  listen = \"9273\"\n}\n", "11,12-18: Invalid listen address"},
		{"unknown notify kind", minimalHCL + "notify \"pager\" \"x\" {\n}\n", "10,8-15: Unsupported notify kind"},
		{"notify missing key", minimalHCL + "notify \"wecom_robot\" \"ops\" {\n}\n", "10,28-28: Missing required argument; The argument \"key\""},
		{"notify unknown field", minimalHCL + "notify \"slack\" \"s\" {\n  webhook_url = \"https://hooks.slack.com/x\"\n  channel = \"#ops\"\n}\n", "12,3-10: Unsupported argument"},
		{"notify duplicate name", minimalHCL + "notify \"command\" \"x\" {\n  argv = [\"true\"]\n}\nnotify \"command\" \"x\" {\n  argv = [\"true\"]\n}\n", "13,18-21: Duplicate notify name; A notify channel named \"x\" is already defined at keeper.hcl:10,18-21."},
		{"notify bad severity", minimalHCL + "notify \"command\" \"x\" {\n  argv = [\"true\"]\n  min_severity = \"urgent\"\n}\n", "12,18-26: Invalid severity"},
		{"notify bad after", minimalHCL + "notify \"command\" \"x\" {\n  argv = [\"true\"]\n  after = \"soon\"\n}\n", "12,11-17: Invalid duration"},
		{"env unset", minimalHCL + "consul {\n  token = env(\"CONSUL_TOKEN\")\n}\n", "11,11-15: Error in function call; Call to function \"env\" failed: environment variable \"CONSUL_TOKEN\" is not set"},
		{"file missing", minimalHCL + "consul {\n  token = file(\"nope\")\n}\n", "11,11-16: Error in function call; Call to function \"file\" failed: cannot read"},
		{"syntax", minimalHCL + "consul {\n  token = \n}\n", "11,11-12,1: Invalid expression"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, diags := parse(t, tc.src, noEnv)
			if !diags.HasErrors() {
				t.Fatalf("no error; want %q", tc.want)
			}
			if cfg != nil {
				t.Errorf("config returned alongside errors")
			}
			var all []string
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					all = append(all, d.Error())
				}
			}
			text := strings.Join(all, "\n")
			want := tc.want
			if pos, msg, ok := strings.Cut(tc.want, ": "); ok && !strings.Contains(pos, " ") {
				want = "keeper.hcl:" + pos + ": " + msg
			}
			if !strings.Contains(text, want) {
				t.Errorf("errors:\n%s\nwant one containing:\n%s", text, want)
			}
		})
	}
}

func TestConfigWarnings(t *testing.T) {
	src := strings.Replace(minimalHCL, "  log_file = \"/var/log/nodeos.log\"\n", "", 1) + "failover {\n  priority = { B = 6 }\n}\n"
	cfg, diags := parse(t, src, noEnv)
	if diags.HasErrors() || cfg == nil {
		t.Fatalf("warnings must not fail the load: %v", diags)
	}
	var got []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			got = append(got, d.Error())
		}
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{"keeper.hcl:7,1-7: No nodeos log file", "keeper.hcl:10,14-23: Priorities not increasing"} {
		if !strings.Contains(text, want) {
			t.Errorf("warnings:\n%s\nwant one containing %q", text, want)
		}
	}
}

func TestConfigEnvAndFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "influx.pw"), []byte("  pw-from-file\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := minimalHCL + `
consul {
  token   = env("CONSUL_HTTP_TOKEN")
  address = env("CONSUL_ADDR", "10.0.0.1:8500")
}
output "influxdb" {
  url      = "http://127.0.0.1:8086"
  database = "eos"
  username = "keeper"
  password = file("influx.pw")
}
notify "telegram" "tg" {
  bot_token = env("TG_TOKEN")
  chat_id   = "-100123"
}
`
	cfg, diags := ParseConfig("keeper.hcl", []byte(src), dir, envOf(map[string]string{
		"CONSUL_HTTP_TOKEN": "consul-secret-token",
		"TG_TOKEN":          "123:tg-secret",
	}))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := cfg.Consul.Token.Reveal(); got != "consul-secret-token" {
		t.Errorf("env(): token = %q", got)
	}
	if got := cfg.Consul.Address; got != "10.0.0.1:8500" {
		t.Errorf("env() default: address = %q", got)
	}
	if got := cfg.InfluxDB[0].Password.Reveal(); got != "pw-from-file" {
		t.Errorf("file(): password = %q, want trimmed contents", got)
	}
	if got := cfg.Notify[0].Settings.(*notify.TelegramConfig).BotToken.Reveal(); got != "123:tg-secret" {
		t.Errorf("env() in notify: bot_token = %q", got)
	}
}

// TestValidateRedactsSecrets runs the validate command and checks that no secret reaches its
// output, in any form, while the rest of the configuration does.
func TestValidateRedactsSecrets(t *testing.T) {
	dir := t.TempDir()
	secrets := map[string]string{
		"CONSUL_HTTP_TOKEN": "s3cr3t-consul",
		"WECOM_KEY":         "s3cr3t-wecom",
		"INFLUX_TOKEN":      "s3cr3t-influx",
		"SMS_KEY":           "s3cr3t-sms",
		"DING":              "s3cr3t-ding",
		"FINKEY":            "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	src := minimalHCL + `
consul {
  token = env("CONSUL_HTTP_TOKEN")
}
finalizer {
  key         = "PUB_BLS_x"
  permission  = "eosstorebest@finkey"
  private_key = env("FINKEY")
}
notify "wecom_robot" "ops" {
  key = env("WECOM_KEY")
}
notify "sms_http" "sms" {
  url     = "https://sms.example.com/send?apikey=${env("SMS_KEY")}"
  headers = { Authorization = "Bearer ${env("SMS_KEY")}" }
  body    = "{\"key\":\"${env("SMS_KEY")}\",\"text\":\"{{text}}\"}"
  mobiles = ["13800000000"]
  min_severity = "critical"
}
notify "dingtalk" "ding" {
  access_token = env("DING")
  secret       = env("DING")
}
output "influxdb" {
  url     = "http://127.0.0.1:8086"
  version = 2
  org     = "ops"
  bucket  = "eos"
  token   = env("INFLUX_TOKEN")
}
`
	path := filepath.Join(dir, "keeper.hcl")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ui := newTestUI()
	code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path})
	if code != 0 {
		t.Fatalf("validate exit %d, stderr:\n%s", code, ui.ErrorWriter.String())
	}
	out := ui.OutputWriter.String() + ui.ErrorWriter.String()
	for name, v := range secrets {
		if strings.Contains(out, v) {
			t.Errorf("secret %s printed by validate:\n%s", name, out)
		}
	}
	var printed map[string]any
	if err := json.Unmarshal(ui.OutputWriter.Bytes(), &printed); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, want := range []string{`"token": "<redacted>"`, `"key": "<redacted>"`, `"mobiles": [`, `"min_severity": "critical"`, `"org": "ops"`,
		`"lost_after": "` + hclconf.FormatDuration(election.DefaultLostAfter(election.DefaultSessionTTL)) + `"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}

	// And in Go formatting of the config itself.
	cfg, diags := LoadConfig(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, s := range []string{fmt.Sprintf("%v", *cfg.Consul), fmt.Sprintf("%+v", cfg.Notify[1].Settings), fmt.Sprintf("%#v", *cfg.InfluxDB[0])} {
		for name, v := range secrets {
			if strings.Contains(s, v) {
				t.Errorf("secret %s in fmt output: %s", name, s)
			}
		}
	}
}

func TestValidateReportsErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keeper.hcl")
	src := minimalHCL + "consul {\n  session_ttl = \"15\"\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ui := newTestUI()
	if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := path + ":11,17-21: Invalid duration"
	if !strings.Contains(ui.ErrorWriter.String(), want) {
		t.Errorf("stderr:\n%s\nwant %q", ui.ErrorWriter.String(), want)
	}
	if ui.OutputWriter.String() != "" {
		t.Errorf("an invalid config printed a configuration:\n%s", ui.OutputWriter.String())
	}

	ui = newTestUI()
	if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", filepath.Join(dir, "absent.hcl")}); code != 1 {
		t.Fatalf("missing file: exit %d, want 1", code)
	}
	if !strings.Contains(ui.ErrorWriter.String(), "Cannot read configuration") {
		t.Errorf("missing file: stderr %q", ui.ErrorWriter.String())
	}
}

// TestExamplesValidate loads every examples/*.hcl through the validate path.
func TestExamplesValidate(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	roles := map[keeper.Role]bool{}
	for _, f := range files {
		base := filepath.Base(f)
		if !strings.HasPrefix(base, "keeper-") {
			continue
		}
		t.Run(base, func(t *testing.T) {
			t.Setenv("WECOM_KEY", "example-key")
			t.Setenv("CONSUL_HTTP_TOKEN", "example-token")
			t.Setenv("INFLUX_PASSWORD", "example-password")
			t.Setenv("SMS_API_KEY", "example-sms")
			cfg, diags := LoadConfig(f)
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					t.Error(d.Error())
				}
			}
			if cfg != nil {
				if err := cfg.CheckLibraries(); err != nil {
					t.Errorf("CheckLibraries: %v", err)
				}
				roles[cfg.Node.Role] = true
			}
		})
	}
	for _, r := range []keeper.Role{keeper.RoleA, keeper.RoleB, keeper.RoleC, keeper.RoleF} {
		if !roles[r] {
			t.Errorf("no valid example for role %s", r)
		}
	}
}
