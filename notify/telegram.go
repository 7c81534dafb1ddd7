package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// telegramTextMax is Telegram's message length limit (characters; bytes is stricter).
const telegramTextMax = 4096

// TelegramConfig configures a Telegram bot.
type TelegramConfig struct {
	Name       string // Optional, defaults to "telegram"
	BotToken   Secret `hcl:"bot_token"`         // required
	ChatID     string `hcl:"chat_id"`           // numeric id or "@channelusername"; required
	BaseURL    string `hcl:"base_url,optional"` // Optional, defaults to https://api.telegram.org
	HTTPClient *http.Client
}

func init() { RegisterKind("telegram", func() ChannelSettings { return new(TelegramConfig) }) }

// SetDefaults fills the zero fields that have a default.
func (c *TelegramConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "telegram"
	}
	c.BaseURL = baseURL(c.BaseURL, "https://api.telegram.org")
}

// Validate reports every problem of c.
func (c *TelegramConfig) Validate() error {
	var p problems
	if c.BotToken == "" {
		p.add("BotToken", "telegram: 'bot_token' is required")
	}
	if c.ChatID == "" {
		p.add("ChatID", "telegram: 'chat_id' is required")
	}
	if c.BaseURL != "" {
		if err := checkBaseURL(c.BaseURL); err != nil {
			p.add("BaseURL", "telegram: 'base_url' %v", err)
		}
	}
	return p.err()
}

// NewChannel builds the Telegram channel named name.
func (c *TelegramConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewTelegram(cfg)
}

// Telegram sends plain text with POST {BaseURL}/bot<token>/sendMessage and
// {"chat_id":...,"text":...}. A reply with "ok":false carries error_code and description;
// 429 (with parameters.retry_after) and 5xx are transient.
type Telegram struct {
	cfg  TelegramConfig
	http httpBase
}

var _ Channel = (*Telegram)(nil)

// NewTelegram checks cfg and returns the channel.
func NewTelegram(cfg TelegramConfig) (*Telegram, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Telegram{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, cfg.BotToken)}, nil
}

// Name returns the configured name.
func (c *Telegram) Name() string { return c.cfg.Name }

// Send posts m's text to the chat.
func (c *Telegram) Send(ctx context.Context, m Message) error {
	body := map[string]string{"chat_id": c.cfg.ChatID, "text": truncate(m.Text, telegramTextMax)}
	r, err := c.http.postJSON(ctx, c.cfg.BaseURL+"/bot"+url.PathEscape(c.cfg.BotToken.Reveal())+"/sendMessage", body)
	if err != nil {
		return err
	}
	var tr struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(r.body, &tr); err != nil {
		if serr := c.http.statusError(r); serr != nil {
			return serr
		}
		return &SendError{Channel: c.cfg.Name, Status: r.status, Err: fmt.Errorf("decode reply: %w", err)}
	}
	if tr.OK && r.status/100 == 2 {
		return nil
	}
	code := tr.ErrorCode
	if code == 0 {
		code = r.status
	}
	se := c.http.providerError(r, strconv.Itoa(code), tr.Description, transientStatus(code))
	if tr.Parameters.RetryAfter > 0 {
		se.RetryAfter = time.Duration(tr.Parameters.RetryAfter) * time.Second
	}
	return se
}
