package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// rangeCase says how to set one attribute of the README's range table in a keeper.hcl, and
// which values must pass and fail besides the ends of a "`X` to `Y`" range.
type rangeCase struct {
	// set returns the configuration text that sets the attribute to v (an HCL expression).
	set func(v string) string
	// quote says the attribute takes a string (durations included).
	quote bool
	// good and bad are more values (HCL expressions) the attribute must accept and refuse.
	good, bad []string
	// loose accepts an error anywhere in the attribute's block (a rule between attributes).
	loose bool
}

func block(name, body string) func(string) string {
	return func(v string) string { return minimalHCL + name + " {\n  " + fmt.Sprintf(body, v) + "\n}\n" }
}

func notifyBlock(kind, body string) func(string) string {
	return func(v string) string {
		return minimalHCL + "notify \"" + kind + "\" \"n\" {\n  " + fmt.Sprintf(body, v) + "\n}\n"
	}
}

func influxBlock(attr string) func(string) string {
	return func(v string) string {
		return minimalHCL + "output \"influxdb\" {\n  url = \"http://127.0.0.1:8086\"\n  database = \"eos\"\n  " + attr + " = " + v + "\n}\n"
	}
}

var rangeCases = map[string]rangeCase{
	"`node.name`": {set: func(v string) string { return strings.Replace(minimalHCL, `name = "bp-a"`, "name = "+v, 1) },
		good: []string{`"bp-a.dc1_2"`, `"` + strings.Repeat("n", 63) + `"`}, bad: []string{`"bp a"`, `"-a"`, `"a/b"`, `"` + strings.Repeat("n", 64) + `"`}},
	"`producer`": {set: func(v string) string {
		return strings.Replace(minimalHCL, `producer = "eosstorebest"`, "producer = "+v, 1)
	},
		good: []string{`"eosio.token"`}, bad: []string{`"EOS"`, `"a.."`, `"eosstorebest1"`}},
	"`nodeos.url`": {set: inNodeos("url"),
		good: []string{`"https://node.example:443/api"`}, bad: []string{`"http://127.0.0.1:8888/?x=1"`, `"http://127.0.0.1:8888#x"`, `"ftp://h:1"`, `"127.0.0.1:8888"`}},
	"`nodeos.p2p_port`":      {set: inNodeos("p2p_port")},
	"`nodeos.timeout`":       {set: inNodeos("timeout"), quote: true, bad: []string{`"8760h"`}},
	"`nodeos.poll_interval`": {set: inNodeos("poll_interval"), quote: true, bad: []string{`"8760h"`}},
	"`consul.address`": {set: block("consul", "address = %s"),
		good: []string{`"consul.example:8500"`, `"https://consul.example:8501"`, `"unix:///run/consul.sock"`, `"[::1]:8500"`},
		bad:  []string{`"127.0.0.1"`, `"127.0.0.1:0"`, `"127.0.0.1:99999"`, `"consul:8500/x"`, `"ftp://consul:8500"`, `"user:pw@consul:8500"`, `"unix://relative"`}},
	"`consul.datacenter`": {set: block("consul", "datacenter = %s"), good: []string{`"dc1"`}, bad: []string{`"dc 1"`, `"dc/1"`, `"` + strings.Repeat("d", 65) + `"`}},
	"`consul.key_prefix`": {set: block("consul", "key_prefix = %s"),
		good: []string{`"ops/eoskeeper.v2"`, `"` + strings.Repeat("p", 128) + `"`},
		bad:  []string{`"../x"`, `"a/../b"`, `"a//b"`, `"/a"`, `"a/"`, `"a b"`, `"` + strings.Repeat("p", 129) + `"`}},
	"`consul.session_ttl`": {set: block("consul", "lock_delay = \"60s\"\n  lost_after = \"50s\"\n  session_ttl = %s"), loose: true,
		good: []string{`"51s"`, `"149s"`}, bad: []string{`"50s"`, `"151s"`, `"25h"`, `"9s"`}},
	"`consul.lock_delay`": {set: block("consul", "session_ttl = \"12s\"\n  lost_after = \"5s\"\n  lock_delay = %s"), loose: true,
		good: []string{`"5s"`, `"60s"`}, bad: []string{`"4999ms"`, `"61s"`}},
	"`consul.lost_after`": {set: block("consul", "session_ttl = \"15s\"\n  lock_delay = \"10s\"\n  lost_after = %s"), loose: true,
		good: []string{`"10s"`, `"5001ms"`}, bad: []string{`"5s"`, `"11s"`, `"15s"`}},
	"`failover.priority`":      {set: block("failover", "priority = { A = 1, B = 2, C = %s }")},
	"`failover.delay_slots`":   {set: block("failover", "delay_slots = %s")},
	"`failover.fence_command`": {set: block("failover", "fence_command = %s"), good: []string{`["systemctl", "kill", "nodeos"]`}, bad: []string{`[]`, `[""]`, `["systemctl", "", "nodeos"]`, argvOf(65)}},
	"`hooks.on_promote`, `hooks.on_demote`": {set: block("hooks", "on_demote = [\"true\"]\n  on_promote = %s"),
		good: []string{`["logger", "promoted"]`, argvOf(64)}, bad: []string{`["logger", ""]`, `[""]`, argvOf(65)}},
	"`alerts.min_peers`":        {set: block("alerts", "min_peers = %s"), bad: []string{"100000"}},
	"`alerts.api_failures`":     {set: block("alerts", "api_failures = %s")},
	"`alerts.min_producers`":    {set: block("alerts", "min_producers = %s")},
	"`alerts.head_stall`":       {set: block("alerts", "head_stall = %s"), quote: true},
	"`alerts.lib_stall`":        {set: block("alerts", "lib_stall = %s"), quote: true},
	"`alerts.producers_window`": {set: block("alerts", "producers_window = %s"), quote: true, bad: []string{`"30m"`}},
	"`alerts.repeat`":           {set: block("alerts", "repeat = %s"), quote: true},
	"`alerts.digest`": {set: block("alerts", "digest = %s"), good: []string{`["07:00", "19:00"]`, digestOf(24)},
		bad: []string{`["07:00", "07:00"]`, `["7:00"]`, digestOf(25)}},
	"`notify.after`":                   {set: notifyBlock("command", "argv = [\"true\"]\n  after = %s"), quote: true},
	"`notify \"command\" argv`":        {set: notifyBlock("command", "argv = %s"), good: []string{argvOf(64)}, bad: []string{`[]`, `["x", ""]`, argvOf(65)}},
	"`notify \"command\" env`":         {set: notifyBlock("command", "argv = [\"true\"]\n  env = %s"), good: []string{`["A_1=x", "B="]`}, bad: []string{`["A"]`, `["1A=x"]`, `["A B=x"]`}},
	"`notify \"command\" timeout`":     {set: notifyBlock("command", "argv = [\"true\"]\n  timeout = %s"), quote: true},
	"`notify \"sms_http\" method`":     {set: notifyBlock("sms_http", "url = \"https://sms.example.com\"\n  mobiles = [\"1\"]\n  method = %s"), good: []string{`"GET"`, `"post"`, `"PATCH"`}, bad: []string{`"FROB"`, `"GET /"`, `"DELETE"`}},
	"`notify \"sms_http\" max_text`":   {set: notifyBlock("sms_http", "url = \"https://sms.example.com\"\n  mobiles = [\"1\"]\n  max_text = %s")},
	"`notify \"aliyun_sms\" max_text`": {set: notifyBlock("aliyun_sms", "access_key_id = \"a\"\n  access_key_secret = \"b\"\n  sign_name = \"s\"\n  template_code = \"t\"\n  phone_numbers = [\"1\"]\n  max_text = %s")},
	"`notify \"telegram\" base_url` (also `dingtalk`, `wecom_robot`, `wecom_app`; `aliyun_sms` `endpoint`)": {
		set:  notifyBlock("telegram", "bot_token = \"t\"\n  chat_id = \"1\"\n  base_url = %s"),
		good: []string{`"https://tg.example.com/proxy"`}, bad: []string{`"file:///etc/passwd"`, `"https://tg.example.com/?x=1"`, `"tg.example.com"`}},
	"`output \"influxdb\" url`": {set: func(v string) string {
		return minimalHCL + "output \"influxdb\" {\n  database = \"eos\"\n  url = " + v + "\n}\n"
	}, good: []string{`"https://influx.example:8086/base"`}, bad: []string{`"http://127.0.0.1:8086/?token=x"`, `"http://127.0.0.1:8086/#x"`, `"udp://127.0.0.1:8089"`}},
	"`output \"influxdb\" batch`":          {set: influxBlock("batch")},
	"`output \"influxdb\" buffer`":         {set: influxBlock("buffer"), good: []string{"100", "1000000"}, bad: []string{"99", "1000001"}},
	"`output \"influxdb\" flush_interval`": {set: influxBlock("flush_interval"), quote: true},
	"`output \"influxdb\" timeout`":        {set: influxBlock("timeout"), quote: true},
	"`output \"http\" listen`": {set: func(v string) string { return minimalHCL + "output \"http\" {\n  listen = " + v + "\n}\n" },
		good: []string{`"0.0.0.0:9273"`, `":9273"`, `"[::1]:9273"`}, bad: []string{`"127.0.0.1"`, `"127.0.0.1:0"`, `"127.0.0.1:70000"`, `"127.0.0.1:http"`}},
	"`output \"http\" tls_cert_file`, `tls_key_file`": {set: httpBlock("tls_key_file = \"/nonexistent/key.pem\"\n  tls_cert_file = %s"),
		bad: []string{`"/nonexistent/cert.pem"`, `""`}},
	"`output \"http\" bearer_token`": {set: httpBlock("bearer_token = %s"),
		good: []string{`"s3cret-token"`, `"` + strings.Repeat("t", 4096) + `"`}, bad: []string{`""`, `"a b"`, `"a\tb"`, `"` + strings.Repeat("t", 4097) + `"`}},
	"`output \"http\" basic_auth { username, password }`": {set: httpBlock("basic_auth {\n    password = \"pw\"\n    username = %s\n  }"),
		good: []string{`"prometheus"`, `"` + strings.Repeat("u", 4096) + `"`}, bad: []string{`""`, `"a:b"`, `"` + strings.Repeat("u", 4097) + `"`}},
	"`finalizer.command`": {set: block("finalizer", "key = \"PUB_BLS_x\"\n  command = %s"), good: []string{`["cleos", "push"]`}, bad: []string{`["cleos", ""]`, argvOf(65)}},
}

// httpBlock returns minimalHCL with an http output whose body is body with %s set to v.
func httpBlock(body string) func(string) string {
	return func(v string) string { return minimalHCL + "output \"http\" {\n  " + fmt.Sprintf(body, v) + "\n}\n" }
}

// inNodeos sets attr in minimalHCL's nodeos block.
func inNodeos(attr string) func(string) string {
	return func(v string) string { return strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  "+attr+" = "+v, 1) }
}

func argvOf(n int) string { return "[" + strings.TrimSuffix(strings.Repeat(`"x", `, n), ", ") + "]" }

func digestOf(n int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf(`"%02d:%02d"`, i%24, i/24))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

var rangeEnds = regexp.MustCompile("^(?:each )?`(-?[0-9][0-9a-z.]*)` to `([0-9][0-9a-z.]*)`")

// TestREADMERanges checks the README's range table against the code: every row names an
// attribute this test knows how to set, the ends of every "`X` to `Y`" range are accepted and
// the values just outside refused, and the other rows' examples are accepted or refused as
// listed, each error at the attribute.
func TestREADMERanges(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "| attribute | range |\n|---|---|\n")
	if !ok {
		t.Fatal("README has no range table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	seen := map[string]bool{}
	for _, row := range strings.Split(table, "\n") {
		attr, rng, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(row, "| "), " |"), " | ")
		if !ok {
			t.Errorf("README range row %q is not | attribute | range |", row)
			continue
		}
		tc, known := rangeCases[attr]
		if !known {
			t.Errorf("README range row %s: no test for it", attr)
			continue
		}
		seen[attr] = true
		good, bad := tc.good, tc.bad
		if m := rangeEnds.FindStringSubmatch(rng); m != nil {
			lo, hi, below, above, err := ends(m[1], m[2])
			if err != nil {
				t.Errorf("%s: %v", attr, err)
				continue
			}
			q := func(s string) string {
				if tc.quote {
					return strconv.Quote(s)
				}
				return s
			}
			good = append(good, q(lo), q(hi))
			bad = append(bad, q(below), q(above))
		}
		if len(good)+len(bad) == 0 {
			t.Errorf("%s: nothing to check", attr)
		}
		for _, v := range good {
			src := tc.set(v)
			if _, diags := parse(t, src, noEnv); diags.HasErrors() {
				t.Errorf("%s = %s refused: %s", attr, v, diags.Error())
			}
		}
		for _, v := range bad {
			src := tc.set(v)
			_, diags := parse(t, src, noEnv)
			if !diags.HasErrors() {
				t.Errorf("%s = %s accepted", attr, v)
				continue
			}
			want := valueLine(src, v)
			var lines []int
			for _, d := range diags {
				if d.Severity == hcl.DiagError && d.Subject != nil {
					lines = append(lines, d.Subject.Start.Line)
				}
			}
			if !atLine(lines, want, tc.loose, src) {
				t.Errorf("%s = %s: errors at lines %v, want line %d: %s", attr, v, lines, want, diags.Error())
			}
		}
	}
	for attr := range rangeCases {
		if !seen[attr] {
			t.Errorf("README range table has no row %s", attr)
		}
	}
}

// ends returns the range's ends and the values just outside it: one less and one more for
// integers, one millisecond for durations.
func ends(lo, hi string) (string, string, string, string, error) {
	a, aerr := strconv.Atoi(lo)
	b, berr := strconv.Atoi(hi)
	if aerr == nil && berr == nil {
		return lo, hi, strconv.Itoa(a - 1), strconv.Itoa(b + 1), nil
	}
	da, err := time.ParseDuration(lo)
	if err != nil {
		return "", "", "", "", fmt.Errorf("range end %q is neither an integer nor a duration", lo)
	}
	db, err := time.ParseDuration(hi)
	if err != nil {
		return "", "", "", "", fmt.Errorf("range end %q is neither an integer nor a duration", hi)
	}
	return lo, hi, (da - time.Millisecond).String(), (db + time.Millisecond).String(), nil
}

// valueLine is the line of src that sets a value to v (the last one: the block follows the
// common part of the file).
func valueLine(src, v string) int {
	lines := strings.Split(src, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "= "+v) || strings.Contains(lines[i], v+" }") {
			return i + 1
		}
	}
	return -1
}

// atLine reports whether an error is at want, or, when loose, anywhere after the common part.
func atLine(lines []int, want int, loose bool, src string) bool {
	first := strings.Count(minimalHCL, "\n") + 1
	for _, l := range lines {
		if l == want || loose && l >= first && l <= strings.Count(src, "\n") {
			return true
		}
	}
	return false
}
