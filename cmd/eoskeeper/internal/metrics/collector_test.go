package metrics

import (
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func TestCollectorLeader(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := keeper.Status{
		Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Leader, Transitions: 4,
		Reachable: true, APIErrors: 7, Head: 123456, LIB: 123120, Peers: 17, PeersKnown: true,
		Paused: false, PausedKnown: true, Producing: true, LastProducedAt: now.Add(-2500 * time.Millisecond),
		MissedTurns: 0, Healthy: true, LockHeld: true, Failovers: 2, Firing: []string{"x", "y"},
	}
	const want = `
# HELP eoskeeper_alerts_firing Alerts currently firing.
# TYPE eoskeeper_alerts_firing gauge
eoskeeper_alerts_firing 2
# HELP eoskeeper_build_info Always 1; the labels name the agent's version, source revision and Go version.
# TYPE eoskeeper_build_info gauge
eoskeeper_build_info{commit="0123456789ab",goversion="go1.26.8",version="v1.2.3"} 1
# HELP eoskeeper_failovers_total Times this agent took over production.
# TYPE eoskeeper_failovers_total counter
eoskeeper_failovers_total 2
# HELP eoskeeper_head_block Head block number seen by the local nodeos.
# TYPE eoskeeper_head_block gauge
eoskeeper_head_block 123456
# HELP eoskeeper_healthy 1 when the local nodeos passes every health check the admission rule uses.
# TYPE eoskeeper_healthy gauge
eoskeeper_healthy 1
# HELP eoskeeper_last_produced_age_seconds Seconds since this node last produced a block; absent when it never has.
# TYPE eoskeeper_last_produced_age_seconds gauge
eoskeeper_last_produced_age_seconds 2.5
# HELP eoskeeper_lib_block Last irreversible block number seen by the local nodeos.
# TYPE eoskeeper_lib_block gauge
eoskeeper_lib_block 123120
# HELP eoskeeper_lock_held 1 when this agent holds the producer's Consul lock.
# TYPE eoskeeper_lock_held gauge
eoskeeper_lock_held 1
# HELP eoskeeper_maintenance 1 when maintenance mode is on.
# TYPE eoskeeper_maintenance gauge
eoskeeper_maintenance 0
# HELP eoskeeper_missed_turns Our producer's most recent consecutive turns without a block.
# TYPE eoskeeper_missed_turns gauge
eoskeeper_missed_turns 0
# HELP eoskeeper_nodeos_api_errors_total Failed nodeos API calls.
# TYPE eoskeeper_nodeos_api_errors_total counter
eoskeeper_nodeos_api_errors_total 7
# HELP eoskeeper_paused 1 when the local nodeos is paused (production disabled), 0 when not.
# TYPE eoskeeper_paused gauge
eoskeeper_paused 0
# HELP eoskeeper_peers Connected p2p peers of the local nodeos.
# TYPE eoskeeper_peers gauge
eoskeeper_peers 17
# HELP eoskeeper_producing 1 when this node produced our producer's blocks in its most recent turn.
# TYPE eoskeeper_producing gauge
eoskeeper_producing 1
# HELP eoskeeper_role The node's role (A, B, C produce; F is watched only); the value is always 1.
# TYPE eoskeeper_role gauge
eoskeeper_role{role="A"} 1
# HELP eoskeeper_state 1 for the keeper's current state, 0 for the others.
# TYPE eoskeeper_state gauge
eoskeeper_state{state="candidate"} 0
eoskeeper_state{state="fencing"} 0
eoskeeper_state{state="leader"} 1
eoskeeper_state{state="maintenance"} 0
eoskeeper_state{state="standby"} 0
eoskeeper_state{state="starting"} 0
eoskeeper_state{state="stopped"} 0
eoskeeper_state{state="watching"} 0
# HELP eoskeeper_state_transitions_total State transitions of the keeper.
# TYPE eoskeeper_state_transitions_total counter
eoskeeper_state_transitions_total 4
# HELP eoskeeper_up 1 when the last observation of nodeos succeeded, 0 otherwise.
# TYPE eoskeeper_up gauge
eoskeeper_up 1
`
	c := NewCollector(func() keeper.Status { return s }, Build{Version: "v1.2.3", Commit: "0123456789ab", GoVersion: "go1.26.8"})
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// TestCollectorUnknowns: values that were never observed are absent, not reported as 0.
func TestCollectorUnknowns(t *testing.T) {
	s := keeper.Status{Node: "bp-b", Role: keeper.RoleB, State: keeper.Starting}
	const want = `
# HELP eoskeeper_up 1 when the last observation of nodeos succeeded, 0 otherwise.
# TYPE eoskeeper_up gauge
eoskeeper_up 0
`
	c := NewCollector(func() keeper.Status { return s }, Build{})
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "eoskeeper_up", "eoskeeper_peers", "eoskeeper_paused", "eoskeeper_last_produced_age_seconds"); err != nil {
		t.Error(err)
	}
}

// TestCollectorLastTakeover: the newest takeover's path and origin are labels of one series,
// which replaces the previous one when the node takes over again.
func TestCollectorLastTakeover(t *testing.T) {
	var last atomic.Pointer[keeper.Takeover]
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(NewCollector(func() keeper.Status { return keeper.Status{LastTakeover: last.Load()} }, Build{})); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "eoskeeper_last_takeover_info"); err != nil || n != 0 {
		t.Errorf("before any takeover: %d series (%v), want none", n, err)
	}
	const head = "# HELP eoskeeper_last_takeover_info Always 1; the labels name the path of this node's newest takeover of the lock " +
		"(handoff, evidence, switchover, last-producer) and the node it took it from; absent before its first takeover.\n" +
		"# TYPE eoskeeper_last_takeover_info gauge\n"
	for _, tk := range []keeper.Takeover{
		{From: "bp-a", Path: keeper.PathHandoff, Why: "hand-off to bp-b at block 10", Reason: "nodeos unhealthy"},
		{From: "bp-c", Path: keeper.PathEvidence, Why: "our producer missed 2 turns"},
	} {
		last.Store(&tk)
		want := head + `eoskeeper_last_takeover_info{from="` + tk.From + `",path="` + tk.Path + "\"} 1\n"
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "eoskeeper_last_takeover_info"); err != nil {
			t.Errorf("%s from %s: %v", tk.Path, tk.From, err)
		}
	}
}

// TestCollectorReadsAtScrapeTime: each scrape sees the status as it is then.
func TestCollectorReadsAtScrapeTime(t *testing.T) {
	var head atomic.Uint32
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(NewCollector(func() keeper.Status { return keeper.Status{Head: head.Load(), State: keeper.Standby} }, Build{})); err != nil {
		t.Fatal(err)
	}
	for _, h := range []uint32{10, 11, 500} {
		head.Store(h)
		want := "# HELP eoskeeper_head_block Head block number seen by the local nodeos.\n# TYPE eoskeeper_head_block gauge\neoskeeper_head_block " +
			strconv.FormatUint(uint64(h), 10) + "\n"
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "eoskeeper_head_block"); err != nil {
			t.Errorf("head %d: %v", h, err)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "eoskeeper_state"); err != nil || n != len(states) {
		t.Errorf("state series = %d (%v), want %d", n, err, len(states))
	}
}
