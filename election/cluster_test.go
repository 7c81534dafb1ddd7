package election

import (
	"fmt"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/hashicorp/consul/api"
)

// clusterConfig is fastConfig: its LostAfter (1.4s) against a Consul leader
// election (about 1-2s with raft_multiplier 1) lets the holder either keep
// the lock or lose it, and the test accepts both as long as no rival wins
// first.
func clusterConfig(c *api.Client, producer, node string) Config {
	return fastConfig(c, producer, node)
}

// TestCluster runs the losses that need more than one agent: the holder's
// local client agent stopping (which leaves the cluster and invalidates the
// session at once) and the Consul leader being killed.
func TestCluster(t *testing.T) {
	t.Parallel()
	cluster := consultest.StartCluster(t, 3)
	agent := cluster.AddClient()

	t.Run("agent stop", func(t *testing.T) {
		var sinceFault, sinceRenewal durations
		for run := range 3 {
			if !agent.Running() {
				agent.Restart()
			}
			producer := fmt.Sprintf("agentstop-%d", run)
			holder := newElection(t, clusterConfig(agent.Client(), producer, "holder"))
			term := acquire(t, holder, Record{})
			lost := lostAt(term)
			waitRenewal(t, term, time.Now())

			fault := time.Now()
			agent.Stop()
			rivalCfg := clusterConfig(cluster.Servers[0].Client(), producer, "rival")
			rivalAt := startRival(t, newElection(t, rivalCfg), rivalCfg.LockDelay+5*time.Second)
			lostTime := waitLost(t, lost, 5*time.Second)
			if !isAny(term.Err(), ErrRenewTimeout, ErrNotHeld, ErrSessionInvalidated) {
				t.Fatalf("Lost reason = %v", term.Err())
			}
			if d := lostTime.Sub(term.LastRenewal()); d > holder.Config().LostAfter+slack {
				t.Fatalf("Lost closed %s after the last good renewal's send; bound %s", d, holder.Config().LostAfter)
			}
			got := <-rivalAt
			if got.IsZero() {
				t.Fatal("rival never acquired after the holder's agent left")
			}
			if !lostTime.Before(got) || !term.FenceBy().Before(got) {
				t.Fatalf("rival acquired at %v; Lost closed at %v, FenceBy %v: both must come first", got, lostTime, term.FenceBy())
			}
			sinceFault = append(sinceFault, lostTime.Sub(fault))
			sinceRenewal = append(sinceRenewal, lostTime.Sub(term.LastRenewal()))
			t.Logf("run %d: Lost (%v) %s after stop; rival acquired %s after Lost", run, term.Err(), lostTime.Sub(fault), got.Sub(lostTime))
		}
		t.Logf("detection latency of agent stop over %d runs: after the fault median %s max %s; after the last good renewal's send median %s max %s",
			len(sinceFault), sinceFault.median(), sinceFault.max(), sinceRenewal.median(), sinceRenewal.max())
	})

	t.Run("leader kill", func(t *testing.T) {
		followers := cluster.Followers()
		if len(followers) < 2 {
			t.Fatalf("want 2 followers, have %d", len(followers))
		}
		holder := newElection(t, clusterConfig(followers[0].Client(), "leaderkill", "holder"))
		rivalCfg := clusterConfig(followers[1].Client(), "leaderkill", "rival")
		term := acquire(t, holder, Record{})
		lost := lostAt(term)
		waitRenewal(t, term, time.Now())

		killed := cluster.KillLeader()
		fault := time.Now()
		// Long enough for an election plus a full session expiry and lock-delay:
		// a holder that silently lost its session would lose the key to the rival.
		window := 3*time.Second + 2*rivalCfg.SessionTTL + rivalCfg.LockDelay + 2*time.Second
		rivalAt := startRival(t, newElection(t, rivalCfg), window)
		got := <-rivalAt

		select {
		case lostTime := <-lost:
			t.Logf("holder saw Lost (%v) %s after the leader kill", term.Err(), lostTime.Sub(fault))
			if !got.IsZero() && !lostTime.Before(got) {
				t.Fatalf("rival acquired at %v, before the holder's Lost at %v", got, lostTime)
			}
		default:
			if !got.IsZero() {
				t.Fatalf("rival acquired %s after the leader kill while the holder's Lost is open", got.Sub(fault))
			}
			pair, _, err := followers[0].Client().KV().Get(holder.Key(), &api.QueryOptions{RequireConsistent: true})
			if err != nil || pair == nil || pair.Session != term.Session() {
				t.Fatalf("holder kept Lost open but the key is %+v, %v", pair, err)
			}
			t.Logf("holder kept the lock through the leader kill (%s killed, window %s)", killed.NodeName, window)
		}
	})
}
