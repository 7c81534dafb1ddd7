package nodeos

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestUint64StringOrNumber(t *testing.T) {
	tests := []struct {
		in   string
		want Uint64
		ok   bool
	}{
		{`0`, 0, true},
		{`199413`, 199413, true},
		{`"383380109085541"`, 383380109085541, true},
		{`"18446744073709551615"`, math.MaxUint64, true},
		{`18446744073709551615`, math.MaxUint64, true},
		{`null`, 7, true}, // unchanged
		{`"18446744073709551616"`, 0, false},
		{`-1`, 0, false},
		{`"-1"`, 0, false},
		{`1.5`, 0, false},
		{`""`, 0, false},
		{`"12 "`, 0, false},
		{`true`, 0, false},
		{`"\u0031"`, 1, true},
	}
	for _, tc := range tests {
		v := Uint64(7)
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err == nil) != tc.ok || (tc.ok && v != tc.want) {
			t.Errorf("Uint64 from %s = %d, %v; want %d, ok=%v", tc.in, v, err, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		v    Uint64
		want string
	}{{0, `0`}, {0xffffffff, `4294967295`}, {0x100000000, `"4294967296"`}, {383380109085541, `"383380109085541"`}} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(Uint64(%d)) = %s, %v; want %s", uint64(tc.v), b, err, tc.want)
		}
	}
}

func TestInt64StringOrNumber(t *testing.T) {
	tests := []struct {
		in   string
		want Int64
		ok   bool
	}{
		{`"1751910927896359786"`, 1751910927896359786, true},
		{`0`, 0, true},
		{`-5`, -5, true},
		{`"-9223372036854775808"`, math.MinInt64, true},
		{`"9223372036854775808"`, 0, false},
		{`"abc"`, 0, false},
	}
	for _, tc := range tests {
		var v Int64
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err == nil) != tc.ok || v != tc.want {
			t.Errorf("Int64 from %s = %d, %v; want %d, ok=%v", tc.in, v, err, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		v    Int64
		want string
	}{{-4294967295, `-4294967295`}, {-4294967296, `"-4294967296"`}, {1751910927896359786, `"1751910927896359786"`}} {
		b, _ := json.Marshal(tc.v)
		if string(b) != tc.want {
			t.Errorf("Marshal(Int64(%d)) = %s, want %s", int64(tc.v), b, tc.want)
		}
	}
	h := Handshake{Time: 1751910927896359786}
	if got := h.SentAt(); !got.Equal(time.Unix(0, 1751910927896359786)) || got.Location() != time.UTC {
		t.Errorf("SentAt = %v", got)
	}
	if !(&Handshake{}).SentAt().IsZero() {
		t.Error("SentAt of an empty handshake is not zero")
	}
}

func TestFloat64StringOrNumber(t *testing.T) {
	tests := []struct {
		in   string
		want Float64
		ok   bool
	}{
		{`"0.00000000000000000"`, 0, true},
		{`"1234567890123.50000000000000000"`, 1234567890123.5, true},
		{`2.5`, 2.5, true},
		{`"1e3"`, 1000, true},
		{`"x"`, 0, false},
		{`[]`, 0, false},
	}
	for _, tc := range tests {
		var v Float64
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err == nil) != tc.ok || v != tc.want {
			t.Errorf("Float64 from %s = %v, %v; want %v, ok=%v", tc.in, v, err, tc.want, tc.ok)
		}
	}
	if b, _ := json.Marshal(Float64(2.5)); string(b) != `"2.5"` {
		t.Errorf("Marshal(Float64(2.5)) = %s", b)
	}
}

func TestFlag(t *testing.T) {
	tests := []struct {
		in   string
		want Flag
		ok   bool
	}{
		{`1`, true, true}, {`0`, false, true}, {`true`, true, true}, {`false`, false, true},
		{`"1"`, true, true}, {`"true"`, true, true}, {`2`, false, false}, {`"yes"`, false, false},
	}
	for _, f := range []Flag{true, false} {
		b, _ := json.Marshal(f)
		var back Flag
		if err := json.Unmarshal(b, &back); err != nil || back != f {
			t.Errorf("Flag %v -> %s -> %v, %v", f, b, back, err)
		}
	}
	for _, tc := range tests {
		var v Flag
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err == nil) != tc.ok || v != tc.want {
			t.Errorf("Flag from %s = %v, %v; want %v, ok=%v", tc.in, v, err, tc.want, tc.ok)
		}
	}
}

func TestTime(t *testing.T) {
	want := time.Date(2023, 9, 4, 20, 36, 31, 500e6, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`"2023-09-04T20:36:31.500"`, want, true},
		{`"2023-09-04T20:36:31.500Z"`, want, true},
		{`"2023-09-04T20:36:31.5"`, want, true},
		{`"2023-09-04T20:36:31.500\u005a"`, want, true}, // escaped Z
		{`"2023-09-04T20:36:31.500"  `, want, true},
		{`"2023-09-04T20:36:31"`, want.Truncate(time.Second), true},
		{`"1970-01-01T00:00:00.000"`, time.Unix(0, 0).UTC(), true},
		{`""`, time.Time{}, true},
		{`null`, time.Time{}, true},
		{`"2023-09-04 20:36:31.500"`, time.Time{}, false},
		{`"2023-09-04T20:36:31.500+02:00"`, time.Time{}, false},
		{`1693859791`, time.Time{}, false},
	}
	for _, tc := range tests {
		var v Time
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err == nil) != tc.ok || !v.Equal(tc.want) {
			t.Errorf("Time from %s = %v, %v; want %v, ok=%v", tc.in, v.Time, err, tc.want, tc.ok)
		}
		if err == nil && !v.IsZero() && v.Location() != time.UTC {
			t.Errorf("Time from %s in %v, want UTC", tc.in, v.Location())
		}
	}
	b, _ := json.Marshal(Time{want.In(time.FixedZone("X", 3600))})
	if string(b) != `"2023-09-04T20:36:31.500"` {
		t.Errorf("Marshal(Time) = %s", b)
	}
	if s := (Time{want}).String(); s != "2023-09-04T20:36:31.500" {
		t.Errorf("String() = %s", s)
	}
}

func TestClipText(t *testing.T) {
	long := make([]byte, 200)
	for i := range long {
		long[i] = 'a'
	}
	if got := clipText(long); len(got) != clipLen+len("…") {
		t.Errorf("clipText of 200 bytes has %d bytes", len(got))
	}
	if got := clipText([]byte("ok\xff")); got != "ok?" {
		t.Errorf("clipText of invalid UTF-8 = %q", got)
	}
}
