package nodeosfmt

import (
	"testing"
	"time"
)

// TestHandLaidLines rebuilds whole lines laid out by hand from docs/nodeos.md (Line prefix and
// the message formats of Log lines) for the messages of which no real line was found.
func TestHandLaidLines(t *testing.T) {
	const (
		idC = "000003f62fbbe04c23ddbc7d34b8e0f1873bb9f744c8cfa55cd7c6d3a481ea3f"
		idD = "000003f65b0461a08a808cd4dac99daa709e34d55c7d0a1b90969b316be42332"
	)
	at := func(s string) time.Time { return mustTime(t, s) }
	head := func(id string) ForkHead {
		return ForkHead{ID: id, Num: 1014, Producer: "eosstorebest", Time: at("2025-01-01T00:00:06.500"), QC: at("2025-01-01T00:00:05.500")}
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"spring produced",
			string(Spring.AppendProduced(nil, at("2025-01-01T00:00:05.962"), Block{ID: "9334c773415b2c03", Num: 1013, Time: at("2025-01-01T00:00:06.000"),
				Producer: "eosstorebest", LIB: 1011, Savanna: true, CPU: 100, Elapsed: 93, Took: 462313})),
			"info  2025-01-01T00:00:05.962 nodeos    controller.cpp:3608           log_applied          ] Produced block 9334c773415b2c03... #1013 @ 2025-01-01T00:00:06.000 signed by eosstorebest [trxs: 0, lib: 1011, net: 0, cpu: 100 us, elapsed: 93 us, producing time: 462313 us]"},
		{"spring switching forks",
			Spring.SwitchForks.Line(at("2025-01-01T00:00:06.527"), Fork{From: head(idC), To: head(idD), Savanna: true}),
			"info  2025-01-01T00:00:06.527 nodeos    controller.cpp:4507           maybe_apply_blocks   ] switching forks from " + idC + " (block number 1014 eosstorebest) [ latest_qc_block_timestamp: 2025-01-01T00:00:05.500, timestamp: 2025-01-01T00:00:06.500, id: " + idC + " ] to " + idD + " (block number 1014 eosstorebest) [ latest_qc_block_timestamp: 2025-01-01T00:00:05.500, timestamp: 2025-01-01T00:00:06.500, id: " + idD + " ]"},
		{"spring switching forks, legacy comparison",
			Spring.SwitchForks.Line(at("2025-01-01T00:00:06.527"), Fork{From: ForkHead{ID: idC, Num: 1014, Producer: "a", Time: at("2025-01-01T00:00:06.500"), LIB: 994},
				To: ForkHead{ID: idD, Num: 1015, Producer: "b", Time: at("2025-01-01T00:00:07.000"), LIB: 994}}),
			"info  2025-01-01T00:00:06.527 nodeos    controller.cpp:4507           maybe_apply_blocks   ] switching forks from " + idC + " (block number 1014 a) [ irreversible_blocknum: 994, block_num: 1014, timestamp: 2025-01-01T00:00:06.500, id: " + idC + " ] to " + idD + " (block number 1015 b) [ irreversible_blocknum: 994, block_num: 1015, timestamp: 2025-01-01T00:00:07.000, id: " + idD + " ]"},
		{"spring double produced",
			Spring.DoubleProduced.Line(at("2025-01-01T00:00:06.527"), DoubleProduced{"eosstorebest", 1014}),
			"warn  2025-01-01T00:00:06.527 nodeos    controller.cpp:4510           maybe_apply_blocks   ] eosstorebest double produced block 1014"},
		{"producer paused",
			Spring.Paused.Line(at("2025-01-01T00:00:36.050"), nil),
			"info  2025-01-01T00:00:36.050 nodeos    producer_plugin.cpp:1680      pause                ] Producer paused."},
		{"producer resumed",
			Leap5.Resumed.Line(at("2024-12-31T23:59:59.550"), nil),
			"info  2024-12-31T23:59:59.550 nodeos    producer_plugin.cpp:1690      resume               ] Producer resumed."},
		{"leap 5 explicitly paused",
			Leap5.NotProducingPaused.Line(at("2025-01-01T00:00:41.550"), NotProducing{Block: at("2025-01-01T00:00:42.000")}),
			"error 2025-01-01T00:00:41.550 nodeos    producer_plugin.cpp:1935      start_block          ] Not producing block because production is explicitly paused"},
		{"spring no recent votes",
			Spring.NoRecentVotes.Line(at("2025-01-01T00:00:23.550"), NotProducing{at("2025-01-01T00:00:24.000"), at("2025-01-01T00:00:07.000"), at("2025-01-01T00:00:07.500")}),
			"error 2025-01-01T00:00:23.550 nodeos    producer_plugin.cpp:2140      determine_pending_bl ] Not producing block because no recent votes received from configured producer, block 2025-01-01T00:00:24.000, last producer vote 2025-01-01T00:00:07.000, conflict block 2025-01-01T00:00:07.500"},
		{"launching",
			EOSIO2.Launching.Line(at("2024-12-31T23:59:59.550"), Launching{1, at("2024-12-31T23:59:59.550")}),
			"info  2024-12-31T23:59:59.550 nodeos    producer_plugin.cpp:1500      plugin_startup       ] Launching block production for 1 producers at 2024-12-31T23:59:59.550."},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, tc.got, tc.want)
		}
	}
}
