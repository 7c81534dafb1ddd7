package baseline

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Defaults filled in by New for zero Config fields. They are the old daemon's settings.
const (
	// DefaultInterval is the time between two get_info samples.
	DefaultInterval = time.Second
	// DefaultAbsentB is role B's absent span before it resumes: about two 126 s rounds of a
	// 21-producer schedule.
	DefaultAbsentB = 250 * time.Second
	// DefaultAbsentC is role C's absent span before it resumes: about six and a half rounds.
	DefaultAbsentC = 850 * time.Second
)

// ErrInvalidConfig is matched by every error New returns for a bad Config (a *ConfigError).
var ErrInvalidConfig = errors.New("baseline: invalid config")

// ConfigError names the Config field New refused and why.
type ConfigError struct {
	Field  string // the Config field, e.g. "Role"
	Reason string // what is wrong with it
}

// Error returns "baseline: invalid config: <Field>: <Reason>".
func (e *ConfigError) Error() string {
	return fmt.Sprintf("%v: %s: %s", ErrInvalidConfig, e.Field, e.Reason)
}

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Role is the agent's place in the old failover order.
type Role int

const (
	// RoleA is the primary: its nodeos produces from the start and the agent takes no action.
	RoleA Role = iota + 1
	// RoleB is the first standby: it resumes after DefaultAbsentB of our producer's absence.
	RoleB
	// RoleC is the second standby: it resumes after DefaultAbsentC.
	RoleC
)

// String returns "A", "B", "C", or "Role(n)" for an invalid value.
func (r Role) String() string {
	switch r {
	case RoleA:
		return "A"
	case RoleB:
		return "B"
	case RoleC:
		return "C"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// ParseRole parses "A", "B" or "C" (any case).
func ParseRole(s string) (Role, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "A":
		return RoleA, nil
	case "B":
		return RoleB, nil
	case "C":
		return RoleC, nil
	}
	return 0, fmt.Errorf("baseline: unknown role %q: must be A, B or C", s)
}

// DefaultAbsent returns the role's default absent span: DefaultAbsentB, DefaultAbsentC, or 0
// for RoleA, which never resumes.
func (r Role) DefaultAbsent() time.Duration {
	switch r {
	case RoleB:
		return DefaultAbsentB
	case RoleC:
		return DefaultAbsentC
	}
	return 0
}

// Config configures an Agent.
type Config struct {
	// URL is the base URL of this host's nodeos HTTP API, e.g. "http://127.0.0.1:8888". Required.
	URL string
	// Producer is our producer account, compared with get_info's head_block_producer. Required.
	Producer string
	// Role is RoleA, RoleB or RoleC. Required.
	Role Role
	// Absent is how long our producer must be absent from the head, in wall time, before a
	// standby resumes. Optional, defaults to Role.DefaultAbsent(); ignored for RoleA.
	Absent time.Duration
	// Interval is the time between two samples. Optional, defaults to DefaultInterval.
	Interval time.Duration
	// Timeout bounds each nodeos call. Optional, defaults to nodeos.DefaultTimeout.
	Timeout time.Duration
}

// withDefaults validates c and fills its zero optional fields.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.URL) == "" {
		return c, &ConfigError{Field: "URL", Reason: "required, e.g. http://127.0.0.1:8888"}
	}
	if c.Producer == "" {
		return c, &ConfigError{Field: "Producer", Reason: "required"}
	}
	if !validName(c.Producer) {
		return c, &ConfigError{Field: "Producer", Reason: fmt.Sprintf("%q is not an account name (1-12 of a-z, 1-5 and '.')", c.Producer)}
	}
	if c.Role < RoleA || c.Role > RoleC {
		return c, &ConfigError{Field: "Role", Reason: fmt.Sprintf("%s: must be A, B or C", c.Role)}
	}
	if c.Absent < 0 {
		return c, &ConfigError{Field: "Absent", Reason: fmt.Sprintf("%s must not be negative", c.Absent)}
	}
	if c.Interval < 0 {
		return c, &ConfigError{Field: "Interval", Reason: fmt.Sprintf("%s must not be negative", c.Interval)}
	}
	if c.Timeout < 0 {
		return c, &ConfigError{Field: "Timeout", Reason: fmt.Sprintf("%s must not be negative", c.Timeout)}
	}
	if c.Role == RoleA {
		c.Absent = 0
	} else if c.Absent == 0 {
		c.Absent = c.Role.DefaultAbsent()
	}
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout == 0 {
		c.Timeout = nodeos.DefaultTimeout
	}
	return c, nil
}

// validName reports whether s is an EOS account name as producers use them: 1 to 12
// characters of a-z, 1-5 and '.', not ending in '.'.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 12 || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '1' && r <= '5' || r == '.') {
			return false
		}
	}
	return true
}
