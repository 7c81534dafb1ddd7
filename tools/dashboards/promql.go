package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// targetLabels are the labels Prometheus adds to every series it scrapes.
var targetLabels = []string{"job", "instance"}

// scrapeSeries are the series Prometheus itself writes for every target, with the labels
// they carry.
var scrapeSeries = map[string][]string{"up": nil}

// grafanaIntervals replaces Grafana's interval variables, which are not PromQL, with a
// duration the parser accepts. Other variables ($job, $instance) appear only inside label
// matcher strings, where they are plain text to the parser.
var grafanaIntervals = strings.NewReplacer("$__rate_interval", "1m", "$__interval", "1m", "$__range", "1h")

// labelValuesQuery matches Grafana's label_values(selector, label) variable query.
var labelValuesQuery = regexp.MustCompile(`^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// promChecker parses PromQL and checks its selectors against the collector's metrics.
type promChecker struct {
	parser  parser.Parser
	metrics map[string][]string // metric name to its own labels
}

// newPromChecker returns a checker over the collector's metrics and the scrape's own series.
func newPromChecker(collector map[string][]string) *promChecker {
	metrics := map[string][]string{}
	for name, l := range collector {
		metrics[name] = l
	}
	for name, l := range scrapeSeries {
		metrics[name] = l
	}
	return &promChecker{parser: parser.NewParser(parser.Options{}), metrics: metrics}
}

// check parses expr and returns the metric names it selects, or an error for a parse
// failure, a selector without a metric name, a metric the collector does not export, or a
// label matcher on a label the metric cannot have.
func (c *promChecker) check(expr string) ([]string, error) {
	e, err := c.parser.ParseExpr(grafanaIntervals.Replace(expr))
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", expr, err)
	}
	var names []string
	var errs []error
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := selectorName(vs)
		names = append(names, name)
		if err := c.checkSelector(name, vs.LabelMatchers); err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", expr, err))
		}
		return nil
	})
	if len(names) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%q selects no metric", expr))
	}
	return names, errors.Join(errs...)
}

// checkVariable checks a Grafana Prometheus variable query, label_values(selector, label).
func (c *promChecker) checkVariable(query string) ([]string, error) {
	m := labelValuesQuery.FindStringSubmatch(query)
	if m == nil {
		return nil, fmt.Errorf("variable query %q is not label_values(selector, label)", query)
	}
	names, err := c.check(m[1])
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if !c.hasLabel(name, m[2]) {
			return nil, fmt.Errorf("variable query %q: %s has no label %q", query, name, m[2])
		}
	}
	return names, nil
}

func (c *promChecker) checkSelector(name string, matchers []*labels.Matcher) error {
	if name == "" {
		return errors.New("selector without a metric name")
	}
	if _, ok := c.metrics[name]; !ok {
		return fmt.Errorf("metric %s is not exported by the collector", name)
	}
	for _, m := range matchers {
		if m.Name != labels.MetricName && !c.hasLabel(name, m.Name) {
			return fmt.Errorf("metric %s has no label %q", name, m.Name)
		}
	}
	return nil
}

func (c *promChecker) hasLabel(metric, label string) bool {
	return slices.Contains(targetLabels, label) || slices.Contains(c.metrics[metric], label)
}

// selectorName is the metric a selector names, either before its braces or with an equality
// matcher on __name__.
func selectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}
