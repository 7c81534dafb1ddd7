package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// AliyunSMSConfig configures Aliyun (阿里云) SMS, API SendSms version 2017-05-25.
type AliyunSMSConfig struct {
	Name            string   // Optional, defaults to "aliyun-sms"
	AccessKeyID     Secret   `hcl:"access_key_id"`       // required
	AccessKeySecret Secret   `hcl:"access_key_secret"`   // required
	SignName        string   `hcl:"sign_name"`           // approved signature name; required
	TemplateCode    string   `hcl:"template_code"`       // approved template, e.g. "SMS_123456789"; required
	TextParam       string   `hcl:"text_param,optional"` // template variable that receives the text; defaults to "content"
	MaxText         int      `hcl:"max_text,optional"`   // Optional limit on the text in bytes (templates limit variable length)
	Mobiles         []string `hcl:"phone_numbers"`       // recipients; required
	RegionID        string   `hcl:"region_id,optional"`  // Optional, defaults to "cn-hangzhou"
	Endpoint        string   `hcl:"endpoint,optional"`   // Optional, defaults to https://dysmsapi.aliyuncs.com
	HTTPClient      *http.Client
	Clock           Clock         // Optional, for the Timestamp parameter
	Nonce           func() string // Optional, for SignatureNonce; defaults to random hex
}

func init() { RegisterKind("aliyun_sms", func() ChannelSettings { return new(AliyunSMSConfig) }) }

// SetDefaults fills the zero fields that have a default.
func (c *AliyunSMSConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "aliyun-sms"
	}
	if c.TextParam == "" {
		c.TextParam = "content"
	}
	if c.RegionID == "" {
		c.RegionID = "cn-hangzhou"
	}
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	if c.Nonce == nil {
		c.Nonce = randomNonce
	}
	c.Endpoint = baseURL(c.Endpoint, "https://dysmsapi.aliyuncs.com")
}

// Validate reports every problem of c.
func (c *AliyunSMSConfig) Validate() error {
	var p problems
	for _, f := range []struct {
		field, attr string
		missing     bool
	}{
		{"AccessKeyID", "access_key_id", c.AccessKeyID == ""},
		{"AccessKeySecret", "access_key_secret", c.AccessKeySecret == ""},
		{"SignName", "sign_name", c.SignName == ""},
		{"TemplateCode", "template_code", c.TemplateCode == ""},
		{"Mobiles", "phone_numbers", len(c.Mobiles) == 0},
	} {
		if f.missing {
			p.add(f.field, "aliyun sms: '%s' is required", f.attr)
		}
	}
	if c.Endpoint != "" {
		if err := checkBaseURL(c.Endpoint); err != nil {
			p.add("Endpoint", "aliyun sms: 'endpoint' %v", err)
		}
	}
	if c.MaxText < 0 || c.MaxText > MaxTextLimit {
		p.add("MaxText", "aliyun sms: 'max_text' %d must lie within 0 (no limit) and %d", c.MaxText, MaxTextLimit)
	}
	for _, m := range c.Mobiles {
		if strings.TrimSpace(m) == "" {
			p.add("Mobiles", "aliyun sms: 'phone_numbers' must not hold an empty number")
			break
		}
	}
	return p.err()
}

// NewChannel builds the Aliyun SMS channel named name.
func (c *AliyunSMSConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewAliyunSMS(cfg)
}

// AliyunSMS sends SMS through Aliyun's RPC API with signature version 1.0 (HMAC-SHA1): the
// parameters, sorted and percent-encoded, are signed as "POST&%2F&" + encoded query with the key
// AccessKeySecret + "&" and posted as a form to the endpoint. The reply's Code "OK" means
// success; throttling codes are transient.
type AliyunSMS struct {
	cfg  AliyunSMSConfig
	http httpBase
}

var _ Channel = (*AliyunSMS)(nil)

// NewAliyunSMS checks cfg and returns the channel.
func NewAliyunSMS(cfg AliyunSMSConfig) (*AliyunSMS, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &AliyunSMS{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, cfg.AccessKeySecret)}, nil
}

// Name returns the configured name.
func (c *AliyunSMS) Name() string { return c.cfg.Name }

// Send sends m's text to the configured mobiles.
func (c *AliyunSMS) Send(ctx context.Context, m Message) error {
	param, err := json.Marshal(map[string]string{c.cfg.TextParam: truncate(m.Text, c.cfg.MaxText)})
	if err != nil {
		return &SendError{Channel: c.cfg.Name, Permanent: true, Err: err}
	}
	p := map[string]string{
		"AccessKeyId":      c.cfg.AccessKeyID.Reveal(),
		"Action":           "SendSms",
		"Format":           "JSON",
		"PhoneNumbers":     strings.Join(c.cfg.Mobiles, ","),
		"RegionId":         c.cfg.RegionID,
		"SignName":         c.cfg.SignName,
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   c.cfg.Nonce(),
		"SignatureVersion": "1.0",
		"TemplateCode":     c.cfg.TemplateCode,
		"TemplateParam":    string(param),
		"Timestamp":        c.cfg.Clock.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          "2017-05-25",
	}
	query := aliyunQuery(p)
	body := query + "&Signature=" + aliyunEncode(aliyunSign(http.MethodPost, query, c.cfg.AccessKeySecret))
	r, err := c.http.do(ctx, http.MethodPost, c.cfg.Endpoint+"/",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte(body))
	if err != nil {
		return err
	}
	var ar struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
	}
	if jerr := json.Unmarshal(r.body, &ar); jerr != nil || ar.Code == "" {
		if err := c.http.statusError(r); err != nil {
			return err
		}
		return &SendError{Channel: c.cfg.Name, Status: r.status, Message: c.http.scrub.text(snippet(r.body)), Err: fmt.Errorf("decode reply: %w", jerr)}
	}
	if ar.Code == "OK" && r.status/100 == 2 {
		return nil
	}
	return c.http.providerError(r, ar.Code, ar.Message, aliyunTransient(ar.Code) || r.status >= 500)
}

// aliyunTransient lists Aliyun error codes worth retrying: flow control and service errors.
// Day limits (isv.DAY_LIMIT_CONTROL) and bad parameters are permanent for this message.
func aliyunTransient(code string) bool {
	switch code {
	case "isv.BUSINESS_LIMIT_CONTROL", "Throttling", "Throttling.User", "Throttling.Api",
		"isp.SYSTEM_ERROR", "ServiceUnavailable", "InternalError":
		return true
	}
	return false
}

// aliyunQuery returns the canonicalized query string: parameters sorted by name, names and
// values percent-encoded, joined with "&".
func aliyunQuery(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = aliyunEncode(k) + "=" + aliyunEncode(p[k])
	}
	return strings.Join(parts, "&")
}

// aliyunSign computes the signature version 1.0 over a canonicalized query.
func aliyunSign(method, query string, secret Secret) string {
	toSign := method + "&" + aliyunEncode("/") + "&" + aliyunEncode(query)
	mac := hmac.New(sha1.New, []byte(secret.Reveal()+"&"))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// aliyunEncode percent-encodes per RFC 3986 as Aliyun requires: only A-Z a-z 0-9 - _ . ~ are
// left as they are, and a space becomes %20.
func aliyunEncode(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
}

func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
