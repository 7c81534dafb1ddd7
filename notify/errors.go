package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Sentinel errors returned by this package. Compare with errors.Is.
var (
	// ErrBadSeverity is returned by ParseSeverity for an unknown name.
	ErrBadSeverity = errors.New("notify: unknown severity")
	// ErrConfig wraps every configuration problem found by a constructor or Validate.
	ErrConfig = errors.New("notify: invalid configuration")
	// ErrRunning is returned by Dispatcher.Run when the dispatcher has already been run.
	ErrRunning = errors.New("notify: dispatcher already run")
)

// SendError is the error a Channel returns when a message was not delivered. Permanent says
// whether trying again can help: bad credentials, a malformed request or a rejected recipient
// are permanent; timeouts, 5xx replies and provider rate limits are not.
//
// The error text never contains the request URL or any credential.
type SendError struct {
	Channel    string        // channel name
	Permanent  bool          // true if retrying cannot succeed
	Status     int           // HTTP status of the reply, 0 if none was received
	Code       string        // provider error code, e.g. "45009"; empty if none
	Message    string        // provider error text, credentials removed
	RetryAfter time.Duration // wait requested by the provider, 0 if none
	Err        error         // underlying cause, may be nil
}

// Error describes the failure without any credential or URL.
func (e *SendError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "notify: %s:", e.Channel)
	if e.Status != 0 {
		fmt.Fprintf(&b, " status %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " code %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, " %q", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " %v", e.Err)
	}
	if e.Permanent {
		b.WriteString(" (permanent)")
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err says that retrying the send cannot help: a *SendError with
// Permanent set, or an error marked with backoff.Permanent. Context cancellation is not
// permanent by itself; the caller decides based on its own context.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent
	}
	var pe *backoff.PermanentError
	return errors.As(err, &pe)
}

// retryAfter returns the provider's requested wait carried by err, or 0.
func retryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// isTimeout reports whether err is a deadline or network timeout.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
