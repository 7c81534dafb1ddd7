package main

import (
	"errors"
	"reflect"

	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
)

// influxQuery is a raw InfluxQL target of Grafana's InfluxDB data source. The SDK has no
// package for that data source, so this type implements its dataquery variant with the
// fields Grafana reads for raw InfluxQL.
type influxQuery struct {
	RefID        string                `json:"refId"`
	Datasource   *common.DataSourceRef `json:"datasource,omitempty"`
	Query        string                `json:"query"`
	RawQuery     bool                  `json:"rawQuery"`
	ResultFormat string                `json:"resultFormat"`
	Alias        string                `json:"alias,omitempty"`
}

// ImplementsDataqueryVariant marks influxQuery as a dataquery.
func (influxQuery) ImplementsDataqueryVariant() {}

// DataqueryType names the data source plugin.
func (influxQuery) DataqueryType() string { return "influxdb" }

// Equals reports whether other is the same query.
func (q influxQuery) Equals(other variants.Dataquery) bool {
	o, ok := other.(influxQuery)
	return ok && reflect.DeepEqual(q, o)
}

// Validate checks the fields Grafana needs.
func (q influxQuery) Validate() error {
	switch {
	case q.RefID == "":
		return errors.New("influxdb query: refId is empty")
	case q.Query == "":
		return errors.New("influxdb query: query is empty")
	case q.ResultFormat != "time_series" && q.ResultFormat != "table":
		return errors.New("influxdb query: resultFormat must be time_series or table")
	}
	return nil
}

// Build returns the query as a dataquery, so an influxQuery is its own builder.
func (q influxQuery) Build() (variants.Dataquery, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return q, nil
}
