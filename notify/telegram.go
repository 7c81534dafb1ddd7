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
	BotToken   Secret // required
	ChatID     string // numeric id or "@channelusername"; required
	BaseURL    string // Optional, defaults to https://api.telegram.org
	HTTPClient *http.Client
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
	if cfg.BotToken == "" || cfg.ChatID == "" {
		return nil, fmt.Errorf("%w: telegram: 'bot_token' and 'chat_id' are required", ErrConfig)
	}
	if cfg.Name == "" {
		cfg.Name = "telegram"
	}
	cfg.BaseURL = baseURL(cfg.BaseURL, "https://api.telegram.org")
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
