package election

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"
)

// Defaults filled in by New for zero Config fields.
const (
	// DefaultPrefix is the KV prefix under which each producer has its keys.
	DefaultPrefix = "eoskeeper"
	// DefaultSessionTTL is the Consul session TTL. Consul frees the lock no
	// earlier than one TTL (usually two) after the last renewal it received.
	DefaultSessionTTL = 15 * time.Second
	// DefaultLockDelay is the time Consul refuses the lock after the holder's
	// session is invalidated (destroy, node leave, failed check). It must be
	// at least LostAfter, because such invalidations are instant.
	DefaultLockDelay = 15 * time.Second
	// DefaultMinSessionTTL is Consul's own lower bound (session_ttl_min).
	DefaultMinSessionTTL = 10 * time.Second

	// MaxSessionTTL is Consul's upper bound on a session TTL.
	MaxSessionTTL = 24 * time.Hour
	// MaxLockDelay is Consul's upper bound on a session's lock-delay.
	MaxLockDelay = 60 * time.Second
)

// Config configures an Election. Zero fields take the documented defaults
// (WithDefaults fills them); Validate reports every problem of the resulting
// configuration.
type Config struct {
	// Client talks to the local Consul agent. Required.
	Client *api.Client
	// Producer is the producer account the lock is for, used as a key
	// segment. Required; must not contain '/'.
	Producer string
	// Prefix is the KV prefix. Optional, defaults to DefaultPrefix. The lock
	// key is <Prefix>/<Producer>/leader, the maintenance flag
	// <Prefix>/<Producer>/maintenance, the hand-off request
	// <Prefix>/<Producer>/switchover.
	Prefix string
	// Node names this agent in records and session names. Required.
	Node string

	// SessionTTL is the Consul session TTL. Optional, defaults to
	// DefaultSessionTTL; must lie within [MinSessionTTL, MaxSessionTTL].
	SessionTTL time.Duration
	// MinSessionTTL is the session_ttl_min of the Consul servers. Optional,
	// defaults to DefaultMinSessionTTL; lower it only when the servers'
	// session_ttl_min is lowered too (tests).
	MinSessionTTL time.Duration
	// RenewInterval is the time between renewals. Optional, defaults to
	// DefaultRenewInterval(SessionTTL), a third of it; must be shorter than
	// LostAfter.
	RenewInterval time.Duration
	// LostAfter is how long after the send time of the last successful
	// renewal a term gives up and closes Lost. Optional, defaults to
	// DefaultLostAfter(SessionTTL), two thirds of it; must be shorter than
	// SessionTTL, longer than RenewInterval and at most LockDelay. The
	// gap to FenceBy, min(SessionTTL, LockDelay) - LostAfter, is the time the
	// holder has left to pause its producer after Lost closes.
	LostAfter time.Duration
	// RequestTimeout bounds each renewal and each acquire step. Optional,
	// defaults to RenewInterval; at most LostAfter.
	RequestTimeout time.Duration
	// LockDelay is the session's lock-delay. Optional, defaults to
	// DefaultLockDelay; at most MaxLockDelay (Consul's maximum).
	LockDelay time.Duration
	// ServiceChecks are IDs of service checks on the local agent the session
	// is bound to: the session is refused while one is critical and is
	// invalidated when one turns critical. Optional; serfHealth is never
	// bound, so agent gossip trouble cannot invalidate the session.
	ServiceChecks []string
	// Logger receives the election's log lines. Optional, defaults to a null
	// logger.
	Logger hclog.Logger
}

// DefaultLostAfter returns the default LostAfter for a session TTL: two
// thirds of it, so a holder whose renewals fail gives up well before Consul
// could let anyone else take the lock.
func DefaultLostAfter(ttl time.Duration) time.Duration { return ttl * 2 / 3 }

// DefaultRenewInterval returns the default RenewInterval for a session TTL:
// a third of it, so two renewals may fail before LostAfter runs out.
func DefaultRenewInterval(ttl time.Duration) time.Duration { return ttl / 3 }

// WithDefaults returns a copy with every zero field filled in.
func (c Config) WithDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.MinSessionTTL == 0 {
		c.MinSessionTTL = DefaultMinSessionTTL
	}
	if c.RenewInterval == 0 {
		c.RenewInterval = DefaultRenewInterval(c.SessionTTL)
	}
	if c.LostAfter == 0 {
		c.LostAfter = DefaultLostAfter(c.SessionTTL)
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = c.RenewInterval
	}
	if c.LockDelay == 0 {
		c.LockDelay = DefaultLockDelay
	}
	if c.Logger == nil {
		c.Logger = hclog.NewNullLogger()
	}
	return c
}

// FieldError is one problem Validate found, attributed to the Config field
// at fault (for a rule between two fields, the one whose documentation states
// the rule). Its text names every field involved.
type FieldError struct {
	// Field is the name of the Config field, e.g. "LostAfter".
	Field string
	// Err says what is wrong.
	Err error
}

// Error returns the problem's text.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate fills in defaults on a copy and reports every problem found. The
// error wraps ErrInvalidConfig and joins one *FieldError per problem.
func (c Config) Validate() error {
	return c.WithDefaults().check()
}

func (c Config) check() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Err: fmt.Errorf(format, args...)})
	}
	if c.Client == nil {
		add("Client", "Client is required")
	}
	if c.Producer == "" {
		add("Producer", "Producer is required")
	} else if strings.Contains(c.Producer, "/") {
		add("Producer", "Producer (%q) must not contain '/'", c.Producer)
	}
	if c.Node == "" {
		add("Node", "Node is required")
	}
	if strings.HasPrefix(c.Prefix, "/") || strings.HasSuffix(c.Prefix, "/") {
		add("Prefix", "Prefix (%q) must not start or end with '/'", c.Prefix)
	} else if err := checkKeyPath(c.Prefix, MaxPrefixLen); err != nil {
		add("Prefix", "Prefix (%q) %v", c.Prefix, err)
	}
	if c.Producer != "" && !strings.Contains(c.Producer, "/") {
		if err := checkKeyPath(c.Producer, MaxNameLen); err != nil {
			add("Producer", "Producer (%q) %v", c.Producer, err)
		}
	}
	if c.Node != "" {
		if strings.Contains(c.Node, "/") {
			add("Node", "Node (%q) must not contain '/'", c.Node)
		} else if err := checkKeyPath(c.Node, MaxNameLen); err != nil {
			add("Node", "Node (%q) %v", c.Node, err)
		}
	}
	if c.MinSessionTTL <= 0 {
		add("MinSessionTTL", "MinSessionTTL (%s) must be positive", c.MinSessionTTL)
	}
	if c.SessionTTL < c.MinSessionTTL || c.SessionTTL > MaxSessionTTL {
		add("SessionTTL", "SessionTTL (%s) must lie within MinSessionTTL (%s) and %s (Consul's limits)", c.SessionTTL, c.MinSessionTTL, MaxSessionTTL)
	}
	if c.SessionTTL%time.Millisecond != 0 {
		add("SessionTTL", "SessionTTL (%s) must be whole milliseconds", c.SessionTTL)
	}
	if c.LockDelay%time.Millisecond != 0 {
		add("LockDelay", "LockDelay (%s) must be whole milliseconds", c.LockDelay)
	}
	if c.LockDelay < 0 || c.LockDelay > MaxLockDelay {
		add("LockDelay", "LockDelay (%s) must lie within 0 and %s (Consul's limit)", c.LockDelay, MaxLockDelay)
	}
	if c.LostAfter <= 0 || c.LostAfter >= c.SessionTTL {
		add("LostAfter", "LostAfter (%s) must be positive and shorter than SessionTTL (%s): a holder must fence before Consul can give the lock away", c.LostAfter, c.SessionTTL)
	}
	if c.LostAfter > c.LockDelay {
		add("LostAfter", "LostAfter (%s) cannot be larger than LockDelay (%s): an invalidated session frees the lock after LockDelay, the margin that covers a holder still fencing", c.LostAfter, c.LockDelay)
	}
	if c.RenewInterval <= 0 || c.RenewInterval >= c.LostAfter {
		add("RenewInterval", "RenewInterval (%s) must be positive and shorter than LostAfter (%s), or one late renewal would end the term", c.RenewInterval, c.LostAfter)
	}
	if c.RequestTimeout <= 0 || c.RequestTimeout > c.LostAfter {
		add("RequestTimeout", "RequestTimeout (%s) must be positive and at most LostAfter (%s)", c.RequestTimeout, c.LostAfter)
	}
	for _, id := range c.ServiceChecks {
		if id == "" {
			add("ServiceChecks", "ServiceChecks must not contain an empty ID")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(errs...))
}

// Bounds of the names that become Consul KV key segments.
const (
	// MaxPrefixLen bounds Prefix.
	MaxPrefixLen = 128
	// MaxNameLen bounds Producer and Node.
	MaxNameLen = 64
)

// checkKeyPath checks a '/'-separated KV key path: at most max bytes, segments non-empty, made
// of letters, digits, '_', '-' and '.', and neither "." nor "..". Consul takes keys as URL
// paths, so such segments would be cleaned away or escape the prefix.
func checkKeyPath(p string, max int) error {
	if len(p) > max {
		return fmt.Errorf("is longer than %d bytes", max)
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "":
			return errors.New("must not have an empty segment ('//')")
		case ".", "..":
			return fmt.Errorf("must not have a %q segment", seg)
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
				return fmt.Errorf("may hold only letters, digits, '_', '-', '.' and '/' (found %q)", r)
			}
		}
	}
	return nil
}

// fenceWindow is the time after the send of the last good renewal before
// which no rival can hold the lock: the TTL timer cannot fire sooner, and an
// instant invalidation is followed by LockDelay.
func (c Config) fenceWindow() time.Duration {
	return min(c.SessionTTL, c.LockDelay)
}
