package main

import (
	"context"
	"encoding/json"
	"errors"
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
	log  hclog.Logger
	sink *switchSink

	mu  sync.Mutex
	cfg *Config
	gen *generation // the running outputs; nil before start and after stop
}

// generation is one started outputSet with its goroutines.
type generation struct {
	set    *outputSet
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newOutputs(cfg *Config, log hclog.Logger, sink *switchSink) *outputs {
	return &outputs{cfg: cfg, log: log, sink: sink}
}

// start builds and runs the outputs of the configuration. An output that cannot be built is
// logged and left out: the agent runs without it rather than not at all.
func (o *outputs) start(status func() keeper.Status) {
	o.mu.Lock()
	defer o.mu.Unlock()
	set, errs := buildOutputs(o.cfg, status, o.log)
	for _, err := range errs {
		o.log.Error("output not started", "error", err)
	}
	o.run(set)
}

// reload replaces the running outputs by those of next, all or nothing: when any of next's
// outputs cannot be built the running ones stay and the error is returned. Otherwise the new
// outputs take over the alerts firing and queued in the old dispatcher (see
// notify.Dispatcher.HandOver), and the old InfluxDB writers send what they buffered before
// they stop.
func (o *outputs) reload(next *Config, status func() keeper.Status) error {
	set, errs := buildOutputs(next, status, o.log)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	// New alerts queue in the new dispatcher from here on; it runs once the old one handed
	// over, so it handles the old one's leftovers first.
	o.sink.cur.Store(set)
	old := o.gen
	o.gen = nil
	if old != nil {
		old.stop()
		if old.set.disp != nil && set.disp != nil {
			if err := old.set.disp.HandOver(set.disp); err != nil {
				o.log.Error("firing alerts not carried over to the reloaded channels", "error", err)
			}
		}
	}
	o.cfg = next
	o.run(set)
	return nil
}

// stop ends the outputs and waits for their goroutines.
func (o *outputs) stop() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sink.cur.Store(nil)
	if o.gen != nil {
		o.gen.stop()
		o.gen = nil
	}
}

// run starts set's goroutines as the current generation; o.mu is held.
func (o *outputs) run(set *outputSet) {
	ctx, cancel := context.WithCancel(context.Background())
	g := &generation{set: set, cancel: cancel}
	start := func(name string, f func(context.Context) error) {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				o.log.Error("output stopped", "output", name, "error", err)
			}
		}()
	}
	if set.disp != nil {
		start("notify", set.disp.Run)
	}
	for _, w := range set.influx {
		start("influxdb", w.Run)
	}
	o.gen = g
	o.sink.cur.Store(set)
}

// stop cancels the generation and waits for its goroutines.
func (g *generation) stop() {
	g.cancel()
	g.wg.Wait()
}

// buildOutputs constructs the notify dispatcher and the InfluxDB writers of cfg without
// starting them. It returns what it could build and an error per output it could not.
func buildOutputs(cfg *Config, status func() keeper.Status, log hclog.Logger) (*outputSet, []error) {
	set := &outputSet{}
	var errs []error
	dcfg, ok, err := cfg.DispatcherConfig(func() string { return digestText(status()) }, log.Named("notify"))
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("notify channels: %w", err))
	case ok:
		d, err := notify.NewDispatcher(dcfg)
		if err != nil {
			errs = append(errs, fmt.Errorf("notify channels: %w", err))
			break
		}
		set.disp = d
	}
	for _, icfg := range cfg.InfluxConfigs(log.Named("influxdb")) {
		w, err := influx.New(icfg)
		if err != nil {
			errs = append(errs, fmt.Errorf("influxdb output: %w", err))
			continue
		}
		set.influx = append(set.influx, w)
	}
	return set, errs
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
