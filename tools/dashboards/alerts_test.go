package main

import (
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// TestAlertRules loads examples/prometheus/alerts.yml with Prometheus's own rule file parser
// (unknown fields rejected, expressions and templates validated), then checks every
// expression's metrics and labels against the collector.
func TestAlertRules(t *testing.T) {
	metrics, err := collectorMetrics(collectorFile)
	if err != nil {
		t.Fatal(err)
	}
	c := newPromChecker(metrics)
	groups, errs := rulefmt.ParseFile(alertsFile, false, model.LegacyValidation,
		parser.NewParser(parser.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, err := range errs {
		t.Errorf("rulefmt: %v", err)
	}
	if groups == nil {
		t.Fatal("no rule groups")
	}

	var alerts []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				t.Errorf("group %s: recording rule %q; this file holds alerts only", g.Name, r.Record)
				continue
			}
			alerts = append(alerts, r.Alert)
			if _, err := c.check(r.Expr); err != nil {
				t.Errorf("%s: %v", r.Alert, err)
			}
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("%s: severity %q, want critical or warning", r.Alert, s)
			}
			for _, a := range []string{"summary", "description"} {
				if r.Annotations[a] == "" {
					t.Errorf("%s: no %s annotation", r.Alert, a)
				}
			}
		}
	}
	for _, want := range []string{"EoskeeperNoLockHolder", "EoskeeperTwoLockHolders", "EoskeeperTwoProducers",
		"EoskeeperAgentDown", "EoskeeperHolderUnhealthy", "EoskeeperFailover", "EoskeeperMissedTurns"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("alert %s is missing", want)
		}
	}
}
