package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// SlackConfig configures a Slack incoming webhook.
type SlackConfig struct {
	Name       string // Optional, defaults to "slack"
	WebhookURL Secret // https://hooks.slack.com/services/...; required
	HTTPClient *http.Client
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
	if cfg.WebhookURL == "" {
		return nil, fmt.Errorf("%w: slack: 'webhook_url' is required", ErrConfig)
	}
	if cfg.Name == "" {
		cfg.Name = "slack"
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
