// Package keepertest provides an in-memory keeper.Lock for tests of programs built on the
// keeper, in the manner of raft's InmemTransport: no Consul is needed, and the test controls
// what a Consul cluster would otherwise decide (a session that expires, an agent that can no
// longer reach the lock, the operator's maintenance flag and switchover request).
//
//	lock := keepertest.NewLock()
//	k, err := keeper.New(cfg, keeper.Deps{Node: node, Lock: lock})
//	// ... run k, then end its tenure as an expired session would:
//	lock.Revoke()
//	if got := lock.Acquisitions(); !slices.Equal(got, []string{"a", "b"}) {
//		t.Fatalf("acquisitions = %v", got)
//	}
//
// The lock has the semantics the keeper relies on: one holder at a time, a value that outlives
// its holder (watermark and hand-off record included), a watch that delivers every change (the
// latest view replacing one not yet received), and terms whose Lost channel closes when their
// tenure ends without their own Release.
package keepertest
