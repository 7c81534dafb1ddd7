package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

const allChannelsHCL = minimalHCL + `
notify "wecom_robot" "robot" {
  key               = "k"
  mentioned_mobiles = ["13800000000"]
}
notify "wecom_app" "app" {
  corp_id  = "corp"
  secret   = "s"
  agent_id = 1000002
}
notify "sms_http" "sms" {
  url          = "https://sms.example.com/send"
  body         = "m={{mobiles}}&t={{text}}"
  encoding     = "form"
  mobiles      = ["13800000000", "13900000000"]
  min_severity = "critical"
  after        = "2m"
  digest       = false
}
notify "aliyun_sms" "aliyun" {
  access_key_id     = "id"
  access_key_secret = "s"
  sign_name         = "sign"
  template_code     = "SMS_1"
  phone_numbers     = ["13800000000"]
}
notify "dingtalk" "ding" {
  access_token = "t"
  secret       = "SECx"
}
notify "telegram" "tg" {
  bot_token = "1:x"
  chat_id   = "-100"
}
notify "slack" "slack" {
  webhook_url = "https://hooks.slack.com/services/x"
}
notify "webhook" "hook" {
  url     = "https://example.com/hook"
  headers = { Authorization = "Bearer x" }
}
notify "command" "cmd" {
  argv    = ["/usr/bin/logger", "-t", "eoskeeper"]
  timeout = "5s"
}
`

func TestNotifyChannelsEveryKind(t *testing.T) {
	cfg, diags := parse(t, allChannelsHCL, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	chans, err := cfg.NotifyChannels()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"robot", "app", "sms", "aliyun", "ding", "tg", "slack", "hook", "cmd"}
	if len(chans) != len(want) {
		t.Fatalf("%d channels, want %d", len(chans), len(want))
	}
	for i, c := range chans {
		if c.Channel.Name() != want[i] {
			t.Errorf("channel %d named %q, want %q", i, c.Channel.Name(), want[i])
		}
	}
	if r := chans[2].Route; r.MinSeverity != notify.Critical || r.After != 2*time.Minute {
		t.Errorf("sms route %+v, want critical after 2m", r)
	}
	if r := chans[0].Route; r.MinSeverity != notify.Info || r.After != 0 {
		t.Errorf("robot route %+v, want everything at once", r)
	}

	dc, ok, err := cfg.DispatcherConfig(func() string { return "ok" }, nil)
	if err != nil || !ok {
		t.Fatalf("DispatcherConfig: ok %v, err %v", ok, err)
	}
	if dc.RepeatInterval != 30*time.Minute || dc.Lang != notify.Chinese || dc.Node != "bp-a" || dc.Role != "A" || dc.Producer != "eosstorebest" {
		t.Errorf("dispatcher config %+v", dc)
	}
	if dc.Digest == nil || strings.Join(dc.Digest.Times, ",") != "07:00,13:00,19:00" || len(dc.Digest.Channels) != 8 ||
		strings.Contains(strings.Join(dc.Digest.Channels, ","), "sms") {
		t.Errorf("digest %+v, want every channel but sms", dc.Digest)
	}
	if _, err := notify.NewDispatcher(dc); err != nil {
		t.Errorf("the notify package refuses the dispatcher config: %v", err)
	}
	if err := cfg.CheckLibraries(); err != nil {
		t.Errorf("CheckLibraries: %v", err)
	}
}

func TestDispatcherConfigWithoutChannels(t *testing.T) {
	cfg, diags := parse(t, minimalHCL, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, ok, err := cfg.DispatcherConfig(nil, nil); ok || err != nil {
		t.Errorf("ok %v err %v, want no dispatcher and no error", ok, err)
	}
}

func TestKeeperAndElectionConfig(t *testing.T) {
	src := strings.Replace(minimalHCL, `role = "A"`, `role = "B"`, 1) + `
failover {
  delay_slots   = 3
  fence_command = ["systemctl", "stop", "nodeos"]
}
alerts {
  head_stall       = "12s"
  lib_stall        = "20s"
  producers_window = "60s"
  min_peers        = 3
}
consul {
  key_prefix  = "bp/keeper"
  session_ttl = "20s"
  lock_delay  = "20s"
}
`
	cfg, diags := parse(t, src, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	k := cfg.KeeperConfig(nil)
	if err := k.Validate(); err != nil {
		t.Fatal(err)
	}
	if k.Node != "bp-a" || k.Role != keeper.RoleB || k.Producer != "eosstorebest" {
		t.Errorf("identity %s %s %s", k.Node, k.Role, k.Producer)
	}
	if k.PriorityDelays[keeper.RoleB] != 3 || k.PriorityDelays[keeper.RoleA] != 1 || k.PriorityDelays[keeper.RoleC] != 6 {
		t.Errorf("delays %v, want B overridden to 3", k.PriorityDelays)
	}
	if k.HeadStall != 12*time.Second || k.LIBStall != 20*time.Second || k.ProducersWindow != time.Minute || k.MinPeers != 3 {
		t.Errorf("thresholds head %s lib %s window %s peers %d", k.HeadStall, k.LIBStall, k.ProducersWindow, k.MinPeers)
	}
	if strings.Join(k.FenceCommand, " ") != "systemctl stop nodeos" || k.PollInterval != time.Second || k.CallTimeout != 2*time.Second {
		t.Errorf("fence %v poll %s timeout %s", k.FenceCommand, k.PollInterval, k.CallTimeout)
	}
	e := cfg.ElectionConfig(nil, []string{"eoskeeper-bp-a:nodeos"}, nil)
	if e.Prefix != "bp/keeper" || e.SessionTTL != 20*time.Second || e.LockDelay != 20*time.Second || e.LostAfter != 13333333333 || e.Node != "bp-a" {
		t.Errorf("election config %+v", e)
	}
	if err := cfg.CheckLibraries(); err != nil {
		t.Errorf("CheckLibraries: %v", err)
	}
	rc := cfg.RegistrationConfig(nil, nil)
	if rc.ProducingURL != "http://127.0.0.1:9273/v1/producing" || rc.Port != 9273 || rc.Node != "bp-a" || rc.Role != keeper.RoleB {
		t.Errorf("registration config %+v", rc)
	}
}

func TestCheckLibrariesCatchesTLSFiles(t *testing.T) {
	dir := t.TempDir()
	src := minimalHCL + "consul {\n  tls {\n    ca_file = \"" + filepath.Join(dir, "absent-ca.pem") + "\"\n  }\n}\n"
	_, diags := parse(t, src, noEnv)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "keeper.hcl:11,3-6: Invalid Consul client settings; consul client: Error loading CA File") {
		t.Fatalf("diagnostics %v, want the unreadable CA file reported at the tls block", diags)
	}

	path := filepath.Join(dir, "keeper.hcl")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ui := newTestUI()
	if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 1 {
		t.Errorf("validate exit %d, want 1; stderr %s", code, ui.ErrorWriter.String())
	}
}
