package election

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/hashicorp/consul/api"
)

// watchWait is the blocking-query wait of the watches; Consul adds up to 1/16.
const watchWait = 5 * time.Minute

// watchKey follows one key with Consul blocking queries (default consistency) until ctx ends.
// It calls emit with the key's value (nil when absent) first and after every change, and with
// the error when a query fails; failed queries are retried with backoff. An index that goes
// backwards restarts from 0, as Consul's blocking-query docs say.
func (e *Election) watchKey(ctx context.Context, key string, emit func(pair *api.KVPair, index uint64, err error)) {
	bo := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(100*time.Millisecond),
		backoff.WithMaxInterval(5*time.Second),
		backoff.WithMaxElapsedTime(0),
	)
	var index uint64
	first, failed := true, false
	for ctx.Err() == nil {
		q := &api.QueryOptions{WaitIndex: index, WaitTime: watchWait}
		pair, meta, err := e.cfg.Client.KV().Get(key, q.WithContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failed = true
			emit(nil, index, err)
			timer := time.NewTimer(bo.NextBackOff())
			select {
			case <-ctx.Done():
			case <-timer.C:
			}
			timer.Stop()
			continue
		}
		bo.Reset()
		prev := index
		index = nextIndex(index, meta.LastIndex)
		if !first && !failed && index == prev {
			continue // the wait ended without a change
		}
		first, failed = false, false
		emit(pair, index, nil)
	}
}

// publishLatest replaces any unread value in ch with v. Only the watch goroutine sends, so
// after draining there is room.
func publishLatest[T any](ch chan T, v T) {
	select {
	case ch <- v:
		return
	default:
	}
	select {
	case <-ch:
	default:
	}
	ch <- v
}
