package nodeos

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrMalformedLogLine is wrapped by ParseLine's error for a line that carries a known
// message (Produced block, Received block, …) whose fields do not parse.
var ErrMalformedLogLine = errors.New("nodeos: malformed log line")

// Positions in nodeos's console appender layout (docs/nodeos.md §2.1):
// "LLLLL TIMESTAMP(23) THREAD(9) FILE:LINE(29) METHOD(20) ] MESSAGE".
const (
	// stdMarkerAt is where " ] " starts in a line with the standard fixed-width prefix.
	stdMarkerAt = 5 + 1 + 23 + 1 + 9 + 1 + 29 + 1 + 20
	// maxPrefixLen bounds the search for the " ] " marker: the prefix columns are truncated
	// by nodeos, so a marker further in is part of a message, not the prefix.
	maxPrefixLen = 192
)

// Message texts that identify the lines ParseLine understands.
const (
	msgReceived       = "Received block "
	msgProduced       = "Produced block "
	msgPaused         = "Producer paused."
	msgResumed        = "Producer resumed."
	msgNotProducing   = "Not producing block because "
	msgNewPolicy      = "New finalizer policy becoming active in block "
	msgForkSwitch     = "switching forks from "
	msgForkSwitched   = "successfully switched fork to new head "
	msgPolicyGen      = "Finalizer policy generation change: "
	msgDoubleProduced = " double produced block "
	msgDoubleConfirm  = " double-confirming known range"
)

// ParseLine parses one nodeos log line (with or without its trailing newline).
//
// It returns ok == true and the event for a line that carries one of the messages listed by
// EventKind; ok == false and a nil error for any other line; and ok == false with an error
// wrapping ErrMalformedLogLine for a line that carries a known message whose fields do not
// parse. Lines that are skipped cost no allocation; a parsed line costs one (the event's
// strings share a copy of the line). ParseLine never panics and keeps no state, so it is safe
// for concurrent use.
func ParseLine(line []byte) (Event, bool, error) {
	line = trimEOL(line)
	kind, m := scanLine(line)
	if kind == EventUnknown {
		return Event{}, false, nil
	}
	return parseLineString(kind, string(line), m)
}

// scanLine tells, without allocating, which known message line (without its newline)
// carries, and where its prefix marker is: -1 for a prefix-less continuation line.
func scanLine(line []byte) (EventKind, int) {
	m := findMarker(line)
	if m < 0 {
		// Exception continuation lines have no prefix; the legacy double-confirm assertion
		// prints its message on one of them.
		if bytes.Contains(line, []byte(msgDoubleConfirm)) {
			return EventDoubleConfirm, -1
		}
		return EventUnknown, -1
	}
	return classify(levelByte(line[:m]), line[m+3:]), m
}

// parseLineString parses s, a line that scanLine found to carry kind with its marker at m.
func parseLineString(kind EventKind, s string, m int) (Event, bool, error) {
	if m < 0 {
		return parseContinuation(s)
	}
	return parseKnown(kind, s, m)
}

// trimEOL removes a trailing "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// findMarker returns the index of the " ] " that ends the line prefix, or -1.
func findMarker(line []byte) int {
	if len(line) > stdMarkerAt+3 && line[stdMarkerAt] == ' ' && line[stdMarkerAt+1] == ']' &&
		line[stdMarkerAt+2] == ' ' {
		return stdMarkerAt
	}
	head := line
	if len(head) > maxPrefixLen {
		head = head[:maxPrefixLen]
	}
	return bytes.Index(head, []byte(" ] "))
}

// levelByte returns the first letter of the prefix's level column ('i', 'w', …), or 0.
func levelByte(prefix []byte) byte {
	i := 0
	for i < len(prefix) && prefix[i] == ' ' {
		i++
	}
	if i < len(prefix) && prefix[i] == '<' {
		for i < len(prefix) && prefix[i] != '>' {
			i++
		}
		i++
	}
	if i < len(prefix) && prefix[i] >= 'a' && prefix[i] <= 'z' {
		return prefix[i]
	}
	return 0
}

// classify tells which known message msg carries, looking only at its first bytes, except
// for warn and error lines, which are searched for the double production messages.
func classify(level byte, msg []byte) EventKind {
	if len(msg) == 0 {
		return EventUnknown
	}
	switch msg[0] {
	case 'R':
		if hasPrefix(msg, msgReceived) {
			return EventReceived
		}
	case 'P':
		switch {
		case hasPrefix(msg, msgProduced):
			return EventProduced
		case hasPrefix(msg, msgPaused):
			return EventProducerPaused
		case hasPrefix(msg, msgResumed):
			return EventProducerResumed
		}
	case 'N':
		switch {
		case hasPrefix(msg, msgNotProducing):
			return EventNotProducing
		case hasPrefix(msg, msgNewPolicy):
			return EventFinalizerPolicyChange
		}
	case 's':
		switch {
		case hasPrefix(msg, msgForkSwitch):
			return EventForkSwitch
		case hasPrefix(msg, msgForkSwitched):
			return EventForkSwitched
		}
	case 'F':
		if hasPrefix(msg, msgPolicyGen) {
			return EventFinalizerPolicyChange
		}
	}
	if level == 'w' || level == 'e' {
		switch {
		case bytes.Contains(msg, []byte(msgDoubleProduced)):
			return EventDoubleProduced
		case bytes.Contains(msg, []byte(msgDoubleConfirm)):
			return EventDoubleConfirm
		}
	}
	return EventUnknown
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// parseKnown parses a line whose message classify recognised as kind; m is the marker index.
func parseKnown(kind EventKind, s string, m int) (Event, bool, error) {
	ev := Event{Kind: kind, Confirmed: NoConfirmed}
	if err := parsePrefix(&ev, s[:m]); err != nil {
		return Event{}, false, fmt.Errorf("%w: %s line: prefix: %v", ErrMalformedLogLine, kind, err)
	}
	ev.Text = s[m+3:]
	if err := parseMessage(&ev, ev.Text); err != nil {
		return Event{}, false, fmt.Errorf("%w: %s line: %v", ErrMalformedLogLine, kind, err)
	}
	return ev, true, nil
}

// parseContinuation parses a prefix-less line holding the double-confirm assertion text.
func parseContinuation(s string) (Event, bool, error) {
	ev := Event{Kind: EventDoubleConfirm, Confirmed: NoConfirmed, Text: s}
	if err := parseDoubleConfirm(&ev, s); err != nil {
		return Event{}, false, fmt.Errorf("%w: %s line: %v", ErrMalformedLogLine, ev.Kind, err)
	}
	return ev, true, nil
}

// parsePrefix parses "[<N>]LEVEL TIMESTAMP THREAD FILE:LINE METHOD" (the level column is
// absent in EOSIO 1.x; METHOD may be empty).
func parsePrefix(ev *Event, p string) error {
	if len(p) == stdMarkerAt && p[5] == ' ' && p[29] == ' ' && p[39] == ' ' && p[69] == ' ' &&
		p[0] != ' ' && isDigit(p[6]) && isDigit(p[28]) {
		// The standard fixed-width layout: columns at known places.
		cols := [5]string{trimSpaces(p[0:5]), p[6:29], trimSpaces(p[30:39]), trimSpaces(p[40:69]), trimSpaces(p[70:90])}
		return prefixColumns(ev, cols[:])
	}
	p = strings.TrimLeft(p, " ")
	if strings.HasPrefix(p, "<") {
		end := strings.IndexByte(p, '>')
		if end < 2 || !isDigits(p[1:end]) {
			return fmt.Errorf("bad syslog priority %q", p[:min(len(p), 5)])
		}
		p = p[end+1:]
	}
	var tok [6]string
	n := 0
	for {
		p = strings.TrimLeft(p, " ")
		if p == "" {
			break
		}
		if n == len(tok) {
			return fmt.Errorf("too many columns")
		}
		end := strings.IndexByte(p, ' ')
		if end < 0 {
			end = len(p)
		}
		tok[n], p = p[:end], p[end:]
		n++
	}
	return prefixColumns(ev, tok[:n])
}

// trimSpaces removes the padding after a fixed-width column.
func trimSpaces(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// prefixColumns fills ev from the prefix columns: [level] timestamp thread file:line [method].
func prefixColumns(ev *Event, cols []string) error {
	if len(cols) > 0 && cols[0] != "" && !isDigit(cols[0][0]) {
		switch cols[0] {
		case "debug":
			ev.Level = LevelDebug
		case "info":
			ev.Level = LevelInfo
		case "warn":
			ev.Level = LevelWarn
		case "error":
			ev.Level = LevelError
		default:
			return fmt.Errorf("unknown log level %q", cols[0])
		}
		cols = cols[1:]
	}
	if len(cols) == 4 && cols[3] == "" {
		cols = cols[:3]
	}
	if len(cols) < 3 || len(cols) > 4 {
		return fmt.Errorf("want timestamp, thread, file:line and method, got %d columns", len(cols))
	}
	t, err := parseTimestamp(cols[0])
	if err != nil {
		return fmt.Errorf("log time: %v", err)
	}
	ev.LogTime = t
	ev.Thread = cols[1]
	colon := strings.LastIndexByte(cols[2], ':')
	if colon < 0 {
		return fmt.Errorf("source location %q has no line number", cols[2])
	}
	line, ok := parseUint32(cols[2][colon+1:])
	if !ok {
		return fmt.Errorf("source location %q has a bad line number", cols[2])
	}
	ev.File, ev.Line = cols[2][:colon], int(line)
	if len(cols) == 4 {
		ev.Method = cols[3]
	}
	return nil
}

// parseMessage fills ev from the message of a line classified as ev.Kind.
func parseMessage(ev *Event, msg string) error {
	switch ev.Kind {
	case EventReceived:
		return parseBlockLine(ev, msg[len(msgReceived):])
	case EventProduced:
		return parseBlockLine(ev, msg[len(msgProduced):])
	case EventProducerPaused, EventProducerResumed:
		return nil
	case EventNotProducing:
		return parseNotProducing(ev, msg[len(msgNotProducing):])
	case EventForkSwitch:
		return parseForkSwitch(ev, msg[len(msgForkSwitch):])
	case EventForkSwitched:
		return parseForkSwitched(ev, msg[len(msgForkSwitched):])
	case EventDoubleProduced:
		return parseDoubleProduced(ev, msg)
	case EventDoubleConfirm:
		return parseDoubleConfirm(ev, msg)
	case EventFinalizerPolicyChange:
		return parsePolicyChange(ev, msg)
	}
	return fmt.Errorf("no parser for %s", ev.Kind)
}
