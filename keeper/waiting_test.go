package keeper_test

import (
	"testing"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
)

// TestStatusWaiting: a standby publishes what the admission rule waits for now (the lock
// held by the leader; with the lock free, its missed turns); the holder and a full node
// publish nothing there.
func TestStatusWaiting(t *testing.T) {
	lock := keepertest.NewLock()
	c := steadyCluster(t, lock)
	c.waitTurns(1)
	c.waitFor("B waiting for the lock", 4, func() bool {
		return c.agents["b"].k.Status().Waiting == "lock held by a"
	})
	for _, n := range []string{"a", "f"} {
		if s := c.agents[n].k.Status(); s.Waiting != "" {
			t.Errorf("%s (%s) waiting %q, want nothing", n, s.State, s.Waiting)
		}
	}
	// A's agent dies and its session expires while its nodeos keeps producing: the lock is
	// free, and the standbys wait for missed turns that do not come.
	c.agents["a"].crash()
	lock.Revoke()
	c.waitFor("B and C waiting for missed turns", 4, func() bool {
		return c.agents["b"].k.Status().Waiting == "our producer missed 0 of the 2 turns role B waits for" &&
			c.agents["c"].k.Status().Waiting == "our producer missed 0 of the 6 turns role C waits for"
	})
	if s := c.agents["b"].k.Status(); s.State != keeper.Standby {
		t.Errorf("b is %s", s.State)
	}
}
