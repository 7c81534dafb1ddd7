package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
)

// NotifyBlock is one `notify "<kind>" "<name>" { ... }` block before its body is decoded by
// kind. The settings every kind shares are decoded here.
type NotifyBlock struct {
	Kind      string    `hcl:"kind,label"`
	KindRange hcl.Range `hcl:"kind,label_range"`
	Name      string    `hcl:"name,label"`
	NameRange hcl.Range `hcl:"name,label_range"`

	MinSeverity      string    `hcl:"min_severity,optional"`
	MinSeverityRange hcl.Range `hcl:"min_severity,attr_value_range"`
	After            string    `hcl:"after,optional"`
	AfterRange       hcl.Range `hcl:"after,attr_value_range"`
	Digest           *bool     `hcl:"digest,optional"`

	Body     hcl.Body  `hcl:",remain"`
	DefRange hcl.Range `hcl:",def_range"`
}

// NotifyChannel is one alert channel after decoding: the shared routing settings and
// exactly one of the kind-specific blocks.
type NotifyChannel struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// MinSeverity is "info", "warning" or "critical": the lowest severity sent here.
	MinSeverity string `json:"min_severity"`
	// After delays the first notice until an alert has been firing this long.
	After    time.Duration `json:"-"`
	AfterHCL string        `json:"after"`
	// Digest says whether this channel receives the daily status digest.
	Digest bool `json:"digest"`

	WeComRobot *WeComRobotConfig `json:"wecom_robot,omitempty"`
	WeComApp   *WeComAppConfig   `json:"wecom_app,omitempty"`
	SMSHTTP    *SMSHTTPConfig    `json:"sms_http,omitempty"`
	AliyunSMS  *AliyunSMSConfig  `json:"aliyun_sms,omitempty"`
	DingTalk   *DingTalkConfig   `json:"dingtalk,omitempty"`
	Telegram   *TelegramConfig   `json:"telegram,omitempty"`
	Slack      *SlackConfig      `json:"slack,omitempty"`
	Webhook    *WebhookConfig    `json:"webhook,omitempty"`
	Command    *CommandConfig    `json:"command,omitempty"`

	DefRange hcl.Range `json:"-"`
}

// WeComRobotConfig is a WeCom group robot (`notify "wecom_robot" "ops" { key = ... }`).
type WeComRobotConfig struct {
	Key              hclconf.Secret `hcl:"key" json:"key"`
	MentionedMobiles []string       `hcl:"mentioned_mobiles,optional" json:"mentioned_mobiles,omitempty"`
	Markdown         bool           `hcl:"markdown,optional" json:"markdown"`
	BaseURL          string         `hcl:"base_url,optional" json:"base_url,omitempty"`
}

// WeComAppConfig is a WeCom application message; without recipients it goes to "@all".
type WeComAppConfig struct {
	CorpID  string         `hcl:"corp_id" json:"corp_id"`
	Secret  hclconf.Secret `hcl:"secret" json:"secret"`
	AgentID int64          `hcl:"agent_id" json:"agent_id"`
	ToUser  []string       `hcl:"to_user,optional" json:"to_user,omitempty"`
	ToParty []string       `hcl:"to_party,optional" json:"to_party,omitempty"`
	BaseURL string         `hcl:"base_url,optional" json:"base_url,omitempty"`
}

// SMSHTTPConfig sends SMS through an HTTP request template. URL, headers and body may carry
// credentials, so they are secrets. The body is a template with {{mobiles}} and {{text}},
// escaped per encoding ("json", "form" or "raw"). A reply succeeds when its status is 2xx
// and, when set, the JSON field at success_json_path equals success_value and the body
// contains success_contains.
type SMSHTTPConfig struct {
	Method          string                    `hcl:"method,optional" json:"method"`
	URL             hclconf.Secret            `hcl:"url" json:"url"`
	Headers         map[string]hclconf.Secret `hcl:"headers,optional" json:"headers,omitempty"`
	Body            hclconf.Secret            `hcl:"body,optional" json:"body,omitempty"`
	Encoding        string                    `hcl:"encoding,optional" json:"encoding"`
	EncodingRange   hcl.Range                 `hcl:"encoding,attr_value_range" json:"-"`
	Mobiles         []string                  `hcl:"mobiles" json:"mobiles"`
	MobileSeparator string                    `hcl:"mobile_separator,optional" json:"mobile_separator,omitempty"`
	MaxText         int                       `hcl:"max_text,optional" json:"max_text,omitempty"`
	SuccessJSONPath string                    `hcl:"success_json_path,optional" json:"success_json_path,omitempty"`
	SuccessValue    string                    `hcl:"success_value,optional" json:"success_value,omitempty"`
	SuccessContains string                    `hcl:"success_contains,optional" json:"success_contains,omitempty"`
}

// AliyunSMSConfig sends SMS through Aliyun's SMS service with an approved template whose
// variable text_param (default "content") receives the text.
type AliyunSMSConfig struct {
	AccessKeyID     hclconf.Secret `hcl:"access_key_id" json:"access_key_id"`
	AccessKeySecret hclconf.Secret `hcl:"access_key_secret" json:"access_key_secret"`
	SignName        string         `hcl:"sign_name" json:"sign_name"`
	TemplateCode    string         `hcl:"template_code" json:"template_code"`
	TextParam       string         `hcl:"text_param,optional" json:"text_param,omitempty"`
	MaxText         int            `hcl:"max_text,optional" json:"max_text,omitempty"`
	PhoneNumbers    []string       `hcl:"phone_numbers" json:"phone_numbers"`
	RegionID        string         `hcl:"region_id,optional" json:"region_id,omitempty"`
	Endpoint        string         `hcl:"endpoint,optional" json:"endpoint,omitempty"`
}

// DingTalkConfig is a DingTalk group robot; Secret enables signed requests.
type DingTalkConfig struct {
	AccessToken      hclconf.Secret `hcl:"access_token" json:"access_token"`
	Secret           hclconf.Secret `hcl:"secret,optional" json:"secret,omitempty"`
	MentionedMobiles []string       `hcl:"mentioned_mobiles,optional" json:"mentioned_mobiles,omitempty"`
	Markdown         bool           `hcl:"markdown,optional" json:"markdown"`
	BaseURL          string         `hcl:"base_url,optional" json:"base_url,omitempty"`
}

// TelegramConfig is a Telegram bot posting to one chat.
type TelegramConfig struct {
	BotToken hclconf.Secret `hcl:"bot_token" json:"bot_token"`
	ChatID   string         `hcl:"chat_id" json:"chat_id"`
	BaseURL  string         `hcl:"base_url,optional" json:"base_url,omitempty"`
}

// SlackConfig is a Slack incoming webhook; the URL itself is the credential.
type SlackConfig struct {
	WebhookURL hclconf.Secret `hcl:"webhook_url" json:"webhook_url"`
}

// WebhookConfig posts each message as JSON to a URL.
type WebhookConfig struct {
	URL     hclconf.Secret            `hcl:"url" json:"url"`
	Headers map[string]hclconf.Secret `hcl:"headers,optional" json:"headers,omitempty"`
}

// CommandConfig runs a local program per message (argv, no shell), with extra environment
// entries ("KEY=value") and a timeout.
type CommandConfig struct {
	Argv         []string      `hcl:"argv" json:"argv"`
	ArgvRange    hcl.Range     `hcl:"argv,attr_value_range" json:"-"`
	Env          []string      `hcl:"env,optional" json:"env,omitempty"`
	Timeout      time.Duration `json:"-"`
	TimeoutHCL   string        `hcl:"timeout,optional" json:"timeout"`
	TimeoutRange hcl.Range     `hcl:"timeout,attr_value_range" json:"-"`
}

// notifyKinds lists the accepted kinds, for the error message.
var notifyKinds = []string{"wecom_robot", "wecom_app", "sms_http", "aliyun_sms", "dingtalk", "telegram", "slack", "webhook", "command"}

// decodeNotify decodes each notify block's body by its kind.
func (c *Config) decodeNotify(ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := make(map[string]hcl.Range)
	for _, b := range c.NotifyBlocks {
		if prev, dup := seen[b.Name]; dup {
			diags = append(diags, hclconf.Error(b.NameRange, "Duplicate notify name",
				fmt.Sprintf("A notify channel named %q is already defined at %s.", b.Name, prev)))
			continue
		}
		seen[b.Name] = b.NameRange
		ch := &NotifyChannel{Kind: b.Kind, Name: b.Name, MinSeverity: b.MinSeverity, AfterHCL: b.After, DefRange: b.DefRange}
		var target any
		switch b.Kind {
		case "wecom_robot":
			ch.WeComRobot = &WeComRobotConfig{}
			target = ch.WeComRobot
		case "wecom_app":
			ch.WeComApp = &WeComAppConfig{}
			target = ch.WeComApp
		case "sms_http":
			ch.SMSHTTP = &SMSHTTPConfig{}
			target = ch.SMSHTTP
		case "aliyun_sms":
			ch.AliyunSMS = &AliyunSMSConfig{}
			target = ch.AliyunSMS
		case "dingtalk":
			ch.DingTalk = &DingTalkConfig{}
			target = ch.DingTalk
		case "telegram":
			ch.Telegram = &TelegramConfig{}
			target = ch.Telegram
		case "slack":
			ch.Slack = &SlackConfig{}
			target = ch.Slack
		case "webhook":
			ch.Webhook = &WebhookConfig{}
			target = ch.Webhook
		case "command":
			ch.Command = &CommandConfig{}
			target = ch.Command
		default:
			diags = append(diags, hclconf.Error(b.KindRange, "Unsupported notify kind",
				fmt.Sprintf("Notify kind %q is not known: use one of %s.", b.Kind, strings.Join(notifyKinds, ", "))))
			continue
		}
		diags = append(diags, gohcl.DecodeBody(b.Body, ctx, target)...)
		diags = append(diags, ch.finish(b)...)
		c.Notify = append(c.Notify, ch)
	}
	return diags
}

// finish fills the channel's defaults and checks its shared and kind-specific settings.
func (ch *NotifyChannel) finish(b *NotifyBlock) hcl.Diagnostics {
	var d hcl.Diagnostics
	errAt := func(r hcl.Range, summary, format string, args ...any) {
		d = append(d, hclconf.Error(r, summary, fmt.Sprintf(format, args...)))
	}
	switch strings.ToLower(ch.MinSeverity) {
	case "":
		ch.MinSeverity = "info"
	case "info", "warning", "critical":
		ch.MinSeverity = strings.ToLower(ch.MinSeverity)
	default:
		errAt(b.MinSeverityRange, "Invalid severity", "min_severity %q: use \"info\", \"warning\" or \"critical\".", ch.MinSeverity)
	}
	d = append(d, hclconf.Duration(&ch.After, &ch.AfterHCL, b.AfterRange, 0)...)
	ch.Digest = b.Digest == nil || *b.Digest
	switch {
	case ch.SMSHTTP != nil:
		s := ch.SMSHTTP
		if s.Method == "" {
			s.Method = "POST"
		}
		s.Method = strings.ToUpper(s.Method)
		switch s.Encoding {
		case "":
			s.Encoding = "json"
		case "json", "form", "raw":
		default:
			errAt(s.EncodingRange, "Invalid encoding", "encoding %q: use \"json\", \"form\" or \"raw\".", s.Encoding)
		}
		if msg := checkHTTPURL(s.URL.Reveal()); msg != "" {
			errAt(b.DefRange, "Invalid SMS URL", "url is not an http:// or https:// URL with a host.")
		}
		if len(s.Mobiles) == 0 {
			errAt(b.DefRange, "No recipients", "mobiles must list at least one number.")
		}
	case ch.Webhook != nil:
		if msg := checkHTTPURL(ch.Webhook.URL.Reveal()); msg != "" {
			errAt(b.DefRange, "Invalid webhook URL", "url is not an http:// or https:// URL with a host.")
		}
	case ch.Slack != nil:
		if msg := checkHTTPURL(ch.Slack.WebhookURL.Reveal()); msg != "" {
			errAt(b.DefRange, "Invalid Slack webhook URL", "webhook_url is not an http:// or https:// URL with a host.")
		}
	case ch.Command != nil:
		if len(ch.Command.Argv) == 0 || ch.Command.Argv[0] == "" {
			errAt(Pick(ch.Command.ArgvRange, b.DefRange), "Invalid argv", "argv is a list whose first element is the program.")
		}
		d = append(d, hclconf.Duration(&ch.Command.Timeout, &ch.Command.TimeoutHCL, ch.Command.TimeoutRange, defaultCommandTimeout)...)
	case ch.WeComApp != nil:
		if len(ch.WeComApp.ToUser) == 0 && len(ch.WeComApp.ToParty) == 0 {
			ch.WeComApp.ToUser = []string{"@all"}
		}
	}
	return d
}
