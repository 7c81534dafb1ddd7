package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCollectorMetrics: the collector's source yields its metrics with their labels.
func TestCollectorMetrics(t *testing.T) {
	m, err := collectorMetrics(collectorFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, labels := range map[string][]string{
		"eoskeeper_up":              nil,
		"eoskeeper_lock_held":       nil,
		"eoskeeper_failovers_total": nil,
		"eoskeeper_role":            {"role"},
		"eoskeeper_state":           {"state"},
	} {
		got, ok := m[name]
		if !ok {
			t.Errorf("%s not found in %v", name, m)
			continue
		}
		if !slices.Equal(got, labels) {
			t.Errorf("%s labels %v, want %v", name, got, labels)
		}
	}
}

// TestCollectorMetricsUnreadable: a desc call the extraction cannot read fails it instead of
// silently dropping a metric.
func TestCollectorMetricsUnreadable(t *testing.T) {
	for name, src := range map[string]string{
		"computed name": `package metrics
const namespace = "x"
var n = "up"
var d = desc(n, "help")`,
		"no namespace": `package metrics
var d = desc("up", "help")`,
		"no desc": `package metrics
const namespace = "x"`,
	} {
		path := filepath.Join(t.TempDir(), "collector.go")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if m, err := collectorMetrics(path); err == nil {
			t.Errorf("%s: no error, metrics %v", name, m)
		}
	}
}

// TestPromChecker: the checker accepts what the collector exports and rejects the rest.
func TestPromChecker(t *testing.T) {
	c := newPromChecker(map[string][]string{"eoskeeper_up": nil, "eoskeeper_state": {"state"}, "eoskeeper_x_total": nil})
	for _, expr := range []string{
		`eoskeeper_up`,
		`sum by (job) (eoskeeper_up{job=~"$job", instance=~"$instance"})`,
		`eoskeeper_state{state="leader"} == 1`,
		`rate(eoskeeper_x_total[$__rate_interval])`,
		`up{job="eoskeeper"} == 0`,
		`{__name__="eoskeeper_up"}`,
	} {
		if _, err := c.check(expr); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
	}
	for expr, want := range map[string]string{
		`eoskeeper_down`:                    "not exported",
		`sum(eoskeeper_up{state="leader"})`: `no label "state"`,
		`eoskeeper_up{`:                     "parse",
		`{job="eoskeeper"}`:                 "without a metric name",
		`vector(1)`:                         "selects no metric",
		`rate(eoskeeper_x_total[$window])`:  "parse",
	} {
		if _, err := c.check(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", expr, err, want)
		}
	}

	if names, err := c.checkVariable(`label_values(eoskeeper_up{job=~"$job"}, instance)`); err != nil || !slices.Equal(names, []string{"eoskeeper_up"}) {
		t.Errorf("label_values: %v, %v", names, err)
	}
	for q, want := range map[string]string{
		`label_values(eoskeeper_up, state)`:    `no label "state"`,
		`label_values(eoskeeper_nope, job)`:    "not exported",
		`query_result(eoskeeper_up)`:           "not label_values",
		`label_values(eoskeeper_state, state)`: "",
	} {
		_, err := c.checkVariable(q)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", q, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", q, err, want)
		}
	}
}
