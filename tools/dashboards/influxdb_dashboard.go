package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// influxDS is the dashboard's InfluxDB data source, chosen with the datasource variable.
var influxDS = common.DataSourceRef{Type: cog.ToPtr("influxdb"), Uid: cog.ToPtr("${datasource}")}

// influxDBDashboard is the dashboard over the seed's InfluxDB tables eosbpinfo (producing
// hosts) and eosfninfo (full nodes), which the agents' output "influxdb" writes.
func influxDBDashboard() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder("eoskeeper (InfluxDB)").
		Uid("eoskeeper-influxdb").
		Tags([]string{"eoskeeper", "eos"}).
		Description("The seed's tables written by eoskeeper: eosbpinfo (hosts A, B, C) and eosfninfo (full nodes), tag host.").
		Timezone("browser").
		Editable().
		Refresh("10s").
		Time("now-1h", "now").
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").
			Label("InfluxDB").Type("influxdb")).
		WithVariable(hostVariable("host", "BP host", "eosbpinfo")).
		WithVariable(hostVariable("fn", "Full node", "eosfninfo"))

	const bp = `FROM "eosbpinfo" WHERE $timeFilter AND "host" =~ /^$host$/`
	const fn = `FROM "eosfninfo" WHERE $timeFilter AND "host" =~ /^$fn$/`
	const byInterval = ` GROUP BY time($__interval), "host" fill(null)`

	b.WithRow(dashboard.NewRowBuilder("Producing hosts (eosbpinfo)").Id(1).GridPos(dashboard.GridPos{X: 0, Y: 0, W: 24, H: 1}))
	b.WithPanel(influxTable(2, "Now",
		"Latest row per host. paused: 是 = paused, 否 = producing allowed, 未知 = unknown; info: keeper state and health problems.",
		`SELECT last("hbn") AS "head", last("lib") AS "LIB", last("linkn") AS "peers", last("paused") AS "paused", `+
			`last("lpbt") AS "last produced", last("info") AS "info" `+bp+` GROUP BY "host"`,
		dashboard.GridPos{X: 0, Y: 1, W: 24, H: 6}))
	b.WithPanel(influxSeries(3, "Head block (hbn)", "", `SELECT last("hbn") `+bp+byInterval, "none", true,
		dashboard.GridPos{X: 0, Y: 7, W: 12, H: 8}))
	b.WithPanel(influxSeries(4, "Head blocks per second", "2 on a healthy chain (a block every 500 ms).",
		`SELECT non_negative_derivative(last("hbn"), 1s) `+bp+byInterval, "none", false,
		dashboard.GridPos{X: 12, Y: 7, W: 12, H: 8}))
	b.WithPanel(influxSeries(5, "Head - LIB (blocks)", "About 2-3 under Savanna; a growing gap means finality stalls.",
		`SELECT last("hbn") - last("lib") `+bp+byInterval, "none", true,
		dashboard.GridPos{X: 0, Y: 15, W: 12, H: 8}))
	b.WithPanel(influxSeries(6, "P2P peers (linkn)", "The low_peers alert fires below alerts.min_peers (default 5).",
		`SELECT last("linkn") `+bp+byInterval, "none", true,
		dashboard.GridPos{X: 12, Y: 15, W: 12, H: 8}))
	b.WithPanel(influxSeries(7, "Seconds since this host last produced (lpbt_s)",
		"Saw-tooth up to one round (126 s with 21 producers) on the producing host; absent on hosts that never produced.",
		`SELECT last("lpbt_s") `+bp+byInterval, "s", false,
		dashboard.GridPos{X: 0, Y: 23, W: 12, H: 8}))
	b.WithPanel(influxTable(8, "Paused over time",
		"paused and info per minute, newest first: shows when production moved between hosts.",
		`SELECT last("paused") AS "paused", last("info") AS "info" `+bp+` GROUP BY time(1m), "host" fill(none) ORDER BY time DESC LIMIT 30`,
		dashboard.GridPos{X: 12, Y: 23, W: 12, H: 8}))

	b.WithRow(dashboard.NewRowBuilder("Full nodes (eosfninfo)").Id(9).GridPos(dashboard.GridPos{X: 0, Y: 31, W: 24, H: 1}))
	b.WithPanel(influxTable(10, "Now", "",
		`SELECT last("hbn") AS "head", last("lib") AS "LIB", last("linkn") AS "peers", last("info") AS "info" `+fn+` GROUP BY "host"`,
		dashboard.GridPos{X: 0, Y: 32, W: 24, H: 5}))
	b.WithPanel(influxSeries(11, "Head block", "", `SELECT last("hbn") `+fn+byInterval, "none", true,
		dashboard.GridPos{X: 0, Y: 37, W: 8, H: 8}))
	b.WithPanel(influxSeries(12, "Head - LIB (blocks)", "", `SELECT last("hbn") - last("lib") `+fn+byInterval, "none", true,
		dashboard.GridPos{X: 8, Y: 37, W: 8, H: 8}))
	b.WithPanel(influxSeries(13, "P2P peers", "", `SELECT last("linkn") `+fn+byInterval, "none", true,
		dashboard.GridPos{X: 16, Y: 37, W: 8, H: 8}))
	return b.Build()
}

// hostVariable is a multi-value variable over the host tag of a measurement.
func hostVariable(name, label, measurement string) *dashboard.QueryVariableBuilder {
	q := `SHOW TAG VALUES FROM "` + measurement + `" WITH KEY = "host"`
	return dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Datasource(influxDS).
		Query(dashboard.StringOrMap{String: cog.ToPtr(q)}).
		Definition(q).
		Multi(true).
		IncludeAll(true).
		AllValue(".*").
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Hide(dashboard.VariableHideDontHide)
}

// influxTable is a table of a raw InfluxQL query, without the time column.
func influxTable(id uint32, title, description, query string, pos dashboard.GridPos) *table.PanelBuilder {
	p := table.NewPanelBuilder().
		Id(id).
		Title(title).
		Datasource(influxDS).
		WithTarget(influxQuery{RefID: "A", Datasource: &influxDS, Query: query, RawQuery: true, ResultFormat: "table"}).
		GridPos(pos).
		WithTransformation(dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}}).
		WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
			"excludeByName": map[string]bool{"Time": true},
		}}).
		ShowHeader(true).
		Footer(noFooter())
	if description != "" {
		p.Description(description)
	}
	return p
}

// influxSeries is a time series of a raw InfluxQL query, one series per host.
func influxSeries(id uint32, title, description, query, unit string, integer bool, pos dashboard.GridPos) *timeseries.PanelBuilder {
	p := timeseries.NewPanelBuilder().
		Id(id).
		Title(title).
		Datasource(influxDS).
		WithTarget(influxQuery{RefID: "A", Datasource: &influxDS, Query: query, RawQuery: true, ResultFormat: "time_series", Alias: "$tag_host"}).
		GridPos(pos).
		Unit(unit).
		LineWidth(1).
		FillOpacity(0).
		SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(true)}).
		Legend(tableLegend()).
		Tooltip(multiTooltip())
	if description != "" {
		p.Description(description)
	}
	if integer {
		p.Decimals(0)
	}
	return p
}
