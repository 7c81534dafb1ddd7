package influx

import (
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func benchStatus() keeper.Status {
	now := time.Unix(1700000000, 0)
	return keeper.Status{Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Leader, Reachable: true,
		Head: 123456789, LIB: 123456450, Peers: 25, PausedKnown: true, Producing: true, LastProducedAt: now.Add(-3 * time.Second)}
}

// BenchmarkStatusLine measures converting one status to a line of line protocol.
func BenchmarkStatusLine(b *testing.B) {
	s := benchStatus()
	b.ReportAllocs()
	for b.Loop() {
		_ = StatusPoint(s).Line()
	}
}

// BenchmarkPublish measures the caller's cost of Publish into a writer that is not running
// (the buffer fills and then drops the oldest points).
func BenchmarkPublish(b *testing.B) {
	w, err := New(Config{URL: "http://127.0.0.1:1", Database: "eos", Buffer: 1000, Batch: 100})
	if err != nil {
		b.Fatal(err)
	}
	s := benchStatus()
	b.ReportAllocs()
	for b.Loop() {
		w.Publish(s)
	}
}
