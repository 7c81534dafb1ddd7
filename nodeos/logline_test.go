package nodeos

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

func mustTime(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000", s)
	if err != nil {
		panic(err)
	}
	return t
}

// pre is the expected line prefix of a test case.
type pre struct {
	level  Level
	ts     string
	thread string
	file   string
	line   int
	method string
}

func (p pre) event(kind EventKind) Event {
	return Event{Kind: kind, Level: p.level, LogTime: mustTime(p.ts), Thread: p.thread, File: p.file,
		Line: p.line, Method: p.method, Confirmed: NoConfirmed}
}

// block sets the fields of a Produced/Received event.
func block(e Event, id string, num uint32, at, producer string, trxs int, lib uint32, confirmed int, latencyMs int) Event {
	e.BlockID, e.BlockNum, e.BlockTime, e.BlockSlot = id, num, mustTime(at), SlotOf(mustTime(at))
	e.Producer, e.Trxs, e.LIB, e.Confirmed = producer, trxs, lib, confirmed
	e.Latency = time.Duration(latencyMs) * time.Millisecond
	return e
}

func notProducing(e Event, reason NotProducingReason, at string) Event {
	e.Reason = reason
	if at != "" {
		e.BlockTime, e.BlockSlot = mustTime(at), SlotOf(mustTime(at))
	}
	return e
}

var (
	spring   = pre{LevelInfo, "2025-01-01T00:00:05.963", "nodeos", "controller.cpp", 3617, "log_applied"}
	spring10 = pre{LevelInfo, "2025-01-01T00:00:05.963", "nodeos", "controller.cpp", 3473, "commit_block"}
	leapProd = pre{LevelInfo, "2023-05-01T10:00:00.100", "nodeos", "producer_plugin.cpp", 2532, "produce_block"}
	leapRecv = pre{LevelInfo, "2023-05-01T10:00:00.100", "nodeos", "producer_plugin.cpp", 502, "on_incoming_block"}
	notProd  = pre{LevelWarn, "2025-01-01T00:00:05.500", "nodeos", "producer_plugin.cpp", 2110, "determine_pending_bl"}
	notProdE = pre{LevelError, "2025-01-01T00:00:05.500", "nodeos", "producer_plugin.cpp", 2150, "determine_pending_bl"}
	forks    = pre{LevelInfo, "2025-02-10T08:00:00.250", "nodeos", "controller.cpp", 4507, "maybe_apply_blocks"}
	pauses   = pre{LevelInfo, "2025-01-01T00:00:01.000", "http-0", "producer_plugin.cpp", 1406, "pause"}
)

// with lays out msg under p's prefix in the console appender layout.
func (p pre) with(msg string) string {
	return nodeosfmt.Line(p.level.String(), mustTime(p.ts), p.thread, nodeosfmt.Source{File: p.file, Line: p.line, Method: p.method}, msg)
}

const (
	idA = "00001388ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785"
	idB = "000013883e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeae"
	idC = "000003f62fbbe04c23ddbc7d34b8e0f1873bb9f744c8cfa55cd7c6d3a481ea3f"
	idD = "000003f65b0461a08a808cd4dac99daa709e34d55c7d0a1b90969b316be42332"
)

type lineCase struct {
	name string
	line string
	want Event
}

func lineCases() []lineCase {
	wire := pre{LevelInfo, "2024-10-01T00:00:00.000", "nodeop", "controller.cpp", 2375, "log_applied"}
	eosio1 := pre{LevelNone, "2018-07-30T03:29:01.004", "thread-1", "producer_plugin.cpp", 1194, "produce_block"}
	fork18 := pre{LevelNone, "2018-09-26T16:23:42.038", "thread-0", "controller.cpp", 1064, "maybe_switch_forks"}
	withForks := func(e Event, from, to ForkHead) Event {
		e.ForkFrom, e.ForkTo, e.BlockNum, e.Producer = from, to, to.Num, to.Producer
		return e
	}
	withProducer := func(e Event, p string, n uint32) Event { e.Producer, e.BlockNum = p, n; return e }
	savannaCmp := func(id string) string {
		return "[ latest_qc_block_timestamp: 2025-02-10T07:59:59.000, timestamp: 2025-02-10T08:00:00.000, id: " + id + " ]"
	}
	legacyCmp := func(id string) string {
		return "[ irreversible_blocknum: 4990, block_num: 5000, timestamp: 2025-02-10T08:00:00.000, id: " + id + " ]"
	}
	return []lineCase{
		// docs/nodeos.md §2.8, verbatim.
		{"verbatim spring 1.0 received",
			"info  2024-09-13T12:17:47.061 nodeos    controller.cpp:3637           log_applied          ] Received block 0079decc2f636cfd... #143 @ 2024-09-13T12:17:47.500 signed by eosio [trxs: 0, lib: 141, net: 0, cpu: 100, elapsed: 118, time: 724, latency: -438 ms]",
			block(pre{LevelInfo, "2024-09-13T12:17:47.061", "nodeos", "controller.cpp", 3637, "log_applied"}.event(EventReceived),
				"0079decc2f636cfd", 143, "2024-09-13T12:17:47.500", "eosio", 0, 141, NoConfirmed, -438)},
		{"verbatim spring 1.0 produced",
			"info  2024-09-13T12:17:47.965 nodeos    controller.cpp:3473           commit_block         ] Produced block aa2c53635b62bb64... #144 @ 2024-09-13T12:17:48.000 signed by defproducera [trxs: 0, lib: 142, confirmed: 0, net: 0, cpu: 100, elapsed: 676, time: 3713]",
			block(pre{LevelInfo, "2024-09-13T12:17:47.965", "nodeos", "controller.cpp", 3473, "commit_block"}.event(EventProduced),
				"aa2c53635b62bb64", 144, "2024-09-13T12:17:48.000", "defproducera", 0, 142, 0, 0)},
		{"verbatim mainnet received",
			"info  2024-09-27T03:44:56.027 nodeos    controller.cpp:3637           log_applied          ] Received block 8b667a463df4659c... #396368586 @ 2024-09-27T03:44:56.000 signed by eosflytomars [trxs: 11, lib: 396368584, net: 87944, cpu: 39114, elapsed: 66392, time: 136260, latency: 26 ms]",
			block(pre{LevelInfo, "2024-09-27T03:44:56.027", "nodeos", "controller.cpp", 3637, "log_applied"}.event(EventReceived),
				"8b667a463df4659c", 396368586, "2024-09-27T03:44:56.000", "eosflytomars", 11, 396368584, NoConfirmed, 26)},
		{"verbatim wire produced, placeholders filled",
			strings.Replace(strings.Replace(wireProduced, "[timestamp]", "2024-10-01T00:00:00.000", 1), "[timestamp]", "2024-10-01T00:00:00.500", 1),
			block(wire.event(EventProduced), "c9bb3eb9c65b6971", 4247, "2024-10-01T00:00:00.500", "sysio", 0, 4245, NoConfirmed, 0)},
		{"verbatim leap 3.2 produced (leading space)",
			" info  2022-10-10T23:01:43.200 nodeos    producer_plugin.cpp:2532      produce_block        ] Produced block 620b427cb1509f31... #39466185 @ 2022-10-10T23:01:43.500 signed by eosnationftw [trxs: 0, lib: 39465858, confirmed: 0, net: 0, cpu: 0]",
			block(pre{LevelInfo, "2022-10-10T23:01:43.200", "nodeos", "producer_plugin.cpp", 2532, "produce_block"}.event(EventProduced),
				"620b427cb1509f31", 39466185, "2022-10-10T23:01:43.500", "eosnationftw", 0, 39465858, 0, 0)},
		{"verbatim leap 3.2 received",
			"info  2022-10-11T15:53:27.917 nodeos    producer_plugin.cpp:502       on_incoming_block    ] Received block 9668c6a107d78117... #18 @ 2022-10-11T15:53:28.000 signed by eosio [trxs: 11, lib: 17, confirmed: 0, net: 8304, cpu: 5711, elapsed: 3853, time: 8394, latency: -82 ms]",
			block(pre{LevelInfo, "2022-10-11T15:53:27.917", "nodeos", "producer_plugin.cpp", 502, "on_incoming_block"}.event(EventReceived),
				"9668c6a107d78117", 18, "2022-10-11T15:53:28.000", "eosio", 11, 17, 0, -82)},
		{"verbatim eosio 1.7 received",
			"info  2019-04-24T17:07:45.919 thread-0  producer_plugin.cpp:345       on_incoming_block    ] Received block f49749cc68f0536f... #54680350 @ 2019-04-24T17:07:45.500 signed by eosauthority [trxs: 26, lib: 54680018, conf: 0, latency: 419 ms]",
			block(pre{LevelInfo, "2019-04-24T17:07:45.919", "thread-0", "producer_plugin.cpp", 345, "on_incoming_block"}.event(EventReceived),
				"f49749cc68f0536f", 54680350, "2019-04-24T17:07:45.500", "eosauthority", 26, 54680018, 0, 419)},
		{"verbatim eosio 1.x switching forks (no level column)",
			"2018-09-26T16:23:42.038 thread-0   controller.cpp:1064           maybe_switch_forks   ] switching forks from 00034610b904b3a7a67520c6bf09a2186d69a374199f68c66ec2da5de8eaa68f (block number 214544) to 00034610d1bc50ddfa34731605211041079d17706f10be0ede8920a3495abcbb (block number 214544)",
			withForks(fork18.event(EventForkSwitch),
				ForkHead{ID: "00034610b904b3a7a67520c6bf09a2186d69a374199f68c66ec2da5de8eaa68f", Num: 214544},
				ForkHead{ID: "00034610d1bc50ddfa34731605211041079d17706f10be0ede8920a3495abcbb", Num: 214544})},
		{"verbatim finalizer policy generation change",
			"info  2024-06-04T18:17:04.133 nodeos    block_header_state.cpp:185    finish_next          ] Finalizer policy generation change: 1 -> 2",
			func() Event {
				e := pre{LevelInfo, "2024-06-04T18:17:04.133", "nodeos", "block_header_state.cpp", 185, "finish_next"}.event(EventFinalizerPolicyChange)
				e.PolicyGenFrom, e.PolicyGenTo = 1, 2
				return e
			}()},
		{"verbatim synthesized explicitly paused",
			"warn  2025-01-01T00:00:05.500 nodeos    producer_plugin.cpp:2110      determine_pending_bl ] Not producing block because production is explicitly paused, block 2025-01-01T00:00:06.000",
			notProducing(notProd.event(EventNotProducing), ReasonPaused, "2025-01-01T00:00:06.000")},

		// Whole lines laid out by hand from docs/nodeos.md (Line prefix and the message formats of
		// Log lines) for the messages no real line was found for; no formatter is involved.
		{"literal spring produced",
			"info  2025-01-01T00:00:05.962 nodeos    controller.cpp:3608           log_applied          ] Produced block 9334c773415b2c03... #1013 @ 2025-01-01T00:00:06.000 signed by eosstorebest [trxs: 0, lib: 1011, net: 0, cpu: 100 us, elapsed: 93 us, producing time: 462313 us]",
			block(pre{LevelInfo, "2025-01-01T00:00:05.962", "nodeos", "controller.cpp", 3608, "log_applied"}.event(EventProduced),
				"9334c773415b2c03", 1013, "2025-01-01T00:00:06.000", "eosstorebest", 0, 1011, NoConfirmed, 0)},
		{"literal spring switching forks",
			"info  2025-01-01T00:00:06.527 nodeos    controller.cpp:4507           maybe_apply_blocks   ] switching forks from " + idC + " (block number 1014 eosstorebest) [ latest_qc_block_timestamp: 2025-01-01T00:00:05.500, timestamp: 2025-01-01T00:00:06.500, id: " + idC + " ] to " + idD + " (block number 1014 eosstorebest) [ latest_qc_block_timestamp: 2025-01-01T00:00:05.500, timestamp: 2025-01-01T00:00:06.500, id: " + idD + " ]",
			withForks(pre{LevelInfo, "2025-01-01T00:00:06.527", "nodeos", "controller.cpp", 4507, "maybe_apply_blocks"}.event(EventForkSwitch),
				ForkHead{idC, 1014, "eosstorebest"}, ForkHead{idD, 1014, "eosstorebest"})},
		{"literal spring double produced",
			"warn  2025-01-01T00:00:06.527 nodeos    controller.cpp:4510           maybe_apply_blocks   ] eosstorebest double produced block 1014",
			withProducer(pre{LevelWarn, "2025-01-01T00:00:06.527", "nodeos", "controller.cpp", 4510, "maybe_apply_blocks"}.event(EventDoubleProduced), "eosstorebest", 1014)},
		{"literal producer paused",
			"info  2025-01-01T00:00:36.050 nodeos    producer_plugin.cpp:1680      pause                ] Producer paused.",
			pre{LevelInfo, "2025-01-01T00:00:36.050", "nodeos", "producer_plugin.cpp", 1680, "pause"}.event(EventProducerPaused)},
		{"literal producer resumed",
			"info  2024-12-31T23:59:59.550 nodeos    producer_plugin.cpp:1690      resume               ] Producer resumed.",
			pre{LevelInfo, "2024-12-31T23:59:59.550", "nodeos", "producer_plugin.cpp", 1690, "resume"}.event(EventProducerResumed)},
		{"literal leap 5 explicitly paused",
			"error 2025-01-01T00:00:41.550 nodeos    producer_plugin.cpp:1935      start_block          ] Not producing block because production is explicitly paused",
			notProducing(pre{LevelError, "2025-01-01T00:00:41.550", "nodeos", "producer_plugin.cpp", 1935, "start_block"}.event(EventNotProducing), ReasonPaused, "")},
		{"literal spring no recent votes",
			"error 2025-01-01T00:00:23.550 nodeos    producer_plugin.cpp:2140      determine_pending_bl ] Not producing block because no recent votes received from configured producer, block 2025-01-01T00:00:24.000, last producer vote 2025-01-01T00:00:07.000, conflict block 2025-01-01T00:00:07.500",
			notProducing(pre{LevelError, "2025-01-01T00:00:23.550", "nodeos", "producer_plugin.cpp", 2140, "determine_pending_bl"}.event(EventNotProducing), ReasonNoRecentVotes, "2025-01-01T00:00:24.000")},

		// Produced block, one line per format variant (§2.2).
		{"produced spring >=1.1 savanna",
			spring.with("Produced block 1f2e3d4c5b6a7980... #1000 @ 2025-01-01T00:00:06.000 signed by eosstorebest [trxs: 3, lib: 998, net: 1200, cpu: 800 us, elapsed: 450 us, producing time: 462421 us]"),
			block(spring.event(EventProduced), "1f2e3d4c5b6a7980", 1000, "2025-01-01T00:00:06.000", "eosstorebest", 3, 998, NoConfirmed, 0)},
		{"produced spring >=1.1 legacy block",
			spring.with("Produced block 1f2e3d4c5b6a7980... #1000 @ 2025-01-01T00:00:06.500 signed by eosstorebest [trxs: 3, lib: 880, confirmed: 240, net: 1200, cpu: 800 us, elapsed: 450 us, producing time: 462421 us]"),
			block(spring.event(EventProduced), "1f2e3d4c5b6a7980", 1000, "2025-01-01T00:00:06.500", "eosstorebest", 3, 880, 240, 0)},
		{"produced spring 1.0.2-1.0.5",
			spring10.with("Produced block abcdefabcdef0123... #77 @ 2024-10-01T00:00:00.000 signed by eosstorebest [trxs: 1, lib: 75, net: 10, cpu: 20 us, elapsed: 30 us, producing time: 462000 us]"),
			block(spring10.event(EventProduced), "abcdefabcdef0123", 77, "2024-10-01T00:00:00.000", "eosstorebest", 1, 75, NoConfirmed, 0)},
		{"produced spring 1.0.0-1.0.1",
			spring10.with("Produced block abcdefabcdef0123... #77 @ 2024-09-01T00:00:00.000 signed by eosstorebest [trxs: 1, lib: 75, confirmed: 0, net: 10, cpu: 20, elapsed: 30, time: 40]"),
			block(spring10.event(EventProduced), "abcdefabcdef0123", 77, "2024-09-01T00:00:00.000", "eosstorebest", 1, 75, 0, 0)},
		{"produced leap 3.2-5",
			leapProd.with("Produced block 0123456789abcdef... #300 @ 2023-05-01T10:00:00.500 signed by eosstorebest [trxs: 4, lib: 298, confirmed: 0, net: 100, cpu: 200, elapsed: 300, time: 400]"),
			block(leapProd.event(EventProduced), "0123456789abcdef", 300, "2023-05-01T10:00:00.500", "eosstorebest", 4, 298, 0, 0)},
		{"produced leap 3.1 / eosio 2",
			leapProd.with("Produced block 0123456789abcdef... #300 @ 2021-05-01T10:00:00.500 signed by eosstorebest [trxs: 4, lib: 0, confirmed: 12]"),
			block(leapProd.event(EventProduced), "0123456789abcdef", 300, "2021-05-01T10:00:00.500", "eosstorebest", 4, 0, 12, 0)},
		{"produced eosio 1.x (no level, id from the start)",
			"2018-07-30T03:29:01.004 thread-1   producer_plugin.cpp:1194      produce_block        ] Produced block 0000c35012ab34cd... #50000 @ 2018-07-30T03:29:01.500 signed by eosio [trxs: 0, lib: 49670, confirmed: 0]",
			block(eosio1.event(EventProduced), "0000c35012ab34cd", 50000, "2018-07-30T03:29:01.500", "eosio", 0, 49670, 0, 0)},

		// Received block, one line per format variant (§2.3).
		{"received spring >=1.0.2",
			spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by eosnationftw [trxs: 5, lib: 997, net: 1000, cpu: 500 us, elapsed: 300 us, applying time: 900 us, latency: -37 ms]"),
			block(spring.event(EventReceived), "1f2e3d4c5b6a7980", 999, "2025-01-01T00:00:05.500", "eosnationftw", 5, 997, NoConfirmed, -37)},
		{"received spring >=1.0.2 syslog priority",
			"<6>" + spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by eosnationftw [trxs: 5, lib: 997, net: 1000, cpu: 500 us, elapsed: 300 us, applying time: 900 us, latency: 12 ms]"),
			block(spring.event(EventReceived), "1f2e3d4c5b6a7980", 999, "2025-01-01T00:00:05.500", "eosnationftw", 5, 997, NoConfirmed, 12)},
		{"received spring 1.0.0-1.0.1",
			spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by eosnationftw [trxs: 5, lib: 997, net: 1000, cpu: 500, elapsed: 300, time: 900, latency: 7 ms]"),
			block(spring.event(EventReceived), "1f2e3d4c5b6a7980", 999, "2025-01-01T00:00:05.500", "eosnationftw", 5, 997, NoConfirmed, 7)},
		{"received leap 3.2-5",
			leapRecv.with("Received block 1f2e3d4c5b6a7980... #999 @ 2023-05-01T10:00:00.000 signed by eosstorebest [trxs: 5, lib: 670, confirmed: 240, net: 1000, cpu: 500, elapsed: 300, time: 900, latency: 100 ms]"),
			block(leapRecv.event(EventReceived), "1f2e3d4c5b6a7980", 999, "2023-05-01T10:00:00.000", "eosstorebest", 5, 670, 240, 100)},
		{"received leap 3.1 / eosio",
			leapRecv.with("Received block 1f2e3d4c5b6a7980... #999 @ 2020-05-01T10:00:00.000 signed by eosstorebest [trxs: 5, lib: 670, conf: 12, latency: -5 ms]"),
			block(leapRecv.event(EventReceived), "1f2e3d4c5b6a7980", 999, "2020-05-01T10:00:00.000", "eosstorebest", 5, 670, 12, -5)},

		// Fork switches and double production (§2.4).
		{"switching forks spring >=1.1.1 savanna",
			forks.with("switching forks from " + idA + " (block number 5000 eosstorebest) " + savannaCmp(idA) + " to " + idB + " (block number 5000 eosstorebest) " + savannaCmp(idB)),
			withForks(forks.event(EventForkSwitch), ForkHead{idA, 5000, "eosstorebest"}, ForkHead{idB, 5000, "eosstorebest"})},
		{"switching forks spring >=1.1.1 legacy",
			forks.with("switching forks from " + idA + " (block number 5000 eosstorebest) " + legacyCmp(idA) + " to " + idB + " (block number 5001 eosnationftw) " + legacyCmp(idB)),
			withForks(forks.event(EventForkSwitch), ForkHead{idA, 5000, "eosstorebest"}, ForkHead{idB, 5001, "eosnationftw"})},
		{"switching forks spring 1.0-1.1.0",
			forks.with("switching forks from " + idA + " (block number 5000) " + savannaCmp(idA) + " to " + idB + " (block number 5002) " + savannaCmp(idB)),
			withForks(forks.event(EventForkSwitch), ForkHead{ID: idA, Num: 5000}, ForkHead{ID: idB, Num: 5002})},
		{"switching forks leap",
			forks.with("switching forks from " + idA + " (block number 5000) to " + idB + " (block number 5002)"),
			withForks(forks.event(EventForkSwitch), ForkHead{ID: idA, Num: 5000}, ForkHead{ID: idB, Num: 5002})},
		{"successfully switched fork leap >=5 / spring",
			forks.with("successfully switched fork to new head " + idB + ", removed {5000:" + idA[8:24] + "}, applied {5000:" + idB[8:24] + "}"),
			func() Event { e := forks.event(EventForkSwitched); e.ForkTo.ID = idB; return e }()},
		{"successfully switched fork eosio",
			forks.with("successfully switched fork to new head " + idB),
			func() Event { e := forks.event(EventForkSwitched); e.ForkTo.ID = idB; return e }()},
		{"double produced block",
			pre{LevelWarn, "2025-02-10T08:00:00.251", "nodeos", "controller.cpp", 4511, "maybe_apply_blocks"}.with("eosstorebest double produced block 5000"),
			withProducer(pre{LevelWarn, "2025-02-10T08:00:00.251", "nodeos", "controller.cpp", 4511, "maybe_apply_blocks"}.event(EventDoubleProduced), "eosstorebest", 5000)},
		{"double confirm on exception continuation line",
			"itr->second < result.block_num - h.confirmed: producer eosio double-confirming known range",
			Event{Kind: EventDoubleConfirm, Confirmed: NoConfirmed, Producer: "eosio",
				Text: "itr->second < result.block_num - h.confirmed: producer eosio double-confirming known range"}},
		{"double confirm on an error line",
			pre{LevelError, "2018-05-26T10:00:00.000", "thread-0", "producer_plugin.cpp", 278, "on_incoming_block"}.with("producer eosio double-confirming known range"),
			withProducer(pre{LevelError, "2018-05-26T10:00:00.000", "thread-0", "producer_plugin.cpp", 278, "on_incoming_block"}.event(EventDoubleConfirm), "eosio", 0)},

		// Pause / resume (§2.5).
		{"producer paused", pauses.with("Producer paused."), pauses.event(EventProducerPaused)},
		{"producer resumed", pauses.with("Producer resumed."), pauses.event(EventProducerResumed)},
		{"producer resumed scheduling", pauses.with("Producer resumed. Scheduling production."), pauses.event(EventProducerResumed)},

		// Not producing block because … (§2.6).
		{"not producing stale production",
			notProdE.with("Not producing block because stale production not enabled, block 2025-01-01T00:00:06.000"),
			notProducing(notProdE.event(EventNotProducing), ReasonStaleProduction, "2025-01-01T00:00:06.000")},
		{"not producing no keys",
			notProdE.with(`Not producing block because I don't have any private keys relevant to authority: PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63, block 2025-01-01T00:00:06.000`),
			notProducing(notProdE.event(EventNotProducing), ReasonNoKeys, "2025-01-01T00:00:06.000")},
		{"not producing explicitly paused leap 5",
			notProdE.with("Not producing block because production is explicitly paused"),
			notProducing(notProdE.event(EventNotProducing), ReasonPaused, "")},
		{"not producing irreversible too old",
			notProdE.with("Not producing block because the irreversible block is too old [age:400s, max:300s], block 2025-01-01T00:00:06.500"),
			notProducing(notProdE.event(EventNotProducing), ReasonIrreversibleTooOld, "2025-01-01T00:00:06.500")},
		{"not producing no votes from configured producer",
			notProdE.with("Not producing block because no recent votes received from configured producer, block 2025-01-01T00:00:06.000, last producer vote 2025-01-01T00:00:00.000, conflict block 2025-01-01T00:00:00.500"),
			notProducing(notProdE.event(EventNotProducing), ReasonNoRecentVotes, "2025-01-01T00:00:06.000")},
		{"not producing no votes from others",
			notProdE.with("Not producing block because no recent votes received from others, block 2025-01-01T00:00:06.000, other votes 2025-01-01T00:00:00.000, conflict block 2025-01-01T00:00:00.500"),
			notProducing(notProdE.event(EventNotProducing), ReasonNoRecentVotes, "2025-01-01T00:00:06.000")},
		{"not producing no recent votes",
			notProdE.with("Not producing block because no recent votes, block 2025-01-01T00:00:06.000, last producer vote 2025-01-01T00:00:00.000, conflict block 2025-01-01T00:00:00.500, other votes 2025-01-01T00:00:00.000, conflict block 2025-01-01T00:00:00.500"),
			notProducing(notProdE.event(EventNotProducing), ReasonNoRecentVotes, "2025-01-01T00:00:06.000")},
		{"not producing no recent votes spring 1.0.0",
			notProdE.with("Not producing block because no recent votes received from configured producer, block 2024-09-01T00:00:06.000, last producer vote 2024-09-01T00:00:00.000, other votes 2024-09-01T00:00:00.000, last accepted block time 2024-09-01T00:00:05.500"),
			notProducing(notProdE.event(EventNotProducing), ReasonNoRecentVotes, "2024-09-01T00:00:06.000")},
		{"not producing max reversible",
			notProdE.with("Not producing block because max-reversible-blocks 3600 reached, head 10000, lib 6400, block 2025-01-01T00:00:06.000"),
			func() Event {
				e := notProducing(notProdE.event(EventNotProducing), ReasonMaxReversible, "2025-01-01T00:00:06.000")
				e.BlockNum, e.LIB = 10000, 6400
				return e
			}()},
		{"not producing watermark higher block number",
			notProdE.with(`Not producing block because "eosstorebest" signed a block at a higher block number (5001) than the current fork's head (5000)`),
			func() Event {
				e := notProducing(notProdE.event(EventNotProducing), ReasonWatermark, "")
				e.Producer = "eosstorebest"
				return e
			}()},
		{"not producing watermark next block time",
			notProdE.with(`Not producing block because "eosstorebest" signed a block at the next block time or later (2025-01-01T00:00:06.000) than the pending block time (2025-01-01T00:00:06.000)`),
			func() Event {
				e := notProducing(notProdE.event(EventNotProducing), ReasonWatermark, "")
				e.Producer = "eosstorebest"
				return e
			}()},
		{"not producing unknown reason",
			notProdE.with("Not producing block because the moon is full, block 2025-01-01T00:00:06.000"),
			notProducing(notProdE.event(EventNotProducing), ReasonOther, "2025-01-01T00:00:06.000")},

		// Finalizer policy (§2.7).
		{"new finalizer policy active",
			pre{LevelInfo, "2024-06-04T18:17:04.133", "nodeos", "block_header_state.cpp", 190, "finish_next"}.with("New finalizer policy becoming active in block " + idA + `: {"generation":2,"threshold":15,"finalizers":[]}`),
			func() Event {
				e := pre{LevelInfo, "2024-06-04T18:17:04.133", "nodeos", "block_header_state.cpp", 190, "finish_next"}.event(EventFinalizerPolicyChange)
				e.BlockID = idA
				return e
			}()},
	}
}

// wireProduced is the "Wire" fork's documented line, placeholders included (§2.8).
const wireProduced = "info  [timestamp] nodeop          controller.cpp:2375  log_applied          ] Produced block c9bb3eb9c65b6971... #4247 @ [timestamp] signed by sysio [trxs: 0, lib: 4245, net: 0, cpu: 100 us, elapsed: 90 us, producing time: 462358 us]"

func TestParseLine(t *testing.T) {
	for _, tc := range lineCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want.Text == "" {
				_, msg, found := strings.Cut(tc.line, " ] ")
				if !found {
					t.Fatalf("test line has no \" ] \" marker")
				}
				want.Text = msg
			}
			for _, eol := range []string{"", "\n", "\r\n"} {
				got, ok, err := ParseLine([]byte(tc.line + eol))
				if err != nil || !ok {
					t.Fatalf("ParseLine(%q) = ok %v, err %v; want an event", tc.line+eol, ok, err)
				}
				for _, d := range diffEvents(want, got) {
					t.Errorf("eol %q: %s", eol, d)
				}
			}
		})
	}
}

func TestParseLineIDMatches(t *testing.T) {
	full := "0000c35012ab34cd56ef7890aabbccddeeff00112233445566778899aabbccdd"
	old, _, _ := ParseLine([]byte("2018-07-30T03:29:01.004 thread-1   producer_plugin.cpp:1194      produce_block        ] Produced block 0000c35012ab34cd... #50000 @ 2018-07-30T03:29:01.500 signed by eosio [trxs: 0, lib: 49670, confirmed: 0]"))
	cur, _, _ := ParseLine([]byte(spring.with("Produced block 12ab34cd56ef7890... #50000 @ 2018-07-30T03:29:01.500 signed by eosio [trxs: 0, lib: 49670]")))
	other, _, _ := ParseLine([]byte(spring.with("Produced block 12ab34cd56ef7891... #50000 @ 2018-07-30T03:29:01.500 signed by eosio [trxs: 0, lib: 49670]")))
	if !old.IDMatches(full) || !cur.IDMatches(full) {
		t.Errorf("IDMatches(%s): eosio 1.x form %v, current form %v; want both true", full, old.IDMatches(full), cur.IDMatches(full))
	}
	if other.IDMatches(full) || other.IDMatches("short") {
		t.Errorf("IDMatches accepted a different id")
	}
}

func TestParseLineMalformed(t *testing.T) {
	cases := []struct {
		name, line, problem string
	}{
		{"wire placeholders", wireProduced, `log time: timestamp "[timestamp]"`},
		{"bad block number", spring.with("Received block 1f2e3d4c5b6a7980... #99x9 @ 2025-01-01T00:00:05.500 signed by a [trxs: 5, lib: 997]"), `block number "99x9" is not a number`},
		{"short id", spring.with("Received block 1f2e3d... #999 @ 2025-01-01T00:00:05.500 signed by a [trxs: 5, lib: 997]"), `block id "1f2e3d" is not 16 hex chars`},
		{"no lib", spring.with("Produced block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by a [trxs: 5, net: 0]"), "statistics have no lib"},
		{"bad block time", spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-13-01T00:00:05.500 signed by a [trxs: 5, lib: 997]"), "block time: timestamp"},
		{"truncated", spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by a [trxs: 5, lib:"), "statistics are not enclosed"},
		{"bad producer", spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by Bob! [trxs: 5, lib: 9]"), `producer "Bob!"`},
		{"bad latency", spring.with("Received block 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by a [trxs: 5, lib: 9, latency: 7 s]"), `latency "7 s"`},
		{"bad level", strings.Replace(spring.with("Producer paused."), "info ", "loud ", 1), `unknown log level "loud"`},
		{"bad line number", strings.Replace(spring.with("Producer paused."), ":3617 ", ":36x7 ", 1), "bad line number"},
		{"bad fork id", forks.with("switching forks from abc (block number 5) to " + idB + " (block number 6)"), `old head: block id "abc" is not 64 hex chars`},
		{"bad policy generation", forks.with("Finalizer policy generation change: 1 -> x"), "generation change"},
		{"bad not producing block time", notProdE.with("Not producing block because production is explicitly paused, block soon"), "block time"},
		{"bad max reversible", notProdE.with("Not producing block because max-reversible-blocks 3600 reached, lib 6400"), `no "head"`},
		{"bad double produced", pre{LevelWarn, "2025-02-10T08:00:00.251", "nodeos", "controller.cpp", 4511, "maybe_apply_blocks"}.with("eosstorebest double produced block five"), `block number "five"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, ok, err := ParseLine([]byte(tc.line))
			if ok || err == nil {
				t.Fatalf("ParseLine(%q) = %+v, ok %v, err %v; want an error", tc.line, ev, ok, err)
			}
			if !errors.Is(err, ErrMalformedLogLine) {
				t.Errorf("error %v does not wrap ErrMalformedLogLine", err)
			}
			if !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("error %q does not name the problem %q", err, tc.problem)
			}
		})
	}
}

func TestParseLineSkips(t *testing.T) {
	lines := []string{
		"",
		"\n",
		"plain text",
		spring.with("connection failed to 10.0.0.1:9876: Connection refused"),
		spring.with("Block not applied to head 1f2e3d4c5b6a7980... #999 @ 2025-01-01T00:00:05.500 signed by a [trxs: 5, lib: 997]"),
		spring.with("received block 1f2e3d4c5b6a7980..."),
		spring.with("Launching block production for 1 producers at 2025-01-01T00:00:00.000."),
		spring.with("net plugin saw eosstorebest double produced block 5000"), // info, not the warn line
		spring.with(""),
		"    thread-0  block_header_state.cpp:158 next",
		"info  2025-01-01T00:00:05.963 nodeos    controller.cpp:3617           log_applied          ]",
	}
	for _, l := range lines {
		ev, ok, err := ParseLine([]byte(l))
		if ok || err != nil {
			t.Errorf("ParseLine(%q) = %+v, ok %v, err %v; want it skipped", l, ev, ok, err)
		}
	}
}

func TestParseLineAllocations(t *testing.T) {
	skipped := []byte(spring.with("connection failed to 10.0.0.1:9876: Connection refused") + "\n")
	if n := testing.AllocsPerRun(100, func() { _, _, _ = ParseLine(skipped) }); n != 0 {
		t.Errorf("skipped line: %v allocations, want 0", n)
	}
	received := []byte(lineCases()[0].line + "\n")
	if n := testing.AllocsPerRun(100, func() { _, _, _ = ParseLine(received) }); n > 1 {
		t.Errorf("received line: %v allocations, want at most 1", n)
	}
}

func TestParseLineRoundTrip(t *testing.T) {
	for _, tc := range lineCases() {
		checkRoundTrip(t, []byte(tc.line))
	}
}

// checkRoundTrip parses line and, when it is an event, formats it back and checks that the
// key fields survive a second parse.
func checkRoundTrip(t *testing.T, line []byte) {
	t.Helper()
	ev, ok, err := ParseLine(line)
	if !ok || err != nil || ev.Kind == EventDoubleConfirm && ev.LogTime.IsZero() {
		return
	}
	again := formatEvent(ev)
	ev2, ok, err := ParseLine([]byte(again))
	if !ok || err != nil {
		t.Fatalf("line %q parsed, but its reformatted %q did not: ok %v, err %v", line, again, ok, err)
	}
	want, got := keyFields(ev), keyFields(ev2)
	for k := range want {
		if want[k] != got[k] {
			t.Errorf("line %q: %s changed in round trip via %q: %v -> %v", line, k, again, want[k], got[k])
		}
	}
}

func FuzzParseLine(f *testing.F) {
	for _, tc := range lineCases() {
		f.Add([]byte(tc.line))
	}
	f.Add([]byte(wireProduced))
	logs, _ := filepath.Glob("testdata/logs/*.log")
	for _, name := range logs {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.SplitAfter(data, []byte("\n")) {
			f.Add(l)
		}
	}
	f.Add([]byte("<7>debug 2025-01-01T00:00:00.000 net-0     net_plugin.cpp:100            x                    ] y"))
	f.Fuzz(func(t *testing.T, line []byte) {
		checkRoundTrip(t, line)
	})
}
