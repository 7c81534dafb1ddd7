package nodeosfmt

import (
	"strings"
	"testing"
)

// The lines below are verbatim from docs/nodeos.md, Real lines (upstream issues and
// documentation), except the explicitly paused line, which that section lays out from the
// format because no real one was found. Each is rebuilt from a Version's format string with the
// values it shows, so a mistake in a format string or in the layout fails here.

func TestVerbatimLeapReceived(t *testing.T) {
	const want = "info  2022-10-11T15:53:27.917 nodeos    producer_plugin.cpp:502       on_incoming_block    ] Received block 9668c6a107d78117... #18 @ 2022-10-11T15:53:28.000 signed by eosio [trxs: 11, lib: 17, confirmed: 0, net: 8304, cpu: 5711, elapsed: 3853, time: 8394, latency: -82 ms]"
	v := Leap5
	v.Received.Src = Source{"producer_plugin.cpp", 502, "on_incoming_block"}
	got := string(v.AppendReceived(nil, mustTime(t, "2022-10-11T15:53:27.917"), Block{ID: "9668c6a107d78117", Num: 18,
		Time: mustTime(t, "2022-10-11T15:53:28.000"), Producer: "eosio", Trxs: 11, LIB: 17, Net: 8304, CPU: 5711,
		Elapsed: 3853, Took: 8394, Latency: -82}))
	check(t, got, want)
}

func TestVerbatimEOSIOReceived(t *testing.T) {
	const want = "info  2019-04-24T17:07:45.919 thread-0  producer_plugin.cpp:345       on_incoming_block    ] Received block f49749cc68f0536f... #54680350 @ 2019-04-24T17:07:45.500 signed by eosauthority [trxs: 26, lib: 54680018, conf: 0, latency: 419 ms]"
	b := AppendPrefix(nil, EOSIO2.Received.Level, mustTime(t, "2019-04-24T17:07:45.919"), "thread-0", Source{"producer_plugin.cpp", 345, "on_incoming_block"})
	b = Expand(b, EOSIO2.Received.Format, Block{ID: "f49749cc68f0536f", Num: 54680350, Time: mustTime(t, "2019-04-24T17:07:45.500"),
		Producer: "eosauthority", Trxs: 26, LIB: 54680018, Latency: 419})
	check(t, string(b), want)
}

func TestVerbatimEOSIOSwitchingForks(t *testing.T) {
	const want = "2018-09-26T16:23:42.038 thread-0   controller.cpp:1064           maybe_switch_forks   ] switching forks from 00034610b904b3a7a67520c6bf09a2186d69a374199f68c66ec2da5de8eaa68f (block number 214544) to 00034610d1bc50ddfa34731605211041079d17706f10be0ede8920a3495abcbb (block number 214544)"
	// EOSIO 1.x wrote no level column and a wider thread column: only the message is compared.
	b := Expand(nil, EOSIO2.SwitchForks.Format, Fork{
		From: ForkHead{ID: "00034610b904b3a7a67520c6bf09a2186d69a374199f68c66ec2da5de8eaa68f", Num: 214544},
		To:   ForkHead{ID: "00034610d1bc50ddfa34731605211041079d17706f10be0ede8920a3495abcbb", Num: 214544}})
	_, body, _ := strings.Cut(want, " ] ")
	check(t, string(b), body)
}

func TestVerbatimGenerationChange(t *testing.T) {
	const want = "info  2024-06-04T18:17:04.133 nodeos    block_header_state.cpp:185    finish_next          ] Finalizer policy generation change: 1 -> 2"
	check(t, Spring.GenerationChange.Line(mustTime(t, "2024-06-04T18:17:04.133"), GenerationChange{1, 2}), want)
}

func TestVerbatimSpringProducedBody(t *testing.T) {
	// The "Wire" fork's documentation shows Spring's message body under a prefix of its own.
	const want = "info  [timestamp] nodeop          controller.cpp:2375  log_applied          ] Produced block c9bb3eb9c65b6971... #4247 @ [timestamp] signed by sysio [trxs: 0, lib: 4245, net: 0, cpu: 100 us, elapsed: 90 us, producing time: 462358 us]"
	line := string(Spring.AppendProduced(nil, mustTime(t, "2024-10-01T00:00:00.000"), Block{ID: "c9bb3eb9c65b6971", Num: 4247,
		Time: mustTime(t, "2024-10-01T00:00:00.500"), Producer: "sysio", LIB: 4245, Savanna: true, CPU: 100, Elapsed: 90, Took: 462358}))
	_, body, _ := strings.Cut(line, " ] ")
	check(t, strings.Replace(body, "2024-10-01T00:00:00.500", "[timestamp]", 1), want[strings.Index(want, " ] ")+3:])
}

func TestLaidOutExplicitlyPaused(t *testing.T) {
	const want = "warn  2025-01-01T00:00:05.500 nodeos    producer_plugin.cpp:2110      determine_pending_bl ] Not producing block because production is explicitly paused, block 2025-01-01T00:00:06.000"
	check(t, Spring.NotProducingPaused.Line(mustTime(t, "2025-01-01T00:00:05.500"), NotProducing{Block: mustTime(t, "2025-01-01T00:00:06.000")}), want)
}

func check(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
