package nodeos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// nodeos serializes JSON with fc, which quotes every 64-bit integer whose magnitude exceeds
// 0xffffffff and every double ("total_cpu_weight":"383380109085541", "total_votes":"0.000…"),
// and prints times as "2006-01-02T15:04:05.000" in UTC without a zone. The types below decode
// such values from either form and encode them the way nodeos does.

// Compile-time checks that the wire types encode and decode themselves.
var (
	_ json.Unmarshaler = (*Uint64)(nil)
	_ json.Marshaler   = Uint64(0)
	_ json.Unmarshaler = (*Int64)(nil)
	_ json.Marshaler   = Int64(0)
	_ json.Unmarshaler = (*Float64)(nil)
	_ json.Marshaler   = Float64(0)
	_ json.Unmarshaler = (*Flag)(nil)
	_ json.Marshaler   = Flag(false)
	_ json.Unmarshaler = (*Time)(nil)
	_ json.Marshaler   = Time{}
	_ json.Unmarshaler = (*BlockSigningAuthority)(nil)
	_ json.Marshaler   = BlockSigningAuthority{}
	_ json.Unmarshaler = (*ProducerAuthority)(nil)
)

// fcQuoteAbove is the magnitude above which fc emits a 64-bit integer as a JSON string.
const fcQuoteAbove = 0xffffffff

// fcTimeLayout is fc's time_point format: UTC, millisecond precision, no zone designator.
const fcTimeLayout = "2006-01-02T15:04:05.000"

// Uint64 is an unsigned 64-bit integer that decodes from a JSON number or a JSON string
// holding one, as nodeos emits large uint64 values. It encodes like nodeos: a number up to
// 0xffffffff, a string above.
type Uint64 uint64

// UnmarshalJSON implements json.Unmarshaler. JSON null leaves the value unchanged.
func (u *Uint64) UnmarshalJSON(b []byte) error {
	s, ok, err := numberText(b)
	if err != nil || !ok {
		return err
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("nodeos: uint64 %s: %w", clipText(b), err)
	}
	*u = Uint64(v)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (u Uint64) MarshalJSON() ([]byte, error) {
	s := strconv.FormatUint(uint64(u), 10)
	if u > fcQuoteAbove {
		return []byte(`"` + s + `"`), nil
	}
	return []byte(s), nil
}

// Int64 is a signed 64-bit integer that decodes from a JSON number or a JSON string holding
// one, as nodeos emits large int64 values (a handshake's time in nanoseconds, for example).
// It encodes like nodeos: a number when |v| <= 0xffffffff, a string otherwise.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler. JSON null leaves the value unchanged.
func (i *Int64) UnmarshalJSON(b []byte) error {
	s, ok, err := numberText(b)
	if err != nil || !ok {
		return err
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("nodeos: int64 %s: %w", clipText(b), err)
	}
	*i = Int64(v)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (i Int64) MarshalJSON() ([]byte, error) {
	s := strconv.FormatInt(int64(i), 10)
	if i > fcQuoteAbove || i < -fcQuoteAbove {
		return []byte(`"` + s + `"`), nil
	}
	return []byte(s), nil
}

// Float64 is a double that decodes from a JSON number or a JSON string holding one; nodeos
// emits every double as a string ("total_votes":"0.00000000000000000"). It encodes as a string.
type Float64 float64

// UnmarshalJSON implements json.Unmarshaler. JSON null leaves the value unchanged.
func (f *Float64) UnmarshalJSON(b []byte) error {
	s, ok, err := numberText(b)
	if err != nil || !ok {
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("nodeos: double %s: %w", clipText(b), err)
	}
	*f = Float64(v)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f Float64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatFloat(float64(f), 'f', -1, 64) + `"`), nil
}

// Flag is a boolean that decodes from JSON true/false, from the numbers 0 and 1 (an ABI
// uint8 such as a producer row's is_active), or from a string holding any of those.
// It encodes as 0 or 1.
type Flag bool

// UnmarshalJSON implements json.Unmarshaler. JSON null leaves the value unchanged.
func (f *Flag) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	switch s {
	case "true", "1":
		*f = true
	case "false", "0":
		*f = false
	default:
		return fmt.Errorf("nodeos: flag %s: want true, false, 0 or 1", clipText(b))
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f Flag) MarshalJSON() ([]byte, error) {
	if f {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// Time is a nodeos time_point: "2006-01-02T15:04:05.000" with no zone, meaning UTC. Decoding
// also accepts a trailing "Z", any number of fraction digits or none, and an empty string or
// null (the zero Time). It encodes in nodeos's format.
type Time struct {
	time.Time
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s, ok := plainString(b)
	if !ok {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("nodeos: time %s: %w", clipText(b), err)
		}
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.Time.UTC().Format(fcTimeLayout) + `"`), nil
}

// String formats the time as nodeos does.
func (t Time) String() string { return t.Time.UTC().Format(fcTimeLayout) }

// ParseTime parses a nodeos time_point string ("2023-09-04T20:36:31.500", UTC). A trailing
// "Z" is accepted; the empty string yields the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	v, err := time.ParseInLocation("2006-01-02T15:04:05", strings.TrimSuffix(s, "Z"), time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("nodeos: time %q: %w", clipText([]byte(s)), err)
	}
	return v, nil
}

// errEmptyNumber reports a quoted empty string where a number was expected.
var errEmptyNumber = errors.New("empty string")

// numberText returns the digits of a JSON number or of a JSON string holding a number.
// ok is false for JSON null.
func numberText(b []byte) (s string, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", false, fmt.Errorf("nodeos: number: %w", errEmptyNumber)
	}
	if string(b) == "null" {
		return "", false, nil
	}
	if b[0] == '"' {
		if str, ok := plainString(b); ok {
			if str == "" {
				return "", false, fmt.Errorf("nodeos: number %s: %w", clipText(b), errEmptyNumber)
			}
			return str, true, nil
		}
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return "", false, fmt.Errorf("nodeos: number %s: %w", clipText(b), err)
		}
		if str == "" {
			return "", false, fmt.Errorf("nodeos: number %s: %w", clipText(b), errEmptyNumber)
		}
		return str, true, nil
	}
	return string(b), true, nil
}

// plainString returns the contents of a JSON string literal that has no escapes, the way
// nodeos writes numbers and times; ok is false for anything else.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	return string(in), true
}

// clipLen bounds how much of a payload an error message quotes.
const clipLen = 64

// clipText returns at most clipLen bytes of b for an error message, marking a cut with "…".
func clipText(b []byte) string {
	if len(b) <= clipLen {
		return strings.ToValidUTF8(string(b), "?")
	}
	return strings.ToValidUTF8(string(b[:clipLen]), "?") + "…"
}
