package notify

import (
	"context"
	"net/http"
	"strings"
)

// SlackConfig configures a Slack incoming webhook.
type SlackConfig struct {
	Name       string // Optional, defaults to "slack"
	WebhookURL Secret `hcl:"webhook_url"` // https://hooks.slack.com/services/...; required
	HTTPClient *http.Client
}

func init() { RegisterKind("slack", func() ChannelSettings { return new(SlackConfig) }) }

// SetDefaults fills the zero fields that have a default.
func (c *SlackConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "slack"
	}
}

// Validate reports every problem of c.
func (c *SlackConfig) Validate() error {
	var p problems
	if c.WebhookURL == "" {
		p.add("WebhookURL", "slack: 'webhook_url' is required")
	} else if !isHTTPURL(c.WebhookURL.Reveal()) {
		p.add("WebhookURL", "slack: 'webhook_url' is not an http:// or https:// URL with a host")
	}
	return p.err()
}

// NewChannel builds the Slack channel named name.
func (c *SlackConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewSlack(cfg)
}

// Slack posts {"text":...} to an incoming webhook. Slack answers 200 "ok"; errors come as
// 4xx with a short code such as "invalid_payload" or "channel_not_found" (permanent), 429 with
// Retry-After, or 5xx (transient).
type Slack struct {
	cfg  SlackConfig
	http httpBase
}

var _ Channel = (*Slack)(nil)

// NewSlack checks cfg and returns the channel.
func NewSlack(cfg SlackConfig) (*Slack, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Slack{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, cfg.WebhookURL)}, nil
}

// Name returns the configured name.
func (c *Slack) Name() string { return c.cfg.Name }

// slackEscape escapes the three characters Slack's text formatting reserves.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Send posts m's text.
func (c *Slack) Send(ctx context.Context, m Message) error {
	r, err := c.http.postJSON(ctx, c.cfg.WebhookURL.Reveal(), map[string]string{"text": slackEscape.Replace(m.Text)})
	if err != nil {
		return err
	}
	return c.http.statusError(r)
}
