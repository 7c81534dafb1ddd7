package notify

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"
)

// Dispatcher turns alerts into messages for its channels. Notify may be called from any
// goroutine and never blocks; Run does the work. See the package documentation for the rules.
type Dispatcher struct {
	cfg     DispatcherConfig
	clock   Clock
	log     hclog.Logger
	in      chan Alert
	workers []*worker
	digest  []clockTime

	dropped atomic.Uint64 // alerts refused by Notify because the queue was full
	firing  atomic.Int64  // alerts currently firing, published by the loop
	ran     atomic.Bool

	// handed is what a previous dispatcher passed on (see HandOver); the loop starts from it.
	handed *handedOver
	// last is the loop's state once Run has returned, for HandOver.
	last atomic.Pointer[loop]
}

// NewDispatcher validates cfg, fills defaults and returns a dispatcher that queues alerts
// from now on and sends them once Run is called.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &Dispatcher{
		cfg:   cfg,
		clock: cfg.Clock,
		log:   cfg.Logger.Named("notify"),
		in:    make(chan Alert, cfg.QueueSize),
	}
	for _, cc := range cfg.Channels {
		d.workers = append(d.workers, newWorker(cc, d.clock, d.log))
	}
	if cfg.Digest != nil {
		d.digest, _ = parseDigestTimes(cfg.Digest.Times) // checked by withDefaults
	}
	return d, nil
}

// Notify queues an alert and returns at once. If the queue is full the alert is dropped and
// counted; the count is shown in Stats and sent as an alert of its own once the queue has
// drained. An empty Alert.Time is set to the time of the call.
func (d *Dispatcher) Notify(a Alert) {
	if a.Time.IsZero() {
		a.Time = d.clock.Now()
	}
	select {
	case d.in <- a:
	default:
		n := d.dropped.Add(1)
		if n == 1 || n%100 == 0 {
			d.log.Warn("alert queue full, alert dropped", "key", a.Key, "dropped_total", n)
		}
	}
}

// Run sends queued alerts, repeats and digests until ctx is cancelled. It starts one worker
// goroutine per channel and returns only after all of them have stopped; messages still queued
// for a channel at that point are discarded. Run returns nil when ctx is cancelled, and
// ErrRunning if it is called more than once.
func (d *Dispatcher) Run(ctx context.Context) error {
	if !d.ran.CompareAndSwap(false, true) {
		return ErrRunning
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, w := range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx)
		}()
	}
	defer func() {
		cancel()
		wg.Wait()
	}()
	d.log.Debug("dispatcher started", "channels", len(d.workers))
	l := newLoop(d)
	l.run(ctx)
	d.last.Store(l)
	return nil
}

// Stats is a snapshot of the dispatcher's counters.
type Stats struct {
	Queued   int            // alerts waiting for the loop
	Dropped  uint64         // alerts dropped by Notify since start
	Firing   int            // alerts currently firing
	Channels []ChannelStats // one per channel, in configuration order
}

// ChannelStats counts the deliveries of one channel.
type ChannelStats struct {
	Name    string
	Queued  int    // messages waiting for the channel
	Sent    uint64 // messages delivered
	Failed  uint64 // messages given up on (permanent error or retries exhausted)
	Retried uint64 // retry attempts after transient errors
	Dropped uint64 // messages dropped because the channel queue was full
}

// Stats returns the current counters. It is safe to call from any goroutine.
func (d *Dispatcher) Stats() Stats {
	s := Stats{
		Queued:  len(d.in),
		Dropped: d.dropped.Load(),
		Firing:  int(d.firing.Load()),
	}
	for _, w := range d.workers {
		s.Channels = append(s.Channels, w.stats())
	}
	return s
}
