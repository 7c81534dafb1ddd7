package election

import (
	"context"
	"fmt"

	"github.com/hashicorp/consul/api"
)

// LeaderState is one observation of the lock key sent by Watch.
type LeaderState struct {
	// Record is the key's record; zero when the key does not exist.
	Record Record
	// Exists reports whether the key exists.
	Exists bool
	// Held reports whether a session holds the lock.
	Held bool
	// Session is the holding session, empty when free.
	Session string
	// Index is the Consul index of the observation.
	Index uint64
	// Err is set when the last query failed (Record, Exists and Held then
	// repeat the last good observation) or the value is not a record.
	Err error
}

// Watch observes the lock key with Consul blocking queries (default
// consistency: fine for standbys, never used to prove holding) and sends
// each change on the returned channel, starting with the current state. The
// channel has a buffer of one and keeps only the latest state, so a slow
// reader never blocks the watch and always sees the newest one. Failed
// queries are sent with Err set and retried with backoff. The channel closes
// after ctx ends.
func (e *Election) Watch(ctx context.Context) <-chan LeaderState {
	ch := make(chan LeaderState, 1)
	go e.watch(ctx, ch)
	return ch
}

func (e *Election) watch(ctx context.Context, ch chan LeaderState) {
	defer close(ch)
	var last LeaderState
	e.watchKey(ctx, e.key, func(pair *api.KVPair, index uint64, err error) {
		if err != nil {
			last.Err = fmt.Errorf("election: watch %s: %w", e.key, err)
		} else {
			last = stateOf(e.key, pair, index)
		}
		publishLatest(ch, last)
	})
}

// stateOf turns a read of the lock key into a LeaderState.
func stateOf(key string, pair *api.KVPair, index uint64) LeaderState {
	s := LeaderState{Index: index}
	if pair == nil {
		return s
	}
	s.Exists, s.Held, s.Session = true, pair.Session != "", pair.Session
	rec, err := decodeRecord(pair.Value)
	if err != nil {
		s.Err = fmt.Errorf("election: watch %s: %w", key, err)
		return s
	}
	s.Record = rec
	return s
}
