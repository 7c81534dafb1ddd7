package notify

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/hashicorp/go-hclog"
)

// worker owns the delivery to one channel: its queue, rate limit and retries. A slow or
// failing channel only delays its own queue.
type worker struct {
	ch      Channel
	name    string
	route   Route
	queue   chan Message
	bucket  *tokenBucket
	retry   Retry
	timeout time.Duration
	clock   Clock
	log     hclog.Logger

	sent, failed, retried, dropped atomic.Uint64
}

func newWorker(cc ChannelConfig, clock Clock, log hclog.Logger) *worker {
	name := cc.Channel.Name()
	return &worker{
		ch:      cc.Channel,
		name:    name,
		route:   cc.Route,
		queue:   make(chan Message, cc.QueueSize),
		bucket:  newTokenBucket(cc.RateLimit),
		retry:   cc.Retry,
		timeout: cc.SendTimeout,
		clock:   clock,
		log:     log.With("channel", name),
	}
}

// enqueue hands m to the worker without blocking; it reports false if the queue was full.
func (w *worker) enqueue(m Message) bool {
	select {
	case w.queue <- m:
		return true
	default:
		n := w.dropped.Add(1)
		w.log.Warn("channel queue full, message dropped", "key", m.Alert.Key, "kind", m.Kind, "dropped_total", n)
		return false
	}
}

func (w *worker) stats() ChannelStats {
	return ChannelStats{
		Name:    w.name,
		Queued:  len(w.queue),
		Sent:    w.sent.Load(),
		Failed:  w.failed.Load(),
		Retried: w.retried.Load(),
		Dropped: w.dropped.Load(),
	}
}

// run delivers queued messages one at a time until ctx is cancelled.
func (w *worker) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-w.queue:
			w.deliver(ctx, m)
		}
	}
}

// deliver sends m, waiting for a rate-limit token before every attempt and backing off
// between attempts that failed transiently.
func (w *worker) deliver(ctx context.Context, m Message) {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = w.retry.Initial
	b.MaxInterval = w.retry.Max
	b.MaxElapsedTime = w.retry.MaxElapsed
	b.Clock = w.clock
	b.Reset()

	for attempt := 1; ; attempt++ {
		for {
			wait := w.bucket.take(w.clock.Now())
			if wait == 0 {
				break
			}
			w.log.Debug("rate limited, waiting", "key", m.Alert.Key, "wait", wait)
			if !w.sleep(ctx, wait) {
				return
			}
		}
		sctx, cancel := context.WithTimeout(ctx, w.timeout)
		err := w.ch.Send(sctx, m)
		cancel()
		if err == nil {
			w.sent.Add(1)
			w.log.Debug("message sent", "key", m.Alert.Key, "kind", m.Kind, "attempt", attempt)
			return
		}
		if ctx.Err() != nil {
			return
		}
		if IsPermanent(err) {
			w.failed.Add(1)
			w.log.Error("message not delivered, permanent error", "key", m.Alert.Key, "error", err)
			return
		}
		delay := b.NextBackOff()
		if delay == backoff.Stop || attempt >= w.retry.MaxAttempts {
			w.failed.Add(1)
			w.log.Error("message not delivered, retries exhausted", "key", m.Alert.Key, "attempts", attempt, "error", err)
			return
		}
		if ra := retryAfter(err); ra > delay {
			delay = ra
		}
		w.retried.Add(1)
		w.log.Warn("send failed, retrying", "key", m.Alert.Key, "attempt", attempt, "backoff", delay, "error", err)
		if !w.sleep(ctx, delay) {
			return
		}
	}
}

// sleep waits d on the worker's clock; it reports false if ctx ended first.
func (w *worker) sleep(ctx context.Context, d time.Duration) bool {
	t := w.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}
