package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// DingTalkConfig configures a DingTalk (钉钉) custom group robot.
type DingTalkConfig struct {
	Name        string   // Optional, defaults to "dingtalk"
	AccessToken Secret   `hcl:"access_token"`               // the access_token=... value of the webhook URL; required
	Secret      Secret   `hcl:"secret,optional"`            // the "SEC..." signing secret, if the robot uses signing
	Mobiles     []string `hcl:"mentioned_mobiles,optional"` // mobiles to @mention
	Markdown    bool     `hcl:"markdown,optional"`          // send msgtype markdown instead of text
	BaseURL     string   `hcl:"base_url,optional"`          // Optional, defaults to https://oapi.dingtalk.com
	HTTPClient  *http.Client
	Clock       Clock // Optional, for the signing timestamp
}

func init() { RegisterKind("dingtalk", func() ChannelSettings { return new(DingTalkConfig) }) }

// SetDefaults fills the zero fields that have a default.
func (c *DingTalkConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "dingtalk"
	}
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	c.BaseURL = baseURL(c.BaseURL, "https://oapi.dingtalk.com")
}

// Validate reports every problem of c.
func (c *DingTalkConfig) Validate() error {
	var p problems
	if c.AccessToken == "" {
		p.add("AccessToken", "dingtalk: 'access_token' is required")
	}
	if c.BaseURL != "" {
		if err := checkBaseURL(c.BaseURL); err != nil {
			p.add("BaseURL", "dingtalk: 'base_url' %v", err)
		}
	}
	return p.err()
}

// NewChannel builds the DingTalk channel named name.
func (c *DingTalkConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewDingTalk(cfg)
}

// DingTalk sends to a DingTalk robot: POST {BaseURL}/robot/send?access_token=T with
// {"msgtype":"text","text":{"content":...},"at":{"atMobiles":[...],"isAtAll":false}}. With a
// signing secret it adds timestamp (milliseconds) and sign = URL-escaped
// base64(HMAC-SHA256(secret, timestamp+"\n"+secret)). errcode 130101 (sending too fast) and -1
// are transient.
type DingTalk struct {
	cfg  DingTalkConfig
	http httpBase
}

var _ Channel = (*DingTalk)(nil)

// NewDingTalk checks cfg and returns the channel.
func NewDingTalk(cfg DingTalkConfig) (*DingTalk, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &DingTalk{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, cfg.AccessToken, cfg.Secret)}, nil
}

// Name returns the configured name.
func (c *DingTalk) Name() string { return c.cfg.Name }

// dingTalkSign returns the sign parameter for a millisecond timestamp (not yet URL-escaped).
func dingTalkSign(timestamp string, secret Secret) string {
	mac := hmac.New(sha256.New, []byte(secret.Reveal()))
	mac.Write([]byte(timestamp + "\n" + secret.Reveal()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send posts m to the robot.
func (c *DingTalk) Send(ctx context.Context, m Message) error {
	type at struct {
		AtMobiles []string `json:"atMobiles,omitempty"`
		IsAtAll   bool     `json:"isAtAll"`
	}
	mention := at{AtMobiles: c.cfg.Mobiles}
	var body any
	if c.cfg.Markdown {
		text := m.Markdown
		for _, mob := range c.cfg.Mobiles {
			text += " @" + mob // DingTalk only notifies mobiles that also appear in the text
		}
		body = struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Title string `json:"title"`
				Text  string `json:"text"`
			} `json:"markdown"`
			At at `json:"at"`
		}{MsgType: "markdown", Markdown: struct {
			Title string `json:"title"`
			Text  string `json:"text"`
		}{m.Title, text}, At: mention}
	} else {
		body = struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
			At at `json:"at"`
		}{MsgType: "text", Text: struct {
			Content string `json:"content"`
		}{m.Text}, At: mention}
	}
	q := url.Values{"access_token": {c.cfg.AccessToken.Reveal()}}
	if c.cfg.Secret != "" {
		ts := strconv.FormatInt(c.cfg.Clock.Now().UnixMilli(), 10)
		q.Set("timestamp", ts)
		q.Set("sign", dingTalkSign(ts, c.cfg.Secret))
	}
	r, err := c.http.postJSON(ctx, c.cfg.BaseURL+"/robot/send?"+q.Encode(), body)
	if err != nil {
		return err
	}
	if err := c.http.statusError(r); err != nil {
		return err
	}
	var dr struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(r.body, &dr); err != nil {
		return &SendError{Channel: c.cfg.Name, Status: r.status, Message: c.http.scrub.text(snippet(r.body)), Err: fmt.Errorf("decode reply: %w", err)}
	}
	if dr.ErrCode != 0 {
		return c.http.providerError(r, strconv.Itoa(dr.ErrCode), dr.ErrMsg, dr.ErrCode == 130101 || dr.ErrCode == -1)
	}
	return nil
}
