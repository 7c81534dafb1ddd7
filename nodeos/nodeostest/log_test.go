package nodeostest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// prefixRE is the line regex of docs/nodeos.md §2.1.
var prefixRE = regexp.MustCompile(`^(?:<\d>)?(\w+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) (\S+)\s+(\S+):(\d+)\s+(\S+)\s+\] (.*)$`)

// formatRE turns a nodeos format string (${name} placeholders) into a regexp for its message.
func formatRE(format string) *regexp.Regexp {
	// Spring's ${confs} directly after ${lib} is "" or ", confirmed: N"; elsewhere it is a number.
	pat := strings.ReplaceAll(regexp.QuoteMeta(format), `\$\{lib\}\$\{confs\}`, `-?\d+(?:, confirmed: \d+)?`)
	pat = regexp.MustCompile(`\\\$\\\{(\w+)\\\}`).ReplaceAllStringFunc(pat, func(m string) string {
		switch name := m[4 : len(m)-2]; name {
		case "id":
			return `[0-9a-f]{16}`
		case "t":
			return `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.(?:000|500)`
		case "p":
			return `[a-z1-5.]{1,12}`
		default:
			return `-?\d+`
		}
	})
	return regexp.MustCompile("^" + pat + "$")
}

// Format strings quoted in docs/nodeos.md §2.2-2.6.
var (
	springProduced = formatRE("Produced block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}${confs}, net: ${net}, cpu: ${cpu} us, elapsed: ${et} us, producing time: ${tt} us]")
	springReceived = formatRE("Received block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, net: ${net}, cpu: ${cpu} us, elapsed: ${elapsed} us, applying time: ${time} us, latency: ${latency} ms]")
	leapProduced   = formatRE("Produced block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, confirmed: ${confs}, net: ${net}, cpu: ${cpu}, elapsed: ${et}, time: ${tt}]")
	leapReceived   = formatRE("Received block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, confirmed: ${confs}, net: ${net}, cpu: ${cpu}, elapsed: ${elapsed}, time: ${time}, latency: ${latency} ms]")
	eosioProduced  = formatRE("Produced block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, confirmed: ${confs}]")
	eosioReceived  = formatRE("Received block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, conf: ${confs}, latency: ${latency} ms]")
	springSwitch   = regexp.MustCompile(`^switching forks from [0-9a-f]{64} \(block number \d+ [a-z1-5.]+\) \[ latest_qc_block_timestamp: \S+, timestamp: \S+, id: [0-9a-f]{64} \] to [0-9a-f]{64} \(block number \d+ [a-z1-5.]+\) \[ latest_qc_block_timestamp: \S+, timestamp: \S+, id: [0-9a-f]{64} \]$`)
)

func TestLogLinesMatchNodeosFormats(t *testing.T) {
	for _, tc := range []struct {
		format             LogFormat
		produced, received *regexp.Regexp
		switchRE           *regexp.Regexp
		pausedMsg          string
		pausedLevel        string
	}{
		{Spring, springProduced, springReceived, springSwitch, "Not producing block because production is explicitly paused, block ", "warn"},
		{Leap5, leapProduced, leapReceived, regexp.MustCompile(`^switching forks from [0-9a-f]{64} \(block number \d+\) to [0-9a-f]{64} \(block number \d+\)$`), "Not producing block because production is explicitly paused", "error"},
		{EOSIO2, eosioProduced, eosioReceived, regexp.MustCompile(`^switching forks from [0-9a-f]{64} \(block number \d+\) to [0-9a-f]{64} \(block number \d+\)$`), "Not producing block because production is explicitly paused", "error"},
	} {
		t.Run(tc.format.String(), func(t *testing.T) {
			n, nodes := manualNet(t, Config{Producers: 2, OurIndex: 1, LogFormat: tc.format},
				NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "B", ProducerNode: true}, NodeConfig{Name: "C", ProducerNode: true})
			a, b := nodes[0], nodes[1]
			post(t, a.URL+"/v1/producer/resume", "")
			post(t, b.URL+"/v1/producer/resume", "")
			n.Advance(16)
			post(t, b.URL+"/v1/producer/pause", "")
			n.Advance(20)
			counts := map[string]int{}
			for _, nd := range nodes {
				for _, line := range readLog(t, nd.LogPath) {
					m := prefixRE.FindStringSubmatch(line)
					if m == nil {
						t.Fatalf("%s: line does not match the §2.1 prefix: %q", nd.Name, line)
					}
					if line[5] != ' ' || line[29] != ' ' || line[39] != ' ' || line[69] != ' ' || line[90:93] != " ] " || m[3] != "nodeos" {
						t.Fatalf("%s: columns off: %q", nd.Name, line)
					}
					level, msg := m[1], m[7]
					switch {
					case strings.HasPrefix(msg, "Produced block "):
						counts["produced"]++
						if !tc.produced.MatchString(msg) || level != "info" {
							t.Errorf("Produced line does not match the %s format: %q", tc.format, line)
						}
					case strings.HasPrefix(msg, "Received block "):
						counts["received"]++
						if !tc.received.MatchString(msg) || level != "info" {
							t.Errorf("Received line does not match the %s format: %q", tc.format, line)
						}
					case strings.HasPrefix(msg, "switching forks"):
						counts["switch"]++
						if !tc.switchRE.MatchString(msg) {
							t.Errorf("switch line does not match the %s format: %q", tc.format, line)
						}
					case strings.HasPrefix(msg, "Not producing block"):
						counts["paused"]++
						if !strings.HasPrefix(msg, tc.pausedMsg) || level != tc.pausedLevel {
							t.Errorf("Not producing line: %q", line)
						}
					case strings.HasSuffix(msg, " double produced block "+strings.Fields(msg)[len(strings.Fields(msg))-1]):
						counts["double"]++
						if level != "warn" || tc.format != Spring {
							t.Errorf("double-produced line in %s: %q", tc.format, line)
						}
					}
				}
			}
			// Our turn is slots 12-23: A signs all 12, B the first 4 (each lost by one of them),
			// C is paused throughout and B for the last 8. All three receive the 24 virtual blocks.
			want := map[string]int{"produced": 16, "received": 3*24 + 4*3 + 8*2, "switch": 4 * 2, "paused": 12 + 8}
			if tc.format == Spring {
				want["double"] = 8
			}
			for k, v := range want {
				if counts[k] != v {
					t.Errorf("%s lines: %d, want %d", k, counts[k], v)
				}
			}
		})
	}
}

func TestExactProducedLine(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2}, NodeConfig{Name: "A", ProducerNode: true})
	post(t, nodes[0].URL+"/v1/producer/resume", "")
	n.Advance(2)
	b := n.Ledger()[1] // k = 1: written 2 × 37.5 ms = 75 ms before its timestamp
	at := b.Time().Add(-75e6).Format("2006-01-02T15:04:05.000")
	want := fmt.Sprintf("info  %s nodeos    controller.cpp:3608           log_applied          ] Produced block %s... #%d @ %s signed by eosstorebest [trxs: 0, lib: %d, net: 0, cpu: 100 us, elapsed: %d us, producing time: %d us]",
		at, b.ID[8:24], b.Num, b.Time().Format("2006-01-02T15:04:05.000"), b.Num-2, 80+b.Num%50, 462000+b.Num%700)
	lines := grep(readLog(t, nodes[0].LogPath), "Produced block")
	if len(lines) != 2 || lines[1] != want {
		t.Fatalf("Produced line\n%q\nwant\n%q", lines, want)
	}
}
