package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// dashboards lists every generated dashboard with its file name in examples/grafana.
var dashboards = []struct {
	file  string
	build func() (dashboard.Dashboard, error)
}{
	{"eoskeeper-prometheus.json", prometheusDashboard},
	{"eoskeeper-influxdb.json", influxDBDashboard},
}

// render builds a dashboard and encodes it as indented JSON with a trailing newline, the
// form committed in examples/grafana.
func render(build func() (dashboard.Dashboard, error)) ([]byte, error) {
	d, err := build()
	if err != nil {
		return nil, fmt.Errorf("build dashboard: %w", err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode dashboard: %w", err)
	}
	return b.Bytes(), nil
}
