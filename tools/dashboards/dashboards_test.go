package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedDashboardsAreGenerated: the JSON in examples/grafana is exactly what the Go
// definitions render, so nobody edits the JSON by hand and the definitions stay the source.
func TestCommittedDashboardsAreGenerated(t *testing.T) {
	for _, d := range dashboards {
		want, err := render(d.build)
		if err != nil {
			t.Fatalf("%s: %v", d.file, err)
		}
		got, err := os.ReadFile(filepath.Join(grafanaDir, d.file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("examples/grafana/%s differs from the generated dashboard (%s); run `make dashboards`",
				d.file, firstDifference(got, want))
		}
	}
}

// TestPrometheusDashboardQueries parses every PromQL expression and variable query of the
// committed Prometheus dashboard and checks its metrics and labels against the collector.
func TestPrometheusDashboardQueries(t *testing.T) {
	metrics, err := collectorMetrics(collectorFile)
	if err != nil {
		t.Fatal(err)
	}
	c := newPromChecker(metrics)
	d := loadDashboard(t, "eoskeeper-prometheus.json")

	used := map[string]bool{}
	exprs := 0
	for _, p := range d.allPanels() {
		for _, tg := range p.Targets {
			if tg.Expr == "" {
				t.Errorf("panel %q target %s has no expr", p.Title, tg.RefID)
				continue
			}
			exprs++
			names, err := c.check(tg.Expr)
			if err != nil {
				t.Errorf("panel %q target %s: %v", p.Title, tg.RefID, err)
			}
			for _, n := range names {
				used[n] = true
			}
		}
	}
	vars := 0
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		vars++
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Errorf("variable %s: query %s: %v", v.Name, v.Query, err)
			continue
		}
		if _, err := c.checkVariable(q.Query); err != nil {
			t.Errorf("variable %s: %v", v.Name, err)
		}
	}
	if exprs < 10 || vars < 2 {
		t.Fatalf("found %d expressions and %d variables; the dashboard walk is broken", exprs, vars)
	}
	// Every collector metric an operator needs at a glance is on the dashboard.
	for _, m := range []string{"eoskeeper_lock_held", "eoskeeper_producing", "eoskeeper_paused", "eoskeeper_missed_turns",
		"eoskeeper_state", "eoskeeper_failovers_total"} {
		if !used[m] {
			t.Errorf("the dashboard does not show %s", m)
		}
	}
}

// TestInfluxDBDashboardTargets: every target of the InfluxDB dashboard is raw InfluxQL over
// the seed's tables (the queries themselves run against a real influxd in
// cmd/eoskeeper/internal/influx).
func TestInfluxDBDashboardTargets(t *testing.T) {
	d := loadDashboard(t, "eoskeeper-influxdb.json")
	n := 0
	for _, p := range d.allPanels() {
		for _, tg := range p.Targets {
			n++
			if tg.Expr != "" || !tg.RawQuery || !strings.HasPrefix(tg.Query, "SELECT ") {
				t.Errorf("panel %q target %s is not a raw InfluxQL SELECT: %+v", p.Title, tg.RefID, tg)
			}
			if !strings.Contains(tg.Query, `FROM "eosbpinfo"`) && !strings.Contains(tg.Query, `FROM "eosfninfo"`) {
				t.Errorf("panel %q target %s reads neither eosbpinfo nor eosfninfo: %s", p.Title, tg.RefID, tg.Query)
			}
		}
	}
	if n < 10 {
		t.Fatalf("found %d targets; the dashboard walk is broken", n)
	}
}

// jsonDashboard is the part of a dashboard's JSON the checks read.
type jsonDashboard struct {
	Panels     []jsonPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type jsonPanel struct {
	Title   string      `json:"title"`
	Panels  []jsonPanel `json:"panels"` // a collapsed row's panels
	Targets []struct {
		RefID    string `json:"refId"`
		Expr     string `json:"expr"`
		Query    string `json:"query"`
		RawQuery bool   `json:"rawQuery"`
	} `json:"targets"`
}

// allPanels returns the panels, those inside rows included.
func (d jsonDashboard) allPanels() []jsonPanel {
	var out []jsonPanel
	var walk func([]jsonPanel)
	walk = func(ps []jsonPanel) {
		for _, p := range ps {
			out = append(out, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

func loadDashboard(t *testing.T, file string) jsonDashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(grafanaDir, file))
	if err != nil {
		t.Fatal(err)
	}
	var d jsonDashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return d
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, gl, wl)
		}
	}
	return "no line differs"
}
