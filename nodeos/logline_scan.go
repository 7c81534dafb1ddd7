package nodeos

import (
	"fmt"
	"time"
)

// Scalar scanners for log line fields. They work on strings, return errors only on failure,
// and allocate nothing on success.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// Character classes for the scanners below.
const (
	classHex  = 1 << iota // 0-9 a-f A-F
	className             // a-z 0-9 '.'
)

// charClass maps a byte to its classes.
var charClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= classHex | className
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= className
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] |= classHex
		t[c-'a'+'A'] |= classHex
	}
	t['.'] |= className
	return t
}()

// isHex reports whether s is non-empty lower- or upper-case hexadecimal.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&classHex == 0 {
			return false
		}
	}
	return true
}

// isAccountName reports whether s looks like an account name: 1-13 chars of a-z, 0-9 and '.'.
// (nodeos names use only 1-5, but test chains and forks are less strict.)
func isAccountName(s string) bool {
	if s == "" || len(s) > 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&className == 0 {
			return false
		}
	}
	return true
}

// parseUint32 parses a decimal uint32 made of digits only.
func parseUint32(s string) (uint32, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

// parseInt parses a decimal int with an optional leading '-', within ±1e15.
func parseInt(s string) (int64, bool) {
	neg := false
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if s == "" || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseTimestamp parses fc's ISO time "YYYY-MM-DDTHH:MM:SS[.fff…][Z]" as UTC.
func parseTimestamp(s string) (time.Time, error) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, badTimestamp(s, "want YYYY-MM-DDTHH:MM:SS.mmm")
	}
	for _, p := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if !isDigit(s[p]) {
			return time.Time{}, badTimestamp(s, "want YYYY-MM-DDTHH:MM:SS.mmm")
		}
	}
	year := two(s, 0)*100 + two(s, 2)
	month, day := two(s, 5), two(s, 8)
	hour, minute, sec := two(s, 11), two(s, 14), two(s, 17)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, badTimestamp(s, "date or time out of range")
	}
	nsec := 0
	rest := s[19:]
	if len(rest) == 4 && rest[0] == '.' && isDigit(rest[1]) && isDigit(rest[2]) && isDigit(rest[3]) {
		nsec, rest = (int(rest[1]-'0')*100+two(rest, 2))*1e6, "" // the usual milliseconds
	} else if rest != "" && rest[0] == '.' {
		digits := 0
		for digits+1 < len(rest) && isDigit(rest[digits+1]) {
			nsec = nsec*10 + int(rest[digits+1]-'0')
			digits++
		}
		if digits == 0 || digits > 9 {
			return time.Time{}, badTimestamp(s, "bad fraction of a second")
		}
		for i := digits; i < 9; i++ {
			nsec *= 10
		}
		rest = rest[1+digits:]
	}
	if rest != "" && rest != "Z" {
		return time.Time{}, badTimestamp(s, "trailing characters")
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(secs, int64(nsec)).UTC(), nil
}

// two returns the two-digit number at s[i:i+2]; the caller has checked the digits.
func two(s string, i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }

func badTimestamp(s, why string) error { return fmt.Errorf("timestamp %q: %s", s, why) }

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian date
// (H. Hinnant's days_from_civil).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400 // floor division
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
