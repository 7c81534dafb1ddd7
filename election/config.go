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

	// maxSessionTTL and maxLockDelay are Consul's upper bounds.
	maxSessionTTL = 24 * time.Hour
	maxLockDelay  = 60 * time.Second
)

// Config configures an Election. Zero fields take the documented defaults;
// Validate reports every problem of the resulting configuration.
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
	// DefaultSessionTTL; must lie within [MinSessionTTL, 24h].
	SessionTTL time.Duration
	// MinSessionTTL is the session_ttl_min of the Consul servers. Optional,
	// defaults to DefaultMinSessionTTL; lower it only when the servers'
	// session_ttl_min is lowered too (tests).
	MinSessionTTL time.Duration
	// RenewInterval is the time between renewals. Optional, defaults to
	// SessionTTL/3; must be shorter than LostAfter.
	RenewInterval time.Duration
	// LostAfter is how long after the send time of the last successful
	// renewal a term gives up and closes Lost. Optional, defaults to 2/3 of
	// SessionTTL; must be shorter than SessionTTL and at most LockDelay. The
	// gap to FenceBy, min(SessionTTL, LockDelay) - LostAfter, is the time the
	// holder has left to pause its producer after Lost closes.
	LostAfter time.Duration
	// RequestTimeout bounds each renewal and each acquire step. Optional,
	// defaults to RenewInterval; at most LostAfter.
	RequestTimeout time.Duration
	// LockDelay is the session's lock-delay. Optional, defaults to
	// DefaultLockDelay; at most 60s (Consul's maximum).
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

// withDefaults returns a copy with every zero field filled in.
func (c Config) withDefaults() Config {
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
		c.RenewInterval = c.SessionTTL / 3
	}
	if c.LostAfter == 0 {
		c.LostAfter = c.SessionTTL * 2 / 3
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

// Validate fills in defaults on a copy and reports every problem found, each
// naming the fields involved.
func (c Config) Validate() error {
	return c.withDefaults().check()
}

func (c Config) check() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	if c.Client == nil {
		add("Client is required")
	}
	if c.Producer == "" {
		add("Producer is required")
	} else if strings.Contains(c.Producer, "/") {
		add("Producer (%q) must not contain '/'", c.Producer)
	}
	if c.Node == "" {
		add("Node is required")
	}
	if strings.HasPrefix(c.Prefix, "/") || strings.HasSuffix(c.Prefix, "/") {
		add("Prefix (%q) must not start or end with '/'", c.Prefix)
	}
	if c.MinSessionTTL <= 0 {
		add("MinSessionTTL (%s) must be positive", c.MinSessionTTL)
	}
	if c.SessionTTL < c.MinSessionTTL || c.SessionTTL > maxSessionTTL {
		add("SessionTTL (%s) must lie within MinSessionTTL (%s) and %s", c.SessionTTL, c.MinSessionTTL, maxSessionTTL)
	}
	if c.SessionTTL%time.Millisecond != 0 || c.LockDelay%time.Millisecond != 0 {
		add("SessionTTL (%s) and LockDelay (%s) must be whole milliseconds", c.SessionTTL, c.LockDelay)
	}
	if c.LockDelay < 0 || c.LockDelay > maxLockDelay {
		add("LockDelay (%s) must lie within 0 and %s", c.LockDelay, maxLockDelay)
	}
	if c.LostAfter <= 0 || c.LostAfter >= c.SessionTTL {
		add("LostAfter (%s) must be positive and shorter than SessionTTL (%s)", c.LostAfter, c.SessionTTL)
	}
	if c.LostAfter > c.LockDelay {
		add("LostAfter (%s) cannot be larger than LockDelay (%s): an invalidated session frees the lock after LockDelay", c.LostAfter, c.LockDelay)
	}
	if c.RenewInterval <= 0 || c.RenewInterval >= c.LostAfter {
		add("RenewInterval (%s) must be positive and shorter than LostAfter (%s)", c.RenewInterval, c.LostAfter)
	}
	if c.RequestTimeout <= 0 || c.RequestTimeout > c.LostAfter {
		add("RequestTimeout (%s) must be positive and at most LostAfter (%s)", c.RequestTimeout, c.LostAfter)
	}
	for _, id := range c.ServiceChecks {
		if id == "" {
			add("ServiceChecks must not contain an empty ID")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(errs...))
}

// fenceWindow is the time after the send of the last good renewal before
// which no rival can hold the lock: the TTL timer cannot fire sooner, and an
// instant invalidation is followed by LockDelay.
func (c Config) fenceWindow() time.Duration {
	return min(c.SessionTTL, c.LockDelay)
}
