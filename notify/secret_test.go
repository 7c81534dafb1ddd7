package notify_test

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/eoskeeper/eoskeeper/notify"
)

func TestSecretNeverPrints(t *testing.T) {
	const value = "super-secret-token"
	s := notify.Secret(value)
	cfg := struct {
		Name string
		Key  notify.Secret
	}{"wecom", s}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := []string{
		fmt.Sprint(s), fmt.Sprintf("%s %v %q %x %#v", s, s, s, s, s),
		fmt.Sprintf("%+v %#v", cfg, cfg), string(js),
	}
	for _, out := range outputs {
		if strings.Contains(out, value) || !strings.Contains(out, "redacted") {
			t.Errorf("output %q shows the secret or lacks the redaction mark", out)
		}
	}
	if s.Reveal() != value {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

// TestTransportErrorsOmitURL checks that a failed connection, whose *url.Error carries the
// full request URL, yields an error without the key or token for every HTTP channel.
func TestTransportErrorsOmitURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // connections are now refused

	const key = "k3y-Th4t-mUst-n0t-l3ak"
	mk := func(ch notify.Channel, err error) notify.Channel {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	channels := []notify.Channel{
		mk(notify.NewWeComRobot(notify.WeComRobotConfig{Key: key, BaseURL: dead})),
		mk(notify.NewWeComApp(notify.WeComAppConfig{CorpID: "c", CorpSecret: key, AgentID: 1, ToUser: []string{"u"}, BaseURL: dead})),
		mk(notify.NewSMSTemplate(notify.SMSTemplateConfig{URL: notify.Secret(dead + "/send?apikey=" + key), Mobiles: []string{"1"}})),
		mk(notify.NewAliyunSMS(notify.AliyunSMSConfig{AccessKeyID: "id", AccessKeySecret: key, SignName: "s", TemplateCode: "t", Mobiles: []string{"1"}, Endpoint: dead})),
		mk(notify.NewDingTalk(notify.DingTalkConfig{AccessToken: key, Secret: key + "2", BaseURL: dead})),
		mk(notify.NewTelegram(notify.TelegramConfig{BotToken: key, ChatID: "1", BaseURL: dead})),
		mk(notify.NewSlack(notify.SlackConfig{WebhookURL: notify.Secret(dead + "/services/" + key)})),
		mk(notify.NewWebhook(notify.WebhookConfig{URL: notify.Secret(dead + "/hook?token=" + key)})),
	}
	for _, ch := range channels {
		t.Run(ch.Name(), func(t *testing.T) {
			err := send(t, ch)
			wantSendError(t, err, false, "", key)
			if !strings.Contains(err.Error(), "refused") {
				t.Errorf("error %q should still say what went wrong", err)
			}
			if strings.Contains(err.Error(), ln.Addr().String()+"/") {
				t.Errorf("error %q contains the request URL", err)
			}
		})
	}
}
