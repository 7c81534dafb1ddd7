// Package metrics exposes the keeper's status to Prometheus. The Collector reads a fresh
// keeper.Status at every scrape (the consul_exporter pattern), so no metric goes stale and
// the keeper never pushes to Prometheus. Register it on a registry of your own; this package
// never touches the default registry.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/eoskeeper/eoskeeper/keeper"
)

const namespace = "eoskeeper"

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
}

var (
	upDesc          = desc("up", "1 when the last observation of nodeos succeeded, 0 otherwise.")
	headDesc        = desc("head_block", "Head block number seen by the local nodeos.")
	libDesc         = desc("lib_block", "Last irreversible block number seen by the local nodeos.")
	peersDesc       = desc("peers", "Connected p2p peers of the local nodeos.")
	pausedDesc      = desc("paused", "1 when the local nodeos is paused (production disabled), 0 when not.")
	producingDesc   = desc("producing", "1 when this node produced our producer's blocks in its most recent turn.")
	roleDesc        = desc("role", "The node's role (A, B, C produce; F is watched only); the value is always 1.", "role")
	stateDesc       = desc("state", "1 for the keeper's current state, 0 for the others.", "state")
	lockHeldDesc    = desc("lock_held", "1 when this agent holds the producer's Consul lock.")
	missedDesc      = desc("missed_turns", "Our producer's most recent consecutive turns without a block.")
	failoversDesc   = desc("failovers_total", "Times this agent took over production.")
	lastAgeDesc     = desc("last_produced_age_seconds", "Seconds since this node last produced a block; absent when it never has.")
	firingDesc      = desc("alerts_firing", "Alerts currently firing.")
	apiErrorsDesc   = desc("nodeos_api_errors_total", "Failed nodeos API calls.")
	healthyDesc     = desc("healthy", "1 when the local nodeos passes every health check the admission rule uses.")
	maintenanceDesc = desc("maintenance", "1 when maintenance mode is on.")
	transitionsDesc = desc("state_transitions_total", "State transitions of the keeper.")
	buildInfoDesc   = desc("build_info", "Always 1; the labels name the agent's version, source revision and Go version.",
		"version", "commit", "goversion")
	takeoverDesc = desc("last_takeover_info",
		"Always 1; the labels name the path of this node's newest takeover of the lock (handoff, evidence, switchover, last-producer) and the node it took it from; absent before its first takeover.",
		"path", "from")
)

// states lists every keeper state, so the state metric always has one series per state.
var states = []keeper.State{keeper.Starting, keeper.Standby, keeper.Candidate, keeper.Leader,
	keeper.Fencing, keeper.Maintenance, keeper.Watching, keeper.Stopped}

// Build identifies the agent's binary for the build_info metric.
type Build struct {
	Version   string
	Commit    string
	GoVersion string
}

// Collector is a prometheus.Collector over a status function.
type Collector struct {
	status func() keeper.Status
	build  Build
}

// NewCollector returns a collector that calls status at each scrape and reports build as
// eoskeeper_build_info. status must be cheap and safe for concurrent use
// (keeper.Keeper.Status is).
func NewCollector(status func() keeper.Status, build Build) *Collector {
	return &Collector{status: status, build: build}
}

// Describe sends every descriptor.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{upDesc, headDesc, libDesc, peersDesc, pausedDesc, producingDesc,
		roleDesc, stateDesc, lockHeldDesc, missedDesc, failoversDesc, lastAgeDesc, firingDesc, apiErrorsDesc,
		healthyDesc, maintenanceDesc, transitionsDesc, takeoverDesc, buildInfoDesc} {
		ch <- d
	}
}

// Collect reads the status and sends its metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.status()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(upDesc, b2f(s.Reachable))
	gauge(headDesc, float64(s.Head))
	gauge(libDesc, float64(s.LIB))
	if s.PeersKnown {
		gauge(peersDesc, float64(s.Peers))
	}
	if s.PausedKnown {
		gauge(pausedDesc, b2f(s.Paused))
	}
	gauge(producingDesc, b2f(s.Producing))
	if s.Role != "" {
		gauge(roleDesc, 1, string(s.Role))
	}
	for _, st := range states {
		gauge(stateDesc, b2f(s.State == st), st.String())
	}
	gauge(lockHeldDesc, b2f(s.LockHeld))
	gauge(missedDesc, float64(s.MissedTurns))
	counter(failoversDesc, float64(s.Failovers))
	if !s.LastProducedAt.IsZero() && !s.Time.IsZero() {
		age := s.Time.Sub(s.LastProducedAt).Seconds()
		if age < 0 {
			age = 0
		}
		gauge(lastAgeDesc, age)
	}
	gauge(firingDesc, float64(len(s.Firing)))
	counter(apiErrorsDesc, float64(s.APIErrors))
	gauge(healthyDesc, b2f(s.Healthy))
	gauge(maintenanceDesc, b2f(s.Maintenance))
	counter(transitionsDesc, float64(s.Transitions))
	if t := s.LastTakeover; t != nil {
		gauge(takeoverDesc, 1, t.Path, t.From)
	}
	gauge(buildInfoDesc, 1, c.build.Version, c.build.Commit, c.build.GoVersion)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
