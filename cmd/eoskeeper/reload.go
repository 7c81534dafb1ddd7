package main

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

// alertReloadFailed is raised when a SIGHUP reload was refused; the agent goes on with the
// configuration it had.
const alertReloadFailed = "config_reload_failed"

// reloader applies a SIGHUP: it loads the configuration file through the same path as
// `eoskeeper validate` and start, and replaces the notify channels and the InfluxDB outputs
// all or nothing. The other settings take effect at the next start; a reload that changes them
// says so.
type reloader struct {
	path    string
	started *Config // the configuration the agent started with
	outputs *outputs
	sink    interface{ Notify(notify.Alert) }
	status  func() keeper.Status
	log     hclog.Logger
	failing bool // the last reload failed and its alert is firing
}

// reload handles one SIGHUP. It returns the error that made it keep the running outputs.
func (r *reloader) reload() error {
	next, diags, err := loadChecked(r.path)
	var errs []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			r.log.Warn("configuration warning", "warning", formatDiagnostic(d))
		} else {
			errs = append(errs, formatDiagnostic(d))
		}
	}
	switch {
	case len(errs) > 0:
		err = errors.New(strings.Join(errs, "\n"))
	case err == nil:
		err = r.outputs.reload(next, r.status)
	}
	if err != nil {
		r.log.Error("reload refused: the running notify channels and outputs stay", "config", r.path, "error", err)
		r.failing = true
		r.sink.Notify(notify.Alert{Key: alertReloadFailed, Severity: notify.Warning, State: notify.Fired, Time: time.Now(),
			Message: "configuration reload refused, the agent runs with the previous notify and output settings: " + err.Error()})
		return err
	}
	if r.failing {
		r.failing = false
		r.sink.Notify(notify.Alert{Key: alertReloadFailed, State: notify.Resolved, Time: time.Now(),
			Message: "configuration reloaded"})
	}
	if changed := restartOnly(r.started, next); len(changed) > 0 {
		r.log.Warn("reloaded notify channels and outputs; other changed settings take effect at the next start",
			"changed", strings.Join(changed, ", "))
	} else {
		r.log.Info("reloaded notify channels and outputs", "channels", len(next.Notify), "influxdb", len(next.InfluxDB))
	}
	return nil
}

// restartOnly names the top-level settings that differ between a and b and that a reload does
// not apply (everything but the notify channels, the InfluxDB outputs and the alert wording
// and schedule). Secrets compare by their redacted form, so a changed secret outside the
// reloadable blocks is not reported.
func restartOnly(a, b *Config) []string {
	var out []string
	same := func(x, y any) bool {
		bx, errx := json.Marshal(x)
		by, erry := json.Marshal(y)
		return errx == nil && erry == nil && string(bx) == string(by)
	}
	for _, s := range []struct {
		name string
		a, b any
	}{
		{"node", a.Node, b.Node},
		{"producer", a.Producer, b.Producer},
		{"nodeos", a.Nodeos, b.Nodeos},
		{"consul", a.Consul, b.Consul},
		{"failover", a.Failover, b.Failover},
		{"alerts (thresholds)", alertThresholds(a.Alerts), alertThresholds(b.Alerts)},
		{"logging", a.Logging, b.Logging},
		{"finalizer", a.Finalizer, b.Finalizer},
		{"hooks", a.Hooks, b.Hooks},
		{"output \"http\"", a.HTTP, b.HTTP},
	} {
		if !same(s.a, s.b) {
			out = append(out, s.name)
		}
	}
	return out
}

// alertThresholds is the part of the alerts block the keeper reads at start.
func alertThresholds(a *AlertsConfig) any {
	if a == nil {
		return nil
	}
	return []any{a.MinPeers, a.APIFailures, a.MinProducers, a.HeadStall, a.LIBStall, a.ProducersWindow}
}
