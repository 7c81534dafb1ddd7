package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/influx"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// effective loads src and returns validate's output, decoded.
func effective(t *testing.T, src string) map[string]any {
	t.Helper()
	cfg, diags := parse(t, src, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	out, err := effectiveJSON(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("validate output is not JSON: %v\n%s", err, out)
	}
	return m
}

// lookup returns the value at a dotted path of decoded JSON ("consul.session_ttl",
// "influxdb.0.batch").
func lookup(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// sameValue compares a printed value with a library's: durations by their meaning, the rest
// by their printed form.
func sameValue(printed, want any) bool {
	if d, ok := want.(time.Duration); ok {
		s, _ := printed.(string)
		got, err := time.ParseDuration(s)
		return err == nil && got == d
	}
	return fmt.Sprint(printed) == fmt.Sprint(want)
}

// TestValidatePrintsLibraryDefaults checks that every default `eoskeeper validate` prints is
// the value the library that owns the setting declares: the binary keeps no copy.
func TestValidatePrintsLibraryDefaults(t *testing.T) {
	m := effective(t, minimalHCL+"output \"influxdb\" {\n  url = \"http://127.0.0.1:8086\"\n  database = \"eos\"\n}\nnotify \"command\" \"c\" {\n  argv = [\"true\"]\n}\n")
	kd := keeper.DefaultConfig()
	for path, want := range map[string]any{
		"consul.session_ttl":        election.DefaultSessionTTL,
		"consul.lock_delay":         election.DefaultLockDelay,
		"consul.lost_after":         election.DefaultLostAfter(election.DefaultSessionTTL),
		"consul.key_prefix":         election.DefaultPrefix,
		"nodeos.timeout":            nodeos.DefaultTimeout,
		"nodeos.poll_interval":      kd.PollInterval,
		"failover.priority.A":       kd.PriorityDelays[keeper.RoleA],
		"failover.priority.B":       kd.PriorityDelays[keeper.RoleB],
		"failover.priority.C":       kd.PriorityDelays[keeper.RoleC],
		"failover.delay_slots":      kd.PriorityDelays[keeper.RoleA],
		"alerts.min_peers":          kd.MinPeers,
		"alerts.api_failures":       kd.APIFailures,
		"alerts.min_producers":      kd.MinProducers,
		"alerts.head_stall":         kd.HeadStall,
		"alerts.lib_stall":          kd.LIBStall,
		"alerts.producers_window":   kd.ProducersWindow,
		"alerts.repeat":             notify.DefaultRepeatInterval,
		"influxdb.0.batch":          influx.DefaultBatch,
		"influxdb.0.buffer":         influx.DefaultBuffer,
		"influxdb.0.flush_interval": influx.DefaultFlushInterval,
		"influxdb.0.timeout":        influx.DefaultTimeout,
		"notify.0.settings.timeout": notify.DefaultCommandTimeout,
	} {
		if got := lookup(m, path); !sameValue(got, want) {
			t.Errorf("validate prints %s = %v, the library's default is %v", path, got, want)
		}
	}
}

// TestConfigKeepsNoLibraryDefaults fails when the configuration code of this program declares
// a duration of its own: durations that have a default belong to the library that uses them.
// minPollInterval is the one limit that is this program's policy rather than a library's.
func TestConfigKeepsNoLibraryDefaults(t *testing.T) {
	if _, err := os.Stat("config_defaults.go"); err == nil {
		t.Error("config_defaults.go is back: defaults belong to the libraries")
	}
	files, err := filepath.Glob("config*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"minPollInterval": true}
	units := regexp.MustCompile(`^(Nanosecond|Microsecond|Millisecond|Second|Minute|Hour)$`)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || !units.MatchString(sel.Sel.Name) {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" {
				if !allowedUse(f, sel, allowed) {
					t.Errorf("%s: a duration literal (time.%s) in the configuration code; take the library's Default* instead",
						fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

// allowedUse reports whether sel is part of the value of an allowed constant.
func allowedUse(f *ast.File, sel *ast.SelectorExpr, allowed map[string]bool) bool {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			v, ok := s.(*ast.ValueSpec)
			if !ok || v.Pos() > sel.Pos() || v.End() < sel.End() {
				continue
			}
			for _, n := range v.Names {
				if allowed[n.Name] {
					return true
				}
			}
		}
	}
	return false
}

var updateREADME = flag.Bool("update-readme", false, "rewrite the defaults in README.md's configuration table")

// TestREADMEDefaults checks the default column of README.md's configuration table against the
// values the agent uses, which TestValidatePrintsLibraryDefaults ties to the libraries. After
// a library's default changes, `go test ./cmd/eoskeeper -run TestREADMEDefaults -update-readme`
// writes the new values into the table.
func TestREADMEDefaults(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	full := effective(t, minimalHCL+"output \"influxdb\" {\n  url = \"http://127.0.0.1:8086\"\n  database = \"eos\"\n}\n")
	roleF := effective(t, strings.Replace(minimalHCL, `role = "A"`, `role = "F"`, 1))
	v := func(path string) any { return lookup(full, path) }
	dur := func(path string) any {
		d, err := time.ParseDuration(fmt.Sprint(v(path)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return d
	}
	digest := func(m map[string]any) string {
		var s []string
		for _, x := range lookup(m, "alerts.digest").([]any) {
			s = append(s, fmt.Sprint(x))
		}
		return strings.Join(s, " ")
	}
	// Each row's backquoted defaults, in order.
	want := map[string][]any{
		"`nodeos { url }`":                                 {v("nodeos.url")},
		"`nodeos { p2p_port }`":                            {v("nodeos.p2p_port")},
		"`nodeos { timeout, poll_interval }`":              {dur("nodeos.timeout"), dur("nodeos.poll_interval")},
		"`consul { address, datacenter }`":                 {v("consul.address")},
		"`consul { key_prefix }`":                          {v("consul.key_prefix")},
		"`consul { register }`":                            {v("consul.register")},
		"`consul { session_ttl, lock_delay, lost_after }`": {dur("consul.session_ttl"), dur("consul.lock_delay"), dur("consul.lost_after")},
		"`failover { priority }`": {fmt.Sprintf("{ A = %v, B = %v, C = %v }",
			v("failover.priority.A"), v("failover.priority.B"), v("failover.priority.C"))},
		"`failover { delay_slots }`":                   {"priority"}, // "from `priority`"
		"`alerts { min_peers, api_failures }`":         {v("alerts.min_peers"), v("alerts.api_failures")},
		"`alerts { head_stall, lib_stall }`":           {dur("alerts.head_stall"), dur("alerts.lib_stall")},
		"`alerts { min_producers, producers_window }`": {v("alerts.min_producers"), dur("alerts.producers_window")},
		"`alerts { repeat }`":                          {dur("alerts.repeat")},
		"`alerts { lang, timezone, digest }`":          {v("alerts.lang"), digest(full), digest(roleF)},
		"`output \"influxdb\" { url, version }`":       {v("influxdb.0.version")},
		"`output \"influxdb\" { batch, buffer, flush_interval, timeout }`": {v("influxdb.0.batch"), v("influxdb.0.buffer"),
			dur("influxdb.0.flush_interval"), dur("influxdb.0.timeout")},
		"`output \"http\" { listen }`": {v("http.listen")},
		"`logging { level, json }`":    {v("logging.level"), v("logging.json")},
	}
	quoted := regexp.MustCompile("`([^`]*)`")
	seen := map[string]bool{}
	lines := strings.Split(string(readme), "\n")
	changed := false
	for li, line := range lines {
		cols := strings.Split(line, " | ")
		if len(cols) != 3 || !strings.HasPrefix(cols[0], "| `") {
			continue
		}
		key := strings.TrimPrefix(cols[0], "| ")
		var got []string
		for _, m := range quoted.FindAllStringSubmatch(cols[1], -1) {
			got = append(got, m[1])
		}
		w, ok := want[key]
		if !ok {
			if len(got) > 0 && (strings.Contains(key, "{") || strings.HasPrefix(key, "`producer")) {
				t.Errorf("README row %s has defaults %v this test does not check", key, got)
			}
			continue
		}
		seen[key] = true
		if len(got) != len(w) {
			t.Errorf("README row %s: defaults %q, want %v", key, got, w)
			continue
		}
		for i := range w {
			if sameValue(got[i], w[i]) {
				continue
			}
			if !*updateREADME {
				t.Errorf("README row %s: default %q, the agent uses %v (rerun with -update-readme)", key, got[i], w[i])
				continue
			}
			n := 0
			cols[1] = quoted.ReplaceAllStringFunc(cols[1], func(q string) string {
				defer func() { n++ }()
				if n != i {
					return q
				}
				if d, ok := w[i].(time.Duration); ok {
					return "`" + hclconf.FormatDuration(d) + "`"
				}
				return fmt.Sprintf("`%v`", w[i])
			})
			lines[li], changed = strings.Join(cols, " | "), true
		}
	}
	if changed {
		if err := os.WriteFile("../../README.md", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for key := range want {
		if !seen[key] {
			t.Errorf("README has no configuration row %s", key)
		}
	}
}
