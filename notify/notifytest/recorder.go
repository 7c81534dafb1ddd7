package notifytest

import (
	"context"
	"fmt"
	"sync"

	"github.com/eoskeeper/eoskeeper/notify"
)

var _ notify.Channel = (*Recorder)(nil)

// Recorder is a notify.Channel that records every message it is sent. Set Fail to make sends
// fail; a failed send is recorded in Attempts but not in Messages.
type Recorder struct {
	// Fail, if set, is called for every send; a non-nil result is returned as the send error.
	// Set it before the recorder is used.
	Fail func(m notify.Message) error

	name     string
	mu       sync.Mutex
	msgs     []notify.Message
	attempts int
	changed  chan struct{}
}

// NewRecorder returns a recorder channel with the given name.
func NewRecorder(name string) *Recorder {
	return &Recorder{name: name, changed: make(chan struct{})}
}

// Name returns the name given to NewRecorder.
func (r *Recorder) Name() string { return r.name }

// Send records m, or returns Fail's error.
func (r *Recorder) Send(ctx context.Context, m notify.Message) error {
	var err error
	if r.Fail != nil {
		err = r.Fail(m)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if err == nil {
		r.msgs = append(r.msgs, m)
	}
	close(r.changed)
	r.changed = make(chan struct{})
	return err
}

// Messages returns a copy of the messages delivered so far, in order.
func (r *Recorder) Messages() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Message(nil), r.msgs...)
}

// Attempts returns the number of Send calls, successful or not.
func (r *Recorder) Attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}

// Wait blocks until at least n messages have been delivered and returns them, or returns an
// error naming how many arrived if ctx ends first.
func (r *Recorder) Wait(ctx context.Context, n int) ([]notify.Message, error) {
	return r.waitFor(ctx, func() bool { return len(r.msgs) >= n }, fmt.Sprintf("%d messages", n))
}

// WaitAttempts blocks until at least n Send calls have been made.
func (r *Recorder) WaitAttempts(ctx context.Context, n int) error {
	_, err := r.waitFor(ctx, func() bool { return r.attempts >= n }, fmt.Sprintf("%d attempts", n))
	return err
}

func (r *Recorder) waitFor(ctx context.Context, done func() bool, what string) ([]notify.Message, error) {
	for {
		r.mu.Lock()
		ok, changed := done(), r.changed
		msgs := append([]notify.Message(nil), r.msgs...)
		attempts := r.attempts
		r.mu.Unlock()
		if ok {
			return msgs, nil
		}
		select {
		case <-ctx.Done():
			return msgs, fmt.Errorf("notifytest: %s: waiting for %s, have %d messages after %d attempts: %w",
				r.name, what, len(msgs), attempts, ctx.Err())
		case <-changed:
		}
	}
}
