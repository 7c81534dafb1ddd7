package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WeComAppConfig configures WeCom (企业微信) application messages.
type WeComAppConfig struct {
	Name       string       // Optional, defaults to "wecom-app"
	CorpID     string       `hcl:"corp_id"`           // corpid; required
	CorpSecret Secret       `hcl:"secret"`            // the application's secret; required
	AgentID    int64        `hcl:"agent_id"`          // the application's agentid; required
	ToUser     []string     `hcl:"to_user,optional"`  // user ids, joined with "|"; "@all" for everyone (the default when ToParty is empty too)
	ToParty    []string     `hcl:"to_party,optional"` // department ids, joined with "|"
	BaseURL    string       `hcl:"base_url,optional"` // Optional, defaults to https://qyapi.weixin.qq.com
	HTTPClient *http.Client // Optional
	Clock      Clock        // Optional, used for token expiry; defaults to SystemClock()
}

func init() { RegisterKind("wecom_app", func() ChannelSettings { return new(WeComAppConfig) }) }

// SetDefaults fills the zero fields that have a default. Without recipients a message goes
// to everyone ("@all").
func (c *WeComAppConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "wecom-app"
	}
	if len(c.ToUser) == 0 && len(c.ToParty) == 0 {
		c.ToUser = []string{"@all"}
	}
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	c.BaseURL = baseURL(c.BaseURL, "https://qyapi.weixin.qq.com")
}

// Validate reports every problem of c.
func (c *WeComAppConfig) Validate() error {
	var p problems
	if c.CorpID == "" {
		p.add("CorpID", "wecom app: 'corp_id' is required")
	}
	if c.CorpSecret == "" {
		p.add("CorpSecret", "wecom app: 'secret' is required")
	}
	if c.AgentID == 0 {
		p.add("AgentID", "wecom app: 'agent_id' is required")
	}
	if len(c.ToUser) == 0 && len(c.ToParty) == 0 {
		p.add("ToUser", "wecom app: 'to_user' or 'to_party' is required")
	}
	if c.BaseURL != "" {
		if err := checkBaseURL(c.BaseURL); err != nil {
			p.add("BaseURL", "wecom app: 'base_url' %v", err)
		}
	}
	return p.err()
}

// NewChannel builds the WeCom application channel named name.
func (c *WeComAppConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewWeComApp(cfg)
}

// WeComApp sends text application messages. It fetches an access token with GET
// {BaseURL}/cgi-bin/gettoken?corpid=ID&corpsecret=SECRET, caches it until shortly before
// expires_in runs out, and posts {"touser":"a|b","toparty":"1","msgtype":"text","agentid":N,
// "text":{"content":...},"safe":0} to {BaseURL}/cgi-bin/message/send?access_token=TOKEN.
// When the token is rejected (errcode 40014 invalid, 42001 expired) it fetches a new one and
// sends once more.
type WeComApp struct {
	cfg  WeComAppConfig
	http httpBase

	mu      sync.Mutex
	token   Secret
	expires time.Time
}

var _ Channel = (*WeComApp)(nil)

// tokenMargin is how long before its stated expiry a cached access token is replaced.
const tokenMargin = 5 * time.Minute

// NewWeComApp checks cfg and returns the channel.
func NewWeComApp(cfg WeComAppConfig) (*WeComApp, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &WeComApp{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, cfg.CorpSecret)}, nil
}

// Name returns the configured name.
func (c *WeComApp) Name() string { return c.cfg.Name }

// Send delivers m as a text application message.
func (c *WeComApp) Send(ctx context.Context, m Message) error {
	for attempt := 0; ; attempt++ {
		token, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		err = c.send(ctx, token, m)
		var se *SendError
		if attempt == 0 && asSendError(err, &se) && (se.Code == "40014" || se.Code == "42001") {
			c.dropToken(token)
			continue
		}
		return err
	}
}

func (c *WeComApp) send(ctx context.Context, token Secret, m Message) error {
	body := struct {
		ToUser  string `json:"touser,omitempty"`
		ToParty string `json:"toparty,omitempty"`
		MsgType string `json:"msgtype"`
		AgentID int64  `json:"agentid"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
		Safe int `json:"safe"`
	}{
		ToUser:  strings.Join(c.cfg.ToUser, "|"),
		ToParty: strings.Join(c.cfg.ToParty, "|"),
		MsgType: "text",
		AgentID: c.cfg.AgentID,
	}
	body.Text.Content = truncate(m.Text, weComTextMax)
	h := c.http
	h.scrub = append(newScrubber(token), h.scrub...)
	r, err := h.postJSON(ctx, c.cfg.BaseURL+"/cgi-bin/message/send?access_token="+url.QueryEscape(token.Reveal()), body)
	if err != nil {
		return err
	}
	return weComResult(&h, r)
}

// accessToken returns the cached token or fetches a new one.
func (c *WeComApp) accessToken(ctx context.Context) (Secret, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.cfg.Clock.Now().Before(c.expires) {
		return c.token, nil
	}
	q := url.Values{"corpid": {c.cfg.CorpID}, "corpsecret": {c.cfg.CorpSecret.Reveal()}}
	r, err := c.http.do(ctx, http.MethodGet, c.cfg.BaseURL+"/cgi-bin/gettoken?"+q.Encode(), nil, nil)
	if err != nil {
		return "", err
	}
	if err := c.http.statusError(r); err != nil {
		return "", err
	}
	var tr struct {
		weComReply
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(r.body, &tr); err != nil {
		return "", &SendError{Channel: c.cfg.Name, Status: r.status, Err: fmt.Errorf("decode gettoken reply: %w", err)}
	}
	if tr.ErrCode != 0 || tr.AccessToken == "" {
		return "", c.http.providerError(r, strconv.Itoa(tr.ErrCode), "gettoken: "+tr.ErrMsg, weComTransient(tr.ErrCode))
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if life > 2*tokenMargin {
		life -= tokenMargin
	}
	c.token = Secret(tr.AccessToken)
	c.expires = c.cfg.Clock.Now().Add(life)
	return c.token, nil
}

// dropToken forgets token if it is still the cached one.
func (c *WeComApp) dropToken(token Secret) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == token {
		c.token = ""
	}
}

func asSendError(err error, se **SendError) bool {
	if err == nil {
		return false
	}
	e, ok := err.(*SendError)
	if ok {
		*se = e
	}
	return ok
}
