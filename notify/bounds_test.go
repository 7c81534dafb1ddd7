package notify

import (
	"errors"
	"testing"
	"time"
)

// TestSettingsBounds: each kind refuses settings past their bounds with a FieldError naming
// the field, and accepts them at the bound.
func TestSettingsBounds(t *testing.T) {
	args := func(n int) []string {
		a := make([]string, n)
		for i := range a {
			a[i] = "x"
		}
		return a
	}
	sms := func(edit func(*SMSTemplateConfig)) ChannelSettings {
		c := &SMSTemplateConfig{URL: "https://sms.example.com/send", Mobiles: []string{"13800000000"}}
		edit(c)
		return c
	}
	ali := func(edit func(*AliyunSMSConfig)) ChannelSettings {
		c := &AliyunSMSConfig{AccessKeyID: "a", AccessKeySecret: "b", SignName: "s", TemplateCode: "t", Mobiles: []string{"1"}}
		edit(c)
		return c
	}
	for _, tc := range []struct {
		name  string
		ok    ChannelSettings
		bad   ChannelSettings
		field string
	}{
		{"command argv", &CommandConfig{Argv: args(MaxArgs)}, &CommandConfig{Argv: args(MaxArgs + 1)}, "Argv"},
		{"command empty arg", &CommandConfig{Argv: []string{"logger", "-t", "eoskeeper"}}, &CommandConfig{Argv: []string{"logger", "", "x"}}, "Argv"},
		{"command env", &CommandConfig{Argv: []string{"x"}, Env: Env{"A_1=v", "B="}}, &CommandConfig{Argv: []string{"x"}, Env: Env{"NOEQUALS"}}, "Env"},
		{"command env key", &CommandConfig{Argv: []string{"x"}}, &CommandConfig{Argv: []string{"x"}, Env: Env{"1A=v"}}, "Env"},
		{"command timeout", &CommandConfig{Argv: []string{"x"}, Timeout: MaxCommandTimeout}, &CommandConfig{Argv: []string{"x"}, Timeout: 365 * 24 * time.Hour}, "Timeout"},
		{"sms method", sms(func(c *SMSTemplateConfig) { c.Method = "PUT" }), sms(func(c *SMSTemplateConfig) { c.Method = "FROB" }), "Method"},
		{"sms method space", sms(func(c *SMSTemplateConfig) { c.Method = "get" }), sms(func(c *SMSTemplateConfig) { c.Method = "GET /x" }), "Method"},
		{"sms max_text", sms(func(c *SMSTemplateConfig) { c.MaxText = MaxTextLimit }), sms(func(c *SMSTemplateConfig) { c.MaxText = MaxTextLimit + 1 }), "MaxText"},
		{"sms mobiles", sms(func(*SMSTemplateConfig) {}), sms(func(c *SMSTemplateConfig) { c.Mobiles = []string{"1", " "} }), "Mobiles"},
		{"aliyun endpoint", ali(func(c *AliyunSMSConfig) { c.Endpoint = "https://dysmsapi.aliyuncs.com" }), ali(func(c *AliyunSMSConfig) { c.Endpoint = "ftp://dysmsapi.aliyuncs.com" }), "Endpoint"},
		{"aliyun max_text", ali(func(c *AliyunSMSConfig) { c.MaxText = 10 }), ali(func(c *AliyunSMSConfig) { c.MaxText = -1 }), "MaxText"},
		{"telegram base_url", &TelegramConfig{BotToken: "t", ChatID: "1", BaseURL: "https://tg.example.com/proxy"},
			&TelegramConfig{BotToken: "t", ChatID: "1", BaseURL: "file:///etc/passwd"}, "BaseURL"},
		{"telegram base_url query", &TelegramConfig{BotToken: "t", ChatID: "1"}, &TelegramConfig{BotToken: "t", ChatID: "1", BaseURL: "https://tg.example.com/?x=1"}, "BaseURL"},
		{"wecom robot base_url", &WeComRobotConfig{Key: "k"}, &WeComRobotConfig{Key: "k", BaseURL: "qyapi.weixin.qq.com"}, "BaseURL"},
		{"wecom app base_url", &WeComAppConfig{CorpID: "c", CorpSecret: "s", AgentID: 1}, &WeComAppConfig{CorpID: "c", CorpSecret: "s", AgentID: 1, BaseURL: "gopher://x"}, "BaseURL"},
		{"dingtalk base_url", &DingTalkConfig{AccessToken: "a"}, &DingTalkConfig{AccessToken: "a", BaseURL: "http://"}, "BaseURL"},
	} {
		for _, s := range []ChannelSettings{tc.ok, tc.bad} {
			s.SetDefaults()
		}
		if err := tc.ok.Validate(); err != nil {
			t.Errorf("%s: the valid settings were refused: %v", tc.name, err)
		}
		err := tc.bad.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Validate() = %v, want a FieldError for %s", tc.name, err, tc.field)
		}
		if _, nerr := tc.bad.NewChannel("x"); nerr == nil {
			t.Errorf("%s: NewChannel accepted what Validate refuses", tc.name)
		}
	}
}

// TestDispatcherRoutingBounds: the repeat interval and a route's delay have upper bounds.
func TestDispatcherRoutingBounds(t *testing.T) {
	ch, err := NewCommand(CommandConfig{Name: "c", Argv: []string{"true"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		repeat, after time.Duration
		ok            bool
	}{
		{MaxRepeatInterval, MaxAfter, true},
		{MaxRepeatInterval + 1, 0, false},
		{0, MaxAfter + 1, false},
	} {
		_, err := DispatcherConfig{Channels: []ChannelConfig{{Channel: ch, Route: Route{After: tc.after}}}, RepeatInterval: tc.repeat}.withDefaults()
		if (err == nil) != tc.ok {
			t.Errorf("repeat %s, after %s: %v", tc.repeat, tc.after, err)
		}
	}
}
