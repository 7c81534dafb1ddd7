package nodeosfmt

import (
	"strings"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(TimeLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestLine(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 5, 500_999_999, time.UTC)
	for _, tc := range []struct {
		name, level, thread string
		src                 Source
		want                string
	}{
		{"standard", "info", "nodeos", Source{"controller.cpp", 3608, "log_applied"},
			"info  2025-01-01T00:00:05.500 nodeos    controller.cpp:3608           log_applied          ] m"},
		{"long method cut to 20", "warn", "nodeos", Source{"producer_plugin.cpp", 2110, "determine_pending_block_mode"},
			"warn  2025-01-01T00:00:05.500 nodeos    producer_plugin.cpp:2110      determine_pending_bl ] m"},
		{"long file cut to 22, long line number cut to 6", "error", "http-thread-12", Source{"a_very_long_file_name_for_cut.cpp", 1234567, "m"},
			"error 2025-01-01T00:00:05.500 http-thre a_very_long_file_name_:123456 m                    ] m"},
		{"no level column (EOSIO 1.x)", "", "thread-0", Source{"controller.cpp", 1064, "maybe_switch_forks"},
			"2025-01-01T00:00:05.500 thread-0  controller.cpp:1064           maybe_switch_forks   ] m"},
		{"debug level cut to 5", "debug", "net-0", Source{"net_plugin.cpp", 1, "x"},
			"debug 2025-01-01T00:00:05.500 net-0     net_plugin.cpp:1              x                    ] m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.level, at, tc.thread, tc.src, "m"); got != tc.want {
				t.Errorf("Line =\n%q\nwant\n%q", got, tc.want)
			}
			if tc.level != "" && strings.Index(tc.want, " ] ") != 90 {
				t.Errorf("fixture's marker is not at column 90: %q", tc.want)
			}
		})
	}
}

func TestTimeInUTC(t *testing.T) {
	at := time.Date(2025, 1, 1, 8, 0, 0, 250e6, time.FixedZone("UTC+8", 8*3600))
	if got := Time(at); got != "2025-01-01T00:00:00.250" {
		t.Errorf("Time = %q", got)
	}
}

type mapArgs map[string]string

func (m mapArgs) AppendArg(b []byte, name string) ([]byte, bool) {
	v, ok := m[name]
	return append(b, v...), ok
}

func TestExpand(t *testing.T) {
	for _, tc := range []struct {
		format string
		args   Args
		want   string
	}{
		{"a ${x} b ${y}${x}", mapArgs{"x": "1", "y": "2"}, "a 1 b 21"},
		{"kept ${unknown} ${x}", mapArgs{"x": "1"}, "kept ${unknown} 1"},
		{"no args ${x}", nil, "no args ${x}"},
		{"open ${x", mapArgs{"x": "1"}, "open ${x"},
		{"$x {x} $", mapArgs{"x": "1"}, "$x {x} $"},
		{"", mapArgs{}, ""},
	} {
		if got := string(Expand([]byte(">"), tc.format, tc.args)); got != ">"+tc.want {
			t.Errorf("Expand(%q) = %q, want %q", tc.format, got, ">"+tc.want)
		}
	}
}
