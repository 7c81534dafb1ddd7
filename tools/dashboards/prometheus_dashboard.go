package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// promDS is the dashboard's Prometheus data source, chosen with the datasource variable.
var promDS = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${datasource}")}

// sel selects metric on the agents the job and instance variables pick.
func sel(metric string) string {
	return metric + `{job=~"$job", instance=~"$instance"}`
}

// prometheusDashboard is the dashboard over the agents' /metrics.
func prometheusDashboard() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder("eoskeeper (Prometheus)").
		Uid("eoskeeper-prometheus").
		Tags([]string{"eoskeeper", "eos"}).
		Description("eoskeeper agents' /metrics: lock, state, nodeos health, missed turns, failovers.").
		Timezone("browser").
		Editable().
		Refresh("10s").
		Time("now-1h", "now").
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").
			Label("Prometheus").Type("prometheus")).
		WithVariable(promVariable("job", "Job", "label_values(eoskeeper_up, job)")).
		WithVariable(promVariable("instance", "Instance", `label_values(eoskeeper_up{job=~"$job"}, instance)`))

	stats := []struct {
		title, description, expr string
		red                      float64
	}{
		{"Lock holders", "Agents that believe they hold the producer's lock. Must never exceed 1.",
			"sum(" + sel("eoskeeper_lock_held") + ")", 2},
		{"Producing nodes", "Nodes that produced our producer's blocks in their most recent turn. Must never exceed 1.",
			"sum(" + sel("eoskeeper_producing") + ")", 2},
		{"Unpaused nodes", "Producing hosts whose nodeos reports paused == false. 1 in normal operation.",
			"count(" + sel("eoskeeper_paused") + " == 0) or vector(0)", 2},
		{"Missed turns", "Our producer's most recent consecutive turns without a block.",
			"max(" + sel("eoskeeper_missed_turns") + ")", 1},
		{"Alerts firing", "Alerts currently firing on all agents.",
			"sum(" + sel("eoskeeper_alerts_firing") + ")", 1},
		{"Maintenance", "1 while maintenance mode stops automatic failover.",
			"max(" + sel("eoskeeper_maintenance") + ")", 1},
	}
	for i, s := range stats {
		b.WithPanel(stat.NewPanelBuilder().
			Id(uint32(i + 1)).
			Title(s.title).
			Description(s.description).
			Datasource(promDS).
			WithTarget(promInstant("A", s.expr, prometheus.PromQueryFormatTimeSeries)).
			GridPos(dashboard.GridPos{X: uint32(4 * i), Y: 0, W: 4, H: 4}).
			Unit("none").
			Decimals(0).
			Thresholds(greenUntil(s.red)).
			ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"})).
			ColorMode(common.BigValueColorModeBackground).
			GraphMode(common.BigValueGraphModeNone).
			Orientation(common.VizOrientationAuto))
	}

	agents := table.NewPanelBuilder().
		Id(7).
		Title("Agents").
		Description("One row per agent: role, state, lock, nodeos health.").
		Datasource(promDS).
		GridPos(dashboard.GridPos{X: 0, Y: 4, W: 24, H: 7}).
		WithTransformation(dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}}).
		WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
			"excludeByName": map[string]bool{"Time": true, "__name__": true, "Value #A": true, "Value #B": true},
			"renameByName": map[string]string{"Value #C": "lock held", "Value #D": "paused", "Value #E": "healthy",
				"Value #F": "nodeos up", "Value #G": "head", "Value #H": "peers"},
		}}).
		ShowHeader(true).
		Footer(noFooter())
	for i, expr := range []string{
		sel("eoskeeper_role") + " == 1",
		sel("eoskeeper_state") + " == 1",
		sel("eoskeeper_lock_held"),
		sel("eoskeeper_paused"),
		sel("eoskeeper_healthy"),
		sel("eoskeeper_up"),
		sel("eoskeeper_head_block"),
		sel("eoskeeper_peers"),
	} {
		agents.WithTarget(promInstant(string(rune('A'+i)), expr, prometheus.PromQueryFormatTable))
	}
	b.WithPanel(agents)

	series := []struct {
		title, description, expr, legend string
		step, integer                    bool
		unit                             string
		pos                              dashboard.GridPos
	}{
		{"Lock held", "", sel("eoskeeper_lock_held"), "{{instance}}", true, true, "none", dashboard.GridPos{X: 0, Y: 11, W: 12, H: 7}},
		{"Paused", "1 paused, 0 producing allowed.", sel("eoskeeper_paused"), "{{instance}}", true, true, "none", dashboard.GridPos{X: 12, Y: 11, W: 12, H: 7}},
		{"State", "starting, standby, candidate, leader, fencing, maintenance, watching, stopped.",
			sel("eoskeeper_state") + " == 1", "{{instance}} {{state}}", true, true, "none", dashboard.GridPos{X: 0, Y: 18, W: 12, H: 7}},
		{"Head block", "", sel("eoskeeper_head_block"), "{{instance}}", false, true, "none", dashboard.GridPos{X: 12, Y: 18, W: 12, H: 7}},
		{"Head - LIB (blocks)", "", sel("eoskeeper_head_block") + " - " + sel("eoskeeper_lib_block"), "{{instance}}", false, true, "none",
			dashboard.GridPos{X: 0, Y: 25, W: 12, H: 7}},
		{"P2P peers", "", sel("eoskeeper_peers"), "{{instance}}", false, true, "none", dashboard.GridPos{X: 12, Y: 25, W: 12, H: 7}},
		{"Seconds since this node last produced", "", sel("eoskeeper_last_produced_age_seconds"), "{{instance}}", false, false, "s",
			dashboard.GridPos{X: 0, Y: 32, W: 12, H: 7}},
		{"Missed turns", "", sel("eoskeeper_missed_turns"), "{{instance}}", false, true, "none", dashboard.GridPos{X: 12, Y: 32, W: 12, H: 7}},
		{"Failovers (per hour)", "", "increase(" + sel("eoskeeper_failovers_total") + "[1h])", "{{instance}}", false, true, "none",
			dashboard.GridPos{X: 0, Y: 39, W: 8, H: 7}},
		{"nodeos API errors per second", "", "rate(" + sel("eoskeeper_nodeos_api_errors_total") + "[$__rate_interval])", "{{instance}}", false, false, "none",
			dashboard.GridPos{X: 8, Y: 39, W: 8, H: 7}},
		{"State transitions (per 10 min)", "", "increase(" + sel("eoskeeper_state_transitions_total") + "[10m])", "{{instance}}", false, false, "none",
			dashboard.GridPos{X: 16, Y: 39, W: 8, H: 7}},
	}
	for i, s := range series {
		interp := common.LineInterpolationLinear
		if s.step {
			interp = common.LineInterpolationStepAfter
		}
		p := timeseries.NewPanelBuilder().
			Id(uint32(8 + i)).
			Title(s.title).
			Datasource(promDS).
			WithTarget(prometheus.NewDataqueryBuilder().RefId("A").Expr(s.expr).LegendFormat(s.legend).Datasource(promDS)).
			GridPos(s.pos).
			Unit(s.unit).
			LineWidth(1).
			FillOpacity(0).
			SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(false)}).
			LineInterpolation(interp).
			Legend(tableLegend()).
			Tooltip(multiTooltip())
		if s.description != "" {
			p.Description(s.description)
		}
		if s.integer {
			p.Decimals(0)
		}
		b.WithPanel(p)
	}
	return b.Build()
}

// promVariable is a multi-value query variable over the agents' label values.
func promVariable(name, label, query string) *dashboard.QueryVariableBuilder {
	return dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Datasource(promDS).
		Query(dashboard.StringOrMap{Map: map[string]any{"query": query, "refId": "v"}}).
		Definition(query).
		Multi(true).
		IncludeAll(true).
		AllValue(".*").
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Hide(dashboard.VariableHideDontHide)
}

// promInstant is an instant query, as stat and table panels show the latest value.
func promInstant(refID, expr string, format prometheus.PromQueryFormat) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		RefId(refID).
		Expr(expr).
		Datasource(promDS).
		Instant().
		Format(format)
}

// greenUntil is green below red and red from it.
func greenUntil(red float64) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().
		Mode(dashboard.ThresholdsModeAbsolute).
		Steps([]dashboard.Threshold{{Color: "green"}, {Color: "red", Value: cog.ToPtr(red)}})
}

// tableLegend lists the series on the right with their last value.
func tableLegend() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().
		DisplayMode(common.LegendDisplayModeTable).
		Placement(common.LegendPlacementRight).
		Calcs([]string{"lastNotNull"}).
		ShowLegend(true)
}

// multiTooltip shows every series at the cursor.
func multiTooltip() *common.VizTooltipOptionsBuilder {
	return common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderNone)
}

// noFooter hides a table's footer.
func noFooter() *common.TableFooterOptionsBuilder {
	return common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{})
}
