package nodeosfmt

import (
	"strconv"
	"time"
)

// MainThread is the thread name nodeos gives its main thread, where blocks are produced and
// applied.
const MainThread = "nodeos"

// TimeLayout is fc::time_point's text form: UTC, milliseconds, no zone letter.
const TimeLayout = "2006-01-02T15:04:05.000"

// Source is where in nodeos a line is logged: the source file, line and function.
type Source struct {
	// File is the source file's base name, e.g. "controller.cpp".
	File string
	// Line is the line number in File.
	Line int
	// Method is the function name, e.g. "log_applied".
	Method string
}

// AppendTime appends t as fc prints a time_point, e.g. 2025-01-01T00:00:00.500.
func AppendTime(b []byte, t time.Time) []byte { return t.UTC().AppendFormat(b, TimeLayout) }

// Time returns t as fc prints a time_point, e.g. 2025-01-01T00:00:00.500.
func Time(t time.Time) string { return string(AppendTime(nil, t)) }

// AppendPrefix appends the console appender's line prefix (docs/nodeos.md, Line prefix), up to
// and including the " ] " before the message:
//
//	LEVEL(5) TIME(23) THREAD(9) FILE:LINE(29) METHOD(20) ] MESSAGE
//
// Each column is cut or right-padded with spaces to its width; FILE is cut to 22 characters
// before ":LINE". An empty level gives the EOSIO 1.x prefix, which has no level column.
func AppendPrefix(b []byte, level string, at time.Time, thread string, src Source) []byte {
	if level != "" {
		b = appendFixed(b, level, 5)
		b = append(b, ' ')
	}
	b = AppendTime(b, at)
	b = append(b, ' ')
	b = appendFixed(b, thread, 9)
	b = append(b, ' ')
	start := len(b)
	file := src.File
	if len(file) > 22 {
		file = file[:22]
	}
	b = append(b, file...)
	b = append(b, ':')
	lineAt := len(b)
	b = strconv.AppendInt(b, int64(src.Line), 10)
	b = pad(b, lineAt, 6)
	b = pad(b, start, 29)
	b = append(b, ' ')
	b = appendFixed(b, src.Method, 20)
	return append(b, " ] "...)
}

// Line returns a whole log line, without the newline: the prefix of AppendPrefix and msg.
func Line(level string, at time.Time, thread string, src Source, msg string) string {
	b := make([]byte, 0, 96+len(msg))
	b = AppendPrefix(b, level, at, thread, src)
	return string(append(b, msg...))
}

// appendFixed appends s cut or right-padded with spaces to n bytes (fc's append_fixed_size).
func appendFixed(b []byte, s string, n int) []byte {
	if len(s) > n {
		s = s[:n]
	}
	start := len(b)
	return pad(append(b, s...), start, n)
}

// pad cuts or right-pads with spaces what b holds after start to n bytes.
func pad(b []byte, start, n int) []byte {
	if len(b)-start > n {
		return b[:start+n]
	}
	for len(b)-start < n {
		b = append(b, ' ')
	}
	return b
}
