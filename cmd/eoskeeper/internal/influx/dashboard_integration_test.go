package influx

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/influxtest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// leftVariable matches a Grafana variable ($name, ${name}); a bare "$" ends a regex.
var leftVariable = regexp.MustCompile(`\$[A-Za-z_{]`)

// dashboardFile is the shipped InfluxDB dashboard, relative to this package.
var dashboardFile = filepath.Join("..", "..", "..", "..", "examples", "grafana", "eoskeeper-influxdb.json")

// TestDashboardQueriesRealInfluxDB1 writes what three producing-side agents and a full node's
// agent write, through the real writer, then runs every query of the shipped Grafana
// dashboard against a real InfluxDB 1.x the way Grafana sends it ($timeFilter, $__interval and
// the host variables substituted) and checks that each returns the agents' series.
func TestDashboardQueriesRealInfluxDB1(t *testing.T) {
	srv := influxtest.Start(t)
	srv.CreateDatabase(t, "eosmonitor")
	w, err := New(Config{URL: srv.URL, Database: "eosmonitor", Batch: 50, FlushInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)

	// Four polls a minute apart, ending now: bp-a leads and produces, bp-b and bp-c stand by
	// paused, fn-1 is a full node.
	now := time.Now().Truncate(time.Second)
	points := 0
	for i := 0; i < 4; i++ {
		at := now.Add(time.Duration(i-3) * time.Minute)
		head := uint32(100000 + 120*i)
		w.Publish(keeper.Status{Node: "bp-a", Role: keeper.RoleA, Time: at, State: keeper.Leader, Reachable: true,
			Head: head, LIB: head - 3, Peers: 12, PeersKnown: true, PausedKnown: true, Producing: true,
			LastProducedAt: at.Add(-4 * time.Second)})
		w.Publish(keeper.Status{Node: "bp-b", Role: keeper.RoleB, Time: at, State: keeper.Standby, Reachable: true,
			Head: head - 1, LIB: head - 4, Peers: 9, PeersKnown: true, Paused: true, PausedKnown: true})
		w.Publish(keeper.Status{Node: "bp-c", Role: keeper.RoleC, Time: at, State: keeper.Standby, Reachable: true,
			Head: head - 1, LIB: head - 4, Peers: 7, PeersKnown: true, Paused: true, PausedKnown: true})
		w.Publish(keeper.Status{Node: "fn-1", Role: keeper.RoleF, Time: at, State: keeper.Watching, Reachable: true,
			Head: head, LIB: head - 3, Peers: 30, PeersKnown: true})
		points += 4
	}
	waitFor(t, "all points written", func() bool { return w.Stats().Written == uint64(points) })

	d := loadInfluxDashboard(t)
	hosts := map[string][]string{"eosbpinfo": {"bp-a", "bp-b", "bp-c"}, "eosfninfo": {"fn-1"}}

	// The variables' queries list the hosts of their measurement.
	selected := map[string][]string{}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q string
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("variable %s: query %s: %v", v.Name, v.Query, err)
		}
		var got []string
		for _, s := range srv.Query(t, "eosmonitor", q) {
			for _, r := range s.Rows() {
				got = append(got, fmt.Sprint(r["value"]))
			}
		}
		m := regexp.MustCompile(`FROM "(\w+)"`).FindStringSubmatch(q)
		if m == nil || !slices.Equal(got, hosts[m[1]]) {
			t.Errorf("variable %s: %s returned %v, want the hosts %v", v.Name, q, got, hosts[m[1]])
		}
		selected[v.Name] = got
	}
	if len(selected) != 2 {
		t.Fatalf("variables %v, want host and fn", selected)
	}

	// Grafana's time filter for "the last hour" as an absolute range, and two ways of
	// choosing hosts: All (the variables' allValue) and every host picked by name.
	timeFilter := fmt.Sprintf("time >= %dms and time <= %dms", now.Add(-time.Hour).UnixMilli(), now.Add(time.Second).UnixMilli())
	choices := map[string]func(name string) string{
		"all": func(string) string { return ".*" },
		"each": func(name string) string {
			quoted := make([]string, len(selected[name]))
			for i, h := range selected[name] {
				quoted[i] = regexp.QuoteMeta(h)
			}
			return "(" + strings.Join(quoted, "|") + ")"
		},
	}
	queries := 0
	for choice, value := range choices {
		for _, p := range d.allPanels() {
			for _, tg := range p.Targets {
				queries++
				q := strings.NewReplacer("$timeFilter", timeFilter, "$__interval", "10s",
					"$host", value("host"), "$fn", value("fn")).Replace(tg.Query)
				if leftVariable.MatchString(q) {
					t.Errorf("%s: panel %q: a variable is left in %s", choice, p.Title, q)
					continue
				}
				m := regexp.MustCompile(`FROM "(\w+)"`).FindStringSubmatch(q)
				if m == nil {
					t.Errorf("panel %q: no measurement in %s", p.Title, q)
					continue
				}
				checkDashboardResult(t, fmt.Sprintf("%s: panel %q", choice, p.Title), q, srv.Query(t, "eosmonitor", q), hosts[m[1]])
			}
		}
	}
	if queries < 20 {
		t.Fatalf("ran %d queries; the dashboard walk is broken", queries)
	}
}

// checkDashboardResult checks that a query returned series grouped by host, only for known
// hosts, each with at least one value; the latest-row tables must show every host.
func checkDashboardResult(t *testing.T, what, q string, series []influxtest.Series, hosts []string) {
	t.Helper()
	if len(series) == 0 {
		t.Errorf("%s: no series for %s", what, q)
		return
	}
	var got []string
	for _, s := range series {
		h := s.Tags["host"]
		if !slices.Contains(hosts, h) {
			t.Errorf("%s: series for host %q, want one of %v: %s", what, h, hosts, q)
		}
		got = append(got, h)
		values := 0
		for _, r := range s.Rows() {
			for c, v := range r {
				if c != "time" && v != nil {
					values++
				}
			}
		}
		if values == 0 {
			t.Errorf("%s: host %s has only empty rows for %s", what, h, q)
		}
	}
	if strings.HasSuffix(q, `GROUP BY "host"`) {
		sort.Strings(got)
		if !slices.Equal(got, hosts) {
			t.Errorf("%s: hosts %v, want %v for %s", what, got, hosts, q)
		}
	}
}

// influxDashboard is the part of the dashboard's JSON the test reads.
type influxDashboard struct {
	Panels     []influxPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type influxPanel struct {
	Title   string        `json:"title"`
	Panels  []influxPanel `json:"panels"`
	Targets []struct {
		Query string `json:"query"`
	} `json:"targets"`
}

func (d influxDashboard) allPanels() []influxPanel {
	var out []influxPanel
	var walk func([]influxPanel)
	walk = func(ps []influxPanel) {
		for _, p := range ps {
			out = append(out, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

func loadInfluxDashboard(t *testing.T) influxDashboard {
	t.Helper()
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d influxDashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	return d
}
