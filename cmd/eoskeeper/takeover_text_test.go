package main

import (
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func TestTakeoverText(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   *keeper.Takeover
		want string
	}{
		{nil, ""},
		{&keeper.Takeover{From: "bp-a", Path: keeper.PathHandoff, Why: "hand-off to bp-b at block 1288", Reason: "nodeos unhealthy",
			At: now.Add(-90 * time.Second)},
			"last takeover: handoff from bp-a, 1m30s ago: hand-off to bp-b at block 1288 (resign reason: nodeos unhealthy)"},
		{&keeper.Takeover{From: "bp-a", Path: keeper.PathEvidence, Why: "our producer missed 2 turns (role B waits for 2)", At: now.Add(-2 * time.Second)},
			"last takeover: evidence from bp-a, 2s ago: our producer missed 2 turns (role B waits for 2)"},
		{&keeper.Takeover{Path: keeper.PathLastProducer, Why: "last producer", At: now},
			"last takeover: last-producer from a free lock, 0s ago: last producer"},
	} {
		if got := takeoverText(tc.in, now); got != tc.want {
			t.Errorf("takeoverText(%+v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
