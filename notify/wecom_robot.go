package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// WeCom limits on content length, in bytes of UTF-8.
const (
	weComTextMax     = 2048
	weComMarkdownMax = 4096
)

// WeComRobotConfig configures a WeCom (企业微信) group robot webhook.
type WeComRobotConfig struct {
	Name       string       // Optional, defaults to "wecom"
	Key        Secret       `hcl:"key"`                        // the key=... value of the webhook URL; required
	Mobiles    []string     `hcl:"mentioned_mobiles,optional"` // mobiles to @mention (text messages only); "@all" mentions everyone
	Markdown   bool         `hcl:"markdown,optional"`          // send msgtype markdown instead of text; mentions are not supported there
	BaseURL    string       `hcl:"base_url,optional"`          // Optional, defaults to https://qyapi.weixin.qq.com
	HTTPClient *http.Client // Optional
}

func init() { RegisterKind("wecom_robot", func() ChannelSettings { return new(WeComRobotConfig) }) }

// SetDefaults fills the zero fields that have a default.
func (c *WeComRobotConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "wecom"
	}
	c.BaseURL = baseURL(c.BaseURL, "https://qyapi.weixin.qq.com")
}

// Validate reports every problem of c.
func (c *WeComRobotConfig) Validate() error {
	var p problems
	if c.Key == "" {
		p.add("Key", "wecom robot: 'key' is required")
	}
	if c.BaseURL != "" {
		if err := checkBaseURL(c.BaseURL); err != nil {
			p.add("BaseURL", "wecom robot: 'base_url' %v", err)
		}
	}
	return p.err()
}

// NewChannel builds the WeCom robot channel named name.
func (c *WeComRobotConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewWeComRobot(cfg)
}

// WeComRobot sends to a WeCom group robot: POST {BaseURL}/cgi-bin/webhook/send?key=KEY with
// {"msgtype":"text","text":{"content":...,"mentioned_mobile_list":[...]}} or msgtype
// markdown. The reply's errcode decides success; 45009 (rate limit) and -1 (busy) are
// transient, other codes permanent. A robot accepts 20 messages a minute, so configure a
// RateLimit of Burst 20, Every 3s or slower.
type WeComRobot struct {
	cfg  WeComRobotConfig
	http httpBase
}

var _ Channel = (*WeComRobot)(nil)

// NewWeComRobot checks cfg and returns the channel.
func NewWeComRobot(cfg WeComRobotConfig) (*WeComRobot, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &WeComRobot{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, cfg.Key)}, nil
}

// Name returns the configured name.
func (c *WeComRobot) Name() string { return c.cfg.Name }

// Send posts m to the robot.
func (c *WeComRobot) Send(ctx context.Context, m Message) error {
	type text struct {
		Content             string   `json:"content"`
		MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
	}
	type markdown struct {
		Content string `json:"content"`
	}
	var body any
	if c.cfg.Markdown {
		body = struct {
			MsgType  string   `json:"msgtype"`
			Markdown markdown `json:"markdown"`
		}{"markdown", markdown{truncate(m.Markdown, weComMarkdownMax)}}
	} else {
		body = struct {
			MsgType string `json:"msgtype"`
			Text    text   `json:"text"`
		}{"text", text{truncate(m.Text, weComTextMax), c.cfg.Mobiles}}
	}
	u := c.cfg.BaseURL + "/cgi-bin/webhook/send?key=" + url.QueryEscape(c.cfg.Key.Reveal())
	r, err := c.http.postJSON(ctx, u, body)
	if err != nil {
		return err
	}
	return weComResult(&c.http, r)
}

// weComReply is the common part of every WeCom API reply.
type weComReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// weComTransient lists WeCom error codes worth retrying: -1 system busy, 45009 API call
// frequency exceeded, 45033 too many concurrent calls.
func weComTransient(code int) bool { return code == -1 || code == 45009 || code == 45033 }

// weComResult checks the HTTP status and the errcode of a WeCom reply.
func weComResult(h *httpBase, r *reply) error {
	if err := h.statusError(r); err != nil {
		return err
	}
	var wr weComReply
	if err := json.Unmarshal(r.body, &wr); err != nil {
		return &SendError{Channel: h.name, Status: r.status, Message: h.scrub.text(snippet(r.body)), Err: fmt.Errorf("decode reply: %w", err)}
	}
	if wr.ErrCode != 0 {
		return h.providerError(r, strconv.Itoa(wr.ErrCode), wr.ErrMsg, weComTransient(wr.ErrCode))
	}
	return nil
}
