package notify

import (
	"context"
	"net/http"
)

// WebhookConfig configures a generic JSON webhook.
type WebhookConfig struct {
	Name       string            // Optional, defaults to "webhook"
	URL        Secret            `hcl:"url"`              // http(s) URL; required; may carry a token
	Header     map[string]Secret `hcl:"headers,optional"` // extra request headers, e.g. Authorization
	HTTPClient *http.Client
}

func init() { RegisterKind("webhook", func() ChannelSettings { return new(WebhookConfig) }) }

// SetDefaults fills the zero fields that have a default.
func (c *WebhookConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "webhook"
	}
}

// Validate reports every problem of c.
func (c *WebhookConfig) Validate() error {
	var p problems
	if c.URL == "" {
		p.add("URL", "webhook: 'url' is required")
	} else if !isHTTPURL(c.URL.Reveal()) {
		p.add("URL", "webhook: 'url' is not an http:// or https:// URL with a host")
	}
	return p.err()
}

// NewChannel builds the webhook channel named name.
func (c *WebhookConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewWebhook(cfg)
}

// Webhook posts the Message as JSON: {"kind":"alert","alert":{"key":...,"severity":"critical",
// "state":"fired",...},"repeat":0,"since":...,"title":...,"text":...}. Any 2xx reply is success;
// 408, 429 and 5xx are transient, other statuses permanent.
type Webhook struct {
	cfg  WebhookConfig
	http httpBase
}

var _ Channel = (*Webhook)(nil)

// NewWebhook checks cfg and returns the channel.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	secrets := []Secret{cfg.URL}
	for _, v := range cfg.Header {
		secrets = append(secrets, v)
	}
	return &Webhook{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, secrets...)}, nil
}

// Name returns the configured name.
func (c *Webhook) Name() string { return c.cfg.Name }

// Send posts m as JSON.
func (c *Webhook) Send(ctx context.Context, m Message) error {
	body, err := encodeMessage(m)
	if err != nil {
		return &SendError{Channel: c.cfg.Name, Permanent: true, Err: err}
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range c.cfg.Header {
		h.Set(k, v.Reveal())
	}
	r, err := c.http.do(ctx, http.MethodPost, c.cfg.URL.Reveal(), h, body)
	if err != nil {
		return err
	}
	return c.http.statusError(r)
}
