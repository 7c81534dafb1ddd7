package nodeosfmt

import (
	"strings"
	"time"
)

// Args supplies the values of a format string's ${name} placeholders.
type Args interface {
	// AppendArg appends the value of the placeholder name to b; ok is false when name is not
	// one of its placeholders.
	AppendArg(b []byte, name string) (out []byte, ok bool)
}

// Expand appends format to b with every ${name} replaced by its value from args, as
// fc::format_string does. A placeholder args does not know is kept as written.
func Expand(b []byte, format string, args Args) []byte {
	for {
		i := strings.Index(format, "${")
		if i < 0 {
			return append(b, format...)
		}
		j := strings.IndexByte(format[i+2:], '}')
		if j < 0 {
			return append(b, format...)
		}
		b = append(b, format[:i]...)
		name := format[i+2 : i+2+j]
		var ok bool
		if args != nil {
			b, ok = args.AppendArg(b, name)
		}
		if !ok {
			b = append(b, format[i:i+3+j]...)
		}
		format = format[i+3+j:]
	}
}

// Msg is one log message as a release writes it.
type Msg struct {
	// Level is the log level: "info", "warn" or "error".
	Level string
	// Src is where nodeos logs the message.
	Src Source
	// Format is the message's fc format string with ${name} placeholders; empty when the
	// release does not write this message.
	Format string
}

// Logged reports whether the release writes the message at all.
func (m Msg) Logged() bool { return m.Format != "" }

// AppendLine appends the message as a whole line of nodeos's main thread, logged at at, without
// the newline.
func (m Msg) AppendLine(b []byte, at time.Time, args Args) []byte {
	b = AppendPrefix(b, m.Level, at, MainThread, m.Src)
	return Expand(b, m.Format, args)
}

// Line returns the message as a whole line of nodeos's main thread, logged at at, without the
// newline.
func (m Msg) Line(at time.Time, args Args) string {
	return string(m.AppendLine(make([]byte, 0, 96+len(m.Format)+64), at, args))
}
