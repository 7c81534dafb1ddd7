package notify

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Defaults used by NewDispatcher for zero fields.
const (
	// DefaultQueueSize bounds the alerts waiting for the dispatcher loop. The loop only
	// updates in-memory state per alert, so the queue fills only in a burst or when Run is
	// not running.
	DefaultQueueSize = 256
	// DefaultRepeatInterval is how often a firing alert is sent again (seed behaviour).
	DefaultRepeatInterval = 30 * time.Minute
	// DefaultChannelQueueSize bounds the messages waiting for one channel. It is what lets a
	// rate-limited channel delay messages instead of merging or dropping them.
	DefaultChannelQueueSize = 64
	// DefaultSendTimeout bounds one delivery attempt.
	DefaultSendTimeout = 15 * time.Second
)

// Upper bounds of the routing settings.
const (
	// MaxRepeatInterval bounds DispatcherConfig.RepeatInterval: an alert still firing is
	// repeated at least once a day.
	MaxRepeatInterval = 24 * time.Hour
	// MaxAfter bounds Route.After: a channel that hears of an alert only after a day is
	// no alert channel.
	MaxAfter = 24 * time.Hour
)

// DispatcherConfig configures a Dispatcher.
type DispatcherConfig struct {
	Channels       []ChannelConfig // at least one; names must be unique
	QueueSize      int             // Optional, defaults to DefaultQueueSize
	RepeatInterval time.Duration   // Optional, defaults to DefaultRepeatInterval; negative disables repeats
	Lang           Lang            // Optional, defaults to English
	Location       *time.Location  // Optional time zone for message times and digests, defaults to time.Local
	Digest         *DigestConfig   // Optional scheduled status digest
	Node           string          // Optional, fills Alert.Node when empty
	Role           string          // Optional, fills Alert.Role when empty
	Producer       string          // Optional, fills Alert.Producer when empty
	Clock          Clock           // Optional, defaults to SystemClock()
	Logger         hclog.Logger    // Optional, defaults to a null logger
}

// ChannelConfig attaches a Channel to a dispatcher with its routing and delivery settings.
type ChannelConfig struct {
	Channel     Channel       // required
	Route       Route         // which alerts go to this channel
	RateLimit   RateLimit     // Optional; zero means unlimited
	Retry       Retry         // Optional; zero fields take the Default* retry values
	QueueSize   int           // Optional, defaults to DefaultChannelQueueSize
	SendTimeout time.Duration // Optional, defaults to DefaultSendTimeout
}

// Route decides which alerts a channel receives. The zero Route sends every alert at once.
type Route struct {
	// MinSeverity is the lowest severity sent, e.g. Critical for SMS.
	MinSeverity Severity
	// After delays the first notice until the alert has been firing this long; an alert that
	// resolves earlier is never sent to this channel (nor its resolved notice).
	After time.Duration
}

// matches reports whether an alert of severity s is routed to the channel.
func (r Route) matches(s Severity) bool { return s >= r.MinSeverity }

// RateLimit is a token bucket: Burst messages at once, then one every Every. Messages beyond
// the limit wait in the channel's queue; they are never merged.
type RateLimit struct {
	Burst int           // bucket size; defaults to 1 when Every is set
	Every time.Duration // time to earn one token; 0 disables the limit
}

// Retry configures exponential backoff for transient send errors.
type Retry struct {
	MaxAttempts int           // Optional, defaults to DefaultRetryMaxAttempts; 1 disables retries
	Initial     time.Duration // Optional, defaults to DefaultRetryInitial
	Max         time.Duration // Optional, defaults to DefaultRetryMax
	MaxElapsed  time.Duration // Optional, defaults to DefaultRetryMaxElapsed
}

// Retry defaults.
const (
	DefaultRetryMaxAttempts = 6
	DefaultRetryInitial     = 2 * time.Second
	DefaultRetryMax         = time.Minute
	DefaultRetryMaxElapsed  = 10 * time.Minute
)

// DigestConfig schedules a status summary sent at fixed local times every day.
type DigestConfig struct {
	Times    []string      // local times "HH:MM", e.g. "07:00", "13:00", "19:00"; at least one
	Status   func() string // returns the status text; called from the dispatcher loop, must not block
	Channels []string      // names of the channels that receive it; empty means all
}

// withDefaults returns a copy of c with zero fields filled and checks it, collecting every
// problem into one error wrapping ErrConfig.
func (c DispatcherConfig) withDefaults() (DispatcherConfig, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if len(c.Channels) == 0 {
		bad("'channels' must list at least one channel")
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	} else if c.QueueSize < 0 {
		bad("'queue_size' (%d) must be positive", c.QueueSize)
	}
	if c.RepeatInterval == 0 {
		c.RepeatInterval = DefaultRepeatInterval
	} else if c.RepeatInterval > MaxRepeatInterval {
		bad("'repeat_interval' (%s) must be at most %s", c.RepeatInterval, MaxRepeatInterval)
	}
	if c.Lang == "" {
		c.Lang = English
	} else if !c.Lang.valid() {
		bad("'lang' %q must be %q or %q", c.Lang, English, Chinese)
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	if c.Logger == nil {
		c.Logger = hclog.NewNullLogger()
	}
	names := make(map[string]bool)
	chans := make([]ChannelConfig, len(c.Channels))
	for i, cc := range c.Channels {
		if cc.Channel == nil {
			bad("channel %d: 'channel' is required", i)
			continue
		}
		name := cc.Channel.Name()
		if name == "" || names[name] {
			bad("channel %d: name %q must be non-empty and unique", i, name)
		}
		names[name] = true
		if cc.QueueSize == 0 {
			cc.QueueSize = DefaultChannelQueueSize
		} else if cc.QueueSize < 0 {
			bad("channel %q: 'queue_size' (%d) must be positive", name, cc.QueueSize)
		}
		if cc.SendTimeout <= 0 {
			cc.SendTimeout = DefaultSendTimeout
		}
		if cc.RateLimit.Every < 0 || cc.RateLimit.Burst < 0 {
			bad("channel %q: 'rate_limit' must not be negative", name)
		}
		if cc.RateLimit.Every > 0 && cc.RateLimit.Burst == 0 {
			cc.RateLimit.Burst = 1
		}
		if cc.Route.After < 0 || cc.Route.After > MaxAfter {
			bad("channel %q: route 'after' (%s) must lie within 0 and %s", name, cc.Route.After, MaxAfter)
		}
		r := &cc.Retry
		if r.MaxAttempts == 0 {
			r.MaxAttempts = DefaultRetryMaxAttempts
		}
		if r.Initial == 0 {
			r.Initial = DefaultRetryInitial
		}
		if r.Max == 0 {
			r.Max = DefaultRetryMax
		}
		if r.MaxElapsed == 0 {
			r.MaxElapsed = DefaultRetryMaxElapsed
		}
		if r.MaxAttempts < 0 || r.Initial < 0 || r.Max < r.Initial || r.MaxElapsed < 0 {
			bad("channel %q: 'retry' needs max_attempts >= 1 and 0 < initial <= max", name)
		}
		chans[i] = cc
	}
	c.Channels = chans
	if c.Digest != nil {
		if len(c.Digest.Times) == 0 {
			bad("digest: 'times' must list at least one time")
		}
		if _, err := parseDigestTimes(c.Digest.Times); err != nil {
			bad("digest: %v", err)
		}
		if c.Digest.Status == nil {
			bad("digest: 'status' func is required")
		}
		for _, n := range c.Digest.Channels {
			if !names[n] {
				bad("digest: unknown channel %q", n)
			}
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return c, nil
}
