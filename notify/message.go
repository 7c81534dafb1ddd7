package notify

import (
	"context"
	"fmt"
	"time"
)

// Channel delivers messages to one destination (a chat group, an SMS gateway, a command).
//
// Send is called from a single goroutine per channel, so an implementation need not be safe for
// concurrent use, although all channels in this package are. Send must honour ctx (the
// dispatcher bounds each attempt with a timeout) and should return a *SendError that says
// whether the failure is permanent; other errors are treated as transient unless wrapped
// with backoff.Permanent.
type Channel interface {
	// Name identifies the channel in logs, routing and statistics. Names are unique per
	// dispatcher.
	Name() string
	// Send delivers one message.
	Send(ctx context.Context, m Message) error
}

// Kind says what a Message carries.
type Kind int

const (
	// KindAlert is a fired, repeated or resolved alert.
	KindAlert Kind = iota
	// KindDigest is a scheduled status summary.
	KindDigest
)

// String returns "alert" or "digest".
func (k Kind) String() string {
	switch k {
	case KindAlert:
		return "alert"
	case KindDigest:
		return "digest"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// MarshalText encodes the kind as its name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes "alert" or "digest".
func (k *Kind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "alert":
		*k = KindAlert
	case "digest":
		*k = KindDigest
	default:
		return fmt.Errorf("notify: unknown message kind %q", b)
	}
	return nil
}

// Message is what a channel sends: the alert (or digest) and its rendered text. Channels send
// Text, or Markdown where the provider supports it.
type Message struct {
	Kind     Kind      `json:"kind"`
	Alert    Alert     `json:"alert,omitzero"` // the alert; zero for a digest
	Repeat   int       `json:"repeat"`         // 0 for the first notice of a fault, n for its n-th repeat
	Since    time.Time `json:"since,omitzero"` // when the fault started firing; zero for a digest
	Title    string    `json:"title"`          // one-line summary
	Text     string    `json:"text"`           // plain text, several short lines
	Markdown string    `json:"-"`              // the same content as Markdown
}
