package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// BodyEncoding says how placeholder values are escaped in an SMSTemplate body.
type BodyEncoding string

const (
	// BodyJSON escapes values for use inside a JSON string literal ("text":"{{text}}").
	BodyJSON BodyEncoding = "json"
	// BodyForm escapes values for application/x-www-form-urlencoded bodies.
	BodyForm BodyEncoding = "form"
	// BodyRaw inserts values unchanged.
	BodyRaw BodyEncoding = "raw"
)

// SMSTemplateConfig describes an SMS gateway's HTTP API as a request template. The
// placeholders {{mobiles}} (the mobiles joined with MobileSeparator) and {{text}} (the message
// text) may appear in URL, header values and Body; in URL they are query-escaped, in Body they
// are escaped according to Encoding.
type SMSTemplateConfig struct {
	Name            string            // Optional, defaults to "sms"
	Method          string            `hcl:"method,optional"`           // Optional, defaults to POST
	URL             Secret            `hcl:"url"`                       // http(s) request URL, may carry an API key; required
	Header          map[string]Secret `hcl:"headers,optional"`          // request headers, may carry credentials
	Body            Secret            `hcl:"body,optional"`             // request body template, may carry credentials; empty for none
	Encoding        BodyEncoding      `hcl:"encoding,optional"`         // Optional, defaults to BodyJSON
	Mobiles         []string          `hcl:"mobiles"`                   // recipients; required
	MobileSeparator string            `hcl:"mobile_separator,optional"` // Optional, defaults to ","
	MaxText         int               `hcl:"max_text,optional"`         // Optional limit on the text in bytes; 0 means none

	// The reply is a success when its status is 2xx and, if set, SuccessField (a dot-separated
	// path into a JSON reply, e.g. "result.code") equals SuccessValue and the body contains
	// SuccessContains. A 2xx reply failing these checks is a permanent error.
	SuccessField    string `hcl:"success_json_path,optional"`
	SuccessValue    string `hcl:"success_value,optional"`
	SuccessContains string `hcl:"success_contains,optional"`

	HTTPClient *http.Client // Optional
}

func init() { RegisterKind("sms_http", func() ChannelSettings { return new(SMSTemplateConfig) }) }

// SetDefaults fills the zero fields that have a default and spells Method in upper case.
func (c *SMSTemplateConfig) SetDefaults() {
	if c.Name == "" {
		c.Name = "sms"
	}
	if c.Method == "" {
		c.Method = http.MethodPost
	}
	c.Method = strings.ToUpper(c.Method)
	if c.Encoding == "" {
		c.Encoding = BodyJSON
	}
	if c.MobileSeparator == "" {
		c.MobileSeparator = ","
	}
}

// Validate reports every problem of c.
func (c *SMSTemplateConfig) Validate() error {
	var p problems
	if c.URL == "" {
		p.add("URL", "sms %q: 'url' is required", c.Name)
	} else if !isHTTPURL(c.URL.Reveal()) {
		p.add("URL", "sms %q: 'url' is not an http:// or https:// URL with a host", c.Name)
	}
	if len(c.Mobiles) == 0 {
		p.add("Mobiles", "sms %q: 'mobiles' must list at least one number", c.Name)
	}
	if c.Encoding != BodyJSON && c.Encoding != BodyForm && c.Encoding != BodyRaw {
		p.add("Encoding", "sms %q: 'encoding' %q must be json, form or raw", c.Name, c.Encoding)
	}
	if c.SuccessValue != "" && c.SuccessField == "" {
		p.add("SuccessValue", "sms %q: 'success_value' needs 'success_json_path'", c.Name)
	}
	if !validMethod(c.Method) {
		p.add("Method", "sms %q: 'method' %q is not GET, POST, PUT or PATCH", c.Name, c.Method)
	}
	if c.MaxText < 0 || c.MaxText > MaxTextLimit {
		p.add("MaxText", "sms %q: 'max_text' %d must lie within 0 (no limit) and %d", c.Name, c.MaxText, MaxTextLimit)
	}
	for _, m := range c.Mobiles {
		if strings.TrimSpace(m) == "" {
			p.add("Mobiles", "sms %q: 'mobiles' must not hold an empty number", c.Name)
			break
		}
	}
	return p.err()
}

// NewChannel builds the SMS channel named name.
func (c *SMSTemplateConfig) NewChannel(name string) (Channel, error) {
	cfg := *c
	cfg.Name = name
	return NewSMSTemplate(cfg)
}

// SMSTemplate sends SMS through any HTTP gateway described by an SMSTemplateConfig.
type SMSTemplate struct {
	cfg  SMSTemplateConfig
	http httpBase
}

var _ Channel = (*SMSTemplate)(nil)

// NewSMSTemplate checks cfg and returns the channel.
func NewSMSTemplate(cfg SMSTemplateConfig) (*SMSTemplate, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	secrets := []Secret{cfg.URL}
	for _, v := range cfg.Header {
		secrets = append(secrets, v)
	}
	return &SMSTemplate{cfg: cfg, http: newHTTPBase(cfg.Name, cfg.HTTPClient, secrets...)}, nil
}

// Name returns the configured name.
func (c *SMSTemplate) Name() string { return c.cfg.Name }

// Send renders the template with m's text and sends the request.
func (c *SMSTemplate) Send(ctx context.Context, m Message) error {
	mobiles := strings.Join(c.cfg.Mobiles, c.cfg.MobileSeparator)
	text := truncate(m.Text, c.cfg.MaxText)
	u := expand(c.cfg.URL.Reveal(), mobiles, text, url.QueryEscape)
	header := http.Header{}
	for k, v := range c.cfg.Header {
		header.Set(k, expand(v.Reveal(), mobiles, text, headerEscape))
	}
	if header.Get("Content-Type") == "" && c.cfg.Body != "" {
		switch c.cfg.Encoding {
		case BodyJSON:
			header.Set("Content-Type", "application/json")
		case BodyForm:
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	body := renderBody(c.cfg.Body.Reveal(), c.cfg.Encoding, mobiles, text)
	r, err := c.http.do(ctx, c.cfg.Method, u, header, []byte(body))
	if err != nil {
		return err
	}
	if err := c.http.statusError(r); err != nil {
		return err
	}
	return c.checkReply(r)
}

// checkReply applies the configured success checks to a 2xx reply.
func (c *SMSTemplate) checkReply(r *reply) error {
	fail := func(why string) error {
		return &SendError{Channel: c.cfg.Name, Status: r.status, Permanent: true,
			Message: c.http.scrub.text(why + ": " + snippet(r.body))}
	}
	if c.cfg.SuccessContains != "" && !strings.Contains(string(r.body), c.cfg.SuccessContains) {
		return fail("reply lacks success text")
	}
	if c.cfg.SuccessField == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		return fail("reply is not JSON")
	}
	for _, part := range strings.Split(c.cfg.SuccessField, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return fail("reply has no field " + c.cfg.SuccessField)
		}
		if v, ok = obj[part]; !ok {
			return fail("reply has no field " + c.cfg.SuccessField)
		}
	}
	if got := jsonScalar(v); got != c.cfg.SuccessValue {
		return fail(fmt.Sprintf("reply field %s is %q, want %q", c.cfg.SuccessField, got, c.cfg.SuccessValue))
	}
	return nil
}

// renderBody expands the placeholders of a body template for enc.
func renderBody(tmpl string, enc BodyEncoding, mobiles, text string) string {
	switch enc {
	case BodyJSON:
		return expand(tmpl, mobiles, text, jsonEscape)
	case BodyForm:
		return expand(tmpl, mobiles, text, url.QueryEscape)
	}
	return expand(tmpl, mobiles, text, func(s string) string { return s })
}

// expand replaces {{mobiles}} and {{text}} in one pass, so a value containing a placeholder
// is not expanded again.
func expand(tmpl, mobiles, text string, esc func(string) string) string {
	return strings.NewReplacer("{{mobiles}}", esc(mobiles), "{{text}}", esc(text)).Replace(tmpl)
}

// jsonEscape returns s encoded for the inside of a JSON string literal.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b[1 : len(b)-1])
}

// headerEscape keeps header values on one line.
func headerEscape(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// jsonScalar renders a decoded JSON value for comparison with a configured string.
func jsonScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
