package notify

import (
	"fmt"
	"strings"
	"time"
)

// Severity ranks how urgent an alert is. Higher values are more urgent.
type Severity int

const (
	// Info is for events an operator may want to know about, such as a planned switchover.
	Info Severity = iota
	// Warning is for degraded states that do not yet cost blocks.
	Warning
	// Critical is for states that cost blocks or risk double production.
	Critical
)

// String returns "info", "warning" or "critical".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Critical:
		return "critical"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name as written by MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses "info", "warning" or "critical" (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "critical", "crit":
		return Critical, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrBadSeverity, s)
}

// State says whether an alert reports a fault starting (or still present) or its end.
type State int

const (
	// Fired means the fault is present.
	Fired State = iota
	// Resolved means the fault has cleared.
	Resolved
)

// String returns "fired" or "resolved".
func (s State) String() string {
	switch s {
	case Fired:
		return "fired"
	case Resolved:
		return "resolved"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// MarshalText encodes the state as its name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "fired" or "resolved".
func (s *State) UnmarshalText(b []byte) error {
	switch string(b) {
	case "fired":
		*s = Fired
	case "resolved":
		*s = Resolved
	default:
		return fmt.Errorf("notify: unknown alert state %q", b)
	}
	return nil
}

// Figure is one named value shown with an alert, such as the head block number.
// Figures keep the order in which they are given.
type Figure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Fig builds a Figure from any value, formatted with %v.
func Fig(name string, value any) Figure {
	return Figure{Name: name, Value: fmt.Sprint(value)}
}

// Alert is one fault report. Alerts with the same Key describe the same fault: the dispatcher
// keeps one firing entry per Key.
type Alert struct {
	Key      string    `json:"key"`      // what failed, e.g. "head_stalled"; required
	Severity Severity  `json:"severity"` // how urgent
	State    State     `json:"state"`    // fired or resolved
	Node     string    `json:"node"`     // host name of the reporting agent
	Role     string    `json:"role"`     // role of the node, e.g. "A", "B", "C", "F"
	Producer string    `json:"producer"` // producer account
	Message  string    `json:"message"`  // short description of the fault
	Figures  []Figure  `json:"figures,omitempty"`
	Time     time.Time `json:"time"` // when the fault was observed; zero means "now"
}
