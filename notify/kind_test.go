package notify_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/eoskeeper/eoskeeper/notify"
)

func TestKindsRegistered(t *testing.T) {
	want := "aliyun_sms command dingtalk slack sms_http telegram webhook wecom_app wecom_robot"
	if got := strings.Join(notify.Kinds(), " "); got != want {
		t.Fatalf("Kinds() = %s, want %s", got, want)
	}
	if _, ok := notify.NewSettings("pager"); ok {
		t.Error("NewSettings found an unregistered kind")
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a kind twice did not panic")
		}
	}()
	notify.RegisterKind("slack", func() notify.ChannelSettings { return new(notify.SlackConfig) })
}

// TestKindSettingsNameTheirFields checks that every kind's zero settings fail validation with
// FieldErrors naming fields that carry an hcl tag, so a configuration reader can point at the
// attribute.
func TestKindSettingsNameTheirFields(t *testing.T) {
	for _, kind := range notify.Kinds() {
		s, ok := notify.NewSettings(kind)
		if !ok {
			t.Fatalf("NewSettings(%q) failed", kind)
		}
		s.SetDefaults()
		err := s.Validate()
		if err == nil || !errors.Is(err, notify.ErrConfig) {
			t.Errorf("%s: zero settings validated: %v", kind, err)
			continue
		}
		typ := reflect.TypeOf(s).Elem()
		fes := fieldErrors(err)
		if len(fes) == 0 {
			t.Errorf("%s: no FieldError in %v", kind, err)
		}
		for _, fe := range fes {
			f, ok := typ.FieldByName(fe.Field)
			if !ok || f.Tag.Get("hcl") == "" {
				t.Errorf("%s: FieldError names %q, not a field with an hcl tag", kind, fe.Field)
			}
		}
		if _, err := s.NewChannel("x"); err == nil {
			t.Errorf("%s: NewChannel accepted zero settings", kind)
		}
	}
}

func TestKindSettingsDefaults(t *testing.T) {
	s, _ := notify.NewSettings("sms_http")
	sms := s.(*notify.SMSTemplateConfig)
	sms.URL, sms.Mobiles, sms.Method = "ftp://sms.example.com", []string{"1"}, "put"
	sms.SetDefaults()
	if sms.Method != "PUT" || sms.Encoding != notify.BodyJSON || sms.MobileSeparator != "," {
		t.Errorf("sms defaults: method %q encoding %q separator %q", sms.Method, sms.Encoding, sms.MobileSeparator)
	}
	var fe *notify.FieldError
	if err := sms.Validate(); !errors.As(err, &fe) || fe.Field != "URL" || strings.Contains(err.Error(), "sms.example.com") {
		t.Errorf("sms with an ftp URL: %v, want a URL FieldError that does not print the URL", err)
	}
	s, _ = notify.NewSettings("wecom_app")
	app := s.(*notify.WeComAppConfig)
	app.SetDefaults()
	if strings.Join(app.ToUser, ",") != "@all" {
		t.Errorf("wecom_app without recipients: to_user %v, want @all", app.ToUser)
	}
	s, _ = notify.NewSettings("command")
	cmd := s.(*notify.CommandConfig)
	cmd.SetDefaults()
	if cmd.Timeout != notify.DefaultCommandTimeout {
		t.Errorf("command timeout %s, want %s", cmd.Timeout, notify.DefaultCommandTimeout)
	}
}

// fieldErrors returns every FieldError in err's tree.
func fieldErrors(err error) []*notify.FieldError {
	switch e := err.(type) {
	case *notify.FieldError:
		return []*notify.FieldError{e}
	case interface{ Unwrap() []error }:
		var out []*notify.FieldError
		for _, c := range e.Unwrap() {
			out = append(out, fieldErrors(c)...)
		}
		return out
	case interface{ Unwrap() error }:
		return fieldErrors(e.Unwrap())
	}
	return nil
}
