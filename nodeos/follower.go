package nodeos

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Follower defaults.
const (
	// DefaultPollInterval is how often a Follower at the end of the log looks for new lines,
	// rotation and truncation. nodeos writes a Received line every 500 ms, so a quarter of a
	// block interval keeps events at most one poll late.
	DefaultPollInterval = 250 * time.Millisecond
	// DefaultEventBuffer is the capacity of the Events channel: about two minutes of a busy
	// node's events, so a slow reader does not stall reading.
	DefaultEventBuffer = 1024
	// MaxLogLineBytes bounds one log line; longer lines (huge exception dumps) are dropped.
	MaxLogLineBytes = 1 << 20
)

// Follower errors.
var (
	// ErrFollowerConfig is wrapped by NewFollower for an invalid FollowerConfig.
	ErrFollowerConfig = errors.New("nodeos: invalid follower config")
	// ErrFollowerStarted is returned by Run when the Follower has already been run.
	ErrFollowerStarted = errors.New("nodeos: follower already started")
)

// StartPosition tells a Follower where to start reading. Its zero value is AtEnd().
type StartPosition struct {
	offset     int64
	fromOffset bool
}

// AtEnd starts at the current end of the log, so only lines written from then on are
// reported. A partly written last line is skipped. If the log does not exist yet, the file
// that appears is read from its beginning.
func AtEnd() StartPosition { return StartPosition{} }

// AtOffset starts at byte offset n, typically a value saved from Offset. If n is not at the
// start of a line, reading starts at the next line; if the log is now shorter than n, it was
// rotated or truncated, and reading starts at its beginning.
func AtOffset(n int64) StartPosition { return StartPosition{offset: n, fromOffset: true} }

// String describes the position for logs.
func (p StartPosition) String() string {
	if !p.fromOffset {
		return "end"
	}
	return fmt.Sprintf("offset %d", p.offset)
}

// FollowerConfig configures a Follower.
type FollowerConfig struct {
	// Path is the nodeos log file to follow. Required.
	Path string
	// Start is where to start reading. The zero value is AtEnd().
	Start StartPosition
	// PollInterval is the wait between looks at the file once all of it has been read.
	// Zero means DefaultPollInterval.
	PollInterval time.Duration
	// EventBuffer is the capacity of the Events channel. Zero means DefaultEventBuffer.
	EventBuffer int
	// Kinds, when not empty, limits the events reported to these kinds. Lines of other
	// kinds are skipped as cheaply as unrelated lines, without being parsed.
	Kinds []EventKind
	// Logger receives rotation notices and (rate-limited) parse errors. Nil means no logging.
	Logger hclog.Logger
}

// Follower follows a nodeos log file like `tail -F` and turns its lines into Events. It
// survives rotation by rename (the old file is read to its end before the new one is
// opened), copytruncate (a file that shrank, or whose bytes before the read offset changed,
// is read again from its start) and the file vanishing and reappearing. Lines are reported once each, in file order; a line without
// its newline is held until it is complete. Lines ParseLine rejects are counted and logged,
// never fatal.
//
// Following is done by polling os.Stat, so it works on any file system. Like tail, it
// cannot see lines written to a rotated file after the Follower has moved to the new one,
// nor lines that a copytruncate discards.
type Follower struct {
	cfg    FollowerConfig
	log    hclog.Logger
	events chan Event
	wanted [numEventKinds]bool // indexed by EventKind

	// testHookAtEOF, when set, runs each time Run has read to the end of the file and is
	// about to look for rotation; tests use it to write at that exact moment.
	testHookAtEOF func()

	started     atomic.Bool
	offset      atomic.Int64
	parseErrors atomic.Uint64
	lines       atomic.Uint64
}

// NewFollower returns a Follower for cfg. It does not touch the file; call Run.
func NewFollower(cfg FollowerConfig) (*Follower, error) {
	switch {
	case cfg.Path == "":
		return nil, fmt.Errorf("%w: no log path", ErrFollowerConfig)
	case cfg.PollInterval < 0:
		return nil, fmt.Errorf("%w: negative poll interval %s", ErrFollowerConfig, cfg.PollInterval)
	case cfg.EventBuffer < 0:
		return nil, fmt.Errorf("%w: negative event buffer %d", ErrFollowerConfig, cfg.EventBuffer)
	case cfg.Start.fromOffset && cfg.Start.offset < 0:
		return nil, fmt.Errorf("%w: negative start offset %d", ErrFollowerConfig, cfg.Start.offset)
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.EventBuffer == 0 {
		cfg.EventBuffer = DefaultEventBuffer
	}
	log := cfg.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	f := &Follower{cfg: cfg, log: log, events: make(chan Event, cfg.EventBuffer)}
	for k := EventKind(1); k < numEventKinds; k++ {
		f.wanted[k] = len(cfg.Kinds) == 0
	}
	for _, k := range cfg.Kinds {
		if k == EventUnknown || k >= numEventKinds {
			return nil, fmt.Errorf("%w: unknown event kind %d", ErrFollowerConfig, k)
		}
		f.wanted[k] = true
	}
	f.offset.Store(cfg.Start.offset)
	return f, nil
}

// Events returns the channel of parsed events. It is closed when Run returns, so a reader
// selecting on it must check the second value of the receive.
func (f *Follower) Events() <-chan Event { return f.events }

// Offset returns a byte offset in the file currently followed from which following can
// resume without losing a line: every line before it has been read and its event handed to
// the Events channel (where it may still wait). It can trail the lines read so far by one
// read. Safe for concurrent use.
func (f *Follower) Offset() int64 { return f.offset.Load() }

// ParseErrors returns how many lines carried a known message that did not parse.
func (f *Follower) ParseErrors() uint64 { return f.parseErrors.Load() }

// Lines returns how many complete lines have been read; like Offset, it can trail by one read.
func (f *Follower) Lines() uint64 { return f.lines.Load() }

// Run follows the log until ctx ends, sending events on Events, then closes Events and
// returns ctx's error. It blocks while the Events channel is full. A missing or unreadable
// file is waited for, not an error. Run may be called once; later calls return
// ErrFollowerStarted.
func (f *Follower) Run(ctx context.Context) error {
	if !f.started.CompareAndSwap(false, true) {
		return ErrFollowerStarted
	}
	defer close(f.events)
	t := newTail(f)
	defer t.close()

	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		progressed, err := t.step(ctx)
		if err != nil {
			return err
		}
		if progressed {
			continue
		}
		timer.Reset(f.cfg.PollInterval)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// emit parses one complete line (newline included or not) and sends its event.
func (f *Follower) emit(ctx context.Context, line []byte, errs *errorLimiter) error {
	f.lines.Add(1)
	if kind, _ := scanLine(trimEOL(line)); !f.wanted[kind] {
		return nil
	}
	ev, ok, err := ParseLine(line)
	return f.deliver(ctx, &ev, ok, err, line, errs)
}

// deliver sends the result of parsing line: the event, or nothing for a skipped line, or a
// counted and logged parse error.
func (f *Follower) deliver(ctx context.Context, ev *Event, ok bool, err error, line []byte, errs *errorLimiter) error {
	if err != nil {
		f.parseErrors.Add(1)
		errs.report(f.log, err, line)
		return nil
	}
	if !ok {
		return nil
	}
	select {
	case f.events <- *ev: // the usual case, without waiting
		return nil
	default:
	}
	select {
	case f.events <- *ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errorLimiter logs the first parse error, then at most one per interval with the number
// of errors suppressed since the last one logged.
type errorLimiter struct {
	interval   time.Duration
	last       time.Time
	suppressed int
}

func (l *errorLimiter) report(log hclog.Logger, err error, line []byte) {
	now := time.Now()
	if !l.last.IsZero() && now.Sub(l.last) < l.interval {
		l.suppressed++
		return
	}
	const maxShown = 200
	shown := trimEOL(line)
	if len(shown) > maxShown {
		shown = shown[:maxShown]
	}
	log.Warn("unparsable log line", "error", err, "line", string(shown), "suppressed", l.suppressed)
	l.last, l.suppressed = now, 0
}
