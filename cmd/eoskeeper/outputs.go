package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/influx"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

// outputSet is one generation of the reloadable outputs: the alert dispatcher and the
// InfluxDB writers.
type outputSet struct {
	disp   *notify.Dispatcher
	influx []*influx.Writer
}

// switchSink is the keeper's alert and status sink; it forwards to the current outputSet, so
// SIGHUP can swap outputs without touching the keeper. It never blocks.
type switchSink struct{ cur atomic.Pointer[outputSet] }

// Notify forwards an alert change to the dispatcher.
func (s *switchSink) Notify(a notify.Alert) {
	if set := s.cur.Load(); set != nil && set.disp != nil {
		set.disp.Notify(a)
	}
}

// Publish forwards the status snapshot to the InfluxDB writers.
func (s *switchSink) Publish(st keeper.Status) {
	set := s.cur.Load()
	if set == nil {
		return
	}
	for _, w := range set.influx {
		w.Publish(st)
	}
}

// outputs owns the goroutines of the current outputSet.
type outputs struct {
	cfg  *Config
	log  hclog.Logger
	sink *switchSink

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newOutputs(cfg *Config, log hclog.Logger, sink *switchSink) *outputs {
	return &outputs{cfg: cfg, log: log, sink: sink}
}

// start builds and runs the outputs of the configuration.
func (o *outputs) start(status func() keeper.Status) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.startLocked(o.cfg, status)
}

// reload replaces the running outputs by those of next.
func (o *outputs) reload(next *Config, status func() keeper.Status) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stopLocked()
	o.cfg = next
	o.startLocked(next, status)
}

// stop ends the outputs and waits for their goroutines.
func (o *outputs) stop() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stopLocked()
}

func (o *outputs) stopLocked() {
	if o.cancel != nil {
		o.cancel()
		o.wg.Wait()
		o.cancel = nil
	}
	o.sink.cur.Store(nil)
}

func (o *outputs) startLocked(cfg *Config, status func() keeper.Status) {
	ctx, cancel := context.WithCancel(context.Background())
	o.cancel = cancel
	set := &outputSet{}
	run := func(name string, f func(context.Context) error) {
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				o.log.Error("output stopped", "output", name, "error", err)
			}
		}()
	}
	dcfg, ok, err := cfg.DispatcherConfig(func() string { return digestText(status()) }, o.log.Named("notify"))
	switch {
	case err != nil:
		o.log.Error("notify channels not started", "error", err)
	case ok:
		d, err := notify.NewDispatcher(dcfg)
		if err != nil {
			o.log.Error("notify channels not started", "error", err)
			break
		}
		set.disp = d
		run("notify", d.Run)
	}
	for _, icfg := range cfg.InfluxConfigs(o.log.Named("influxdb")) {
		w, err := influx.New(icfg)
		if err != nil {
			o.log.Error("influxdb output not started", "error", err)
			continue
		}
		set.influx = append(set.influx, w)
		run("influxdb", w.Run)
	}
	o.sink.cur.Store(set)
}

// digestText is the scheduled status digest's body.
func digestText(s keeper.Status) string {
	return fmt.Sprintf("%s %s (%s): state %s, head %d, LIB %d, peers %d, paused %t, lock holder %q, missed turns %d, failovers %d",
		s.Node, s.Role, s.Producer, s.State, s.Head, s.LIB, s.Peers, s.Paused, s.LockHolder, s.MissedTurns, s.Failovers)
}

// nodeStatusKey is where an agent publishes its status for `eoskeeper status`.
func nodeStatusKey(cfg *Config) string {
	return statusPrefix(cfg) + cfg.Node.Name
}

func statusPrefix(cfg *Config) string {
	return cfg.Consul.KeyPrefix + "/" + cfg.Producer + "/nodes/"
}

// statusPublishInterval is how often an agent writes its status to Consul.
const statusPublishInterval = 5 * time.Second

// publishStatus writes the agent's status snapshot, stamped with its version and commit, to
// Consul every statusPublishInterval,
// and compares this node's finalizer key with the other agents' (shared may be nil), until
// ctx ends. Failures are logged once per streak: Consul trouble is not a node failure.
func publishStatus(ctx context.Context, kv *api.KV, key string, status func() keeper.Status, shared *sharedKeyCheck, log hclog.Logger) error {
	t := time.NewTicker(statusPublishInterval)
	defer t.Stop()
	failing := false
	build := currentBuild()
	for {
		st := status()
		b, err := json.Marshal(build.Stamp(st))
		if err == nil {
			wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err = kv.Put(&api.KVPair{Key: key, Value: b}, (&api.WriteOptions{}).WithContext(wctx))
			if err == nil && shared != nil {
				err = shared.check(wctx, st)
			}
			cancel()
		}
		switch {
		case err != nil && !failing && ctx.Err() == nil:
			log.Warn("cannot publish status to Consul", "key", key, "error", err)
			failing = true
		case err == nil && failing:
			log.Info("publishing status to Consul again", "key", key)
			failing = false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
