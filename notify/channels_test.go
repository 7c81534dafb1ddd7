package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
	"github.com/eoskeeper/eoskeeper/notify/notifytest"
)

const wecomKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

func TestWeComRobot(t *testing.T) {
	p := newProvider(t, ok(`{"errcode":0,"errmsg":"ok"}`))
	ch, err := notify.NewWeComRobot(notify.WeComRobotConfig{Key: wecomKey, Mobiles: []string{"13800001111"}, BaseURL: p.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, ch); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := one(t, p)
	eq(t, "method", r.Method, "POST")
	eq(t, "path", r.Path, "/cgi-bin/webhook/send")
	eq(t, "query", r.RawQuery, "key="+wecomKey)
	eq(t, "content-type", r.Header.Get("Content-Type"), "application/json")
	eq(t, "body", r.Body, `{"msgtype":"text","text":{"content":"[CRITICAL] head_stalled FIRING\nhost: bp-a\n\"quoted\" \u0026 \u003cb\u003e","mentioned_mobile_list":["13800001111"]}}`)

	md, _ := notify.NewWeComRobot(notify.WeComRobotConfig{Key: wecomKey, Markdown: true, BaseURL: p.URL})
	if err := send(t, md); err != nil {
		t.Fatal(err)
	}
	eq(t, "markdown body", p.requests()[1].Body, `{"msgtype":"markdown","markdown":{"content":"**head_stalled**"}}`)

	for _, tc := range []struct {
		name      string
		reply     func(request) (int, string)
		permanent bool
		code      string
	}{
		{"rate limited", ok(`{"errcode":45009,"errmsg":"api freq out of limit"}`), false, "45009"},
		{"busy", ok(`{"errcode":-1,"errmsg":"system busy"}`), false, "-1"},
		{"bad key", ok(`{"errcode":93000,"errmsg":"invalid webhook url, hint: [key ` + wecomKey + `]"}`), true, "93000"},
		{"5xx", reply(502, "bad gateway"), false, ""},
		{"4xx", reply(404, "not found"), true, ""},
		{"not json", ok(`<html>`), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.setReply(tc.reply)
			wantSendError(t, send(t, ch), tc.permanent, tc.code, wecomKey)
		})
	}
}

func TestWeComAppTokenCacheAndRefresh(t *testing.T) {
	const secret = "corp-secret-value-123"
	clk := notifytest.NewClock(t0)
	tokens := 0
	var sendReply string
	p := newProvider(t, nil)
	p.setReply(func(r request) (int, string) {
		if r.Path == "/cgi-bin/gettoken" {
			tokens++
			return 200, `{"errcode":0,"errmsg":"ok","access_token":"TOKEN` + string(rune('0'+tokens)) + `","expires_in":7200}`
		}
		return 200, sendReply
	})
	ch, err := notify.NewWeComApp(notify.WeComAppConfig{
		CorpID: "ww123", CorpSecret: secret, AgentID: 1000002,
		ToUser: []string{"zhangsan", "lisi"}, ToParty: []string{"2"}, BaseURL: p.URL, Clock: clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	sendReply = `{"errcode":0,"errmsg":"ok","invaliduser":""}`
	for range 2 {
		if err := send(t, ch); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	reqs := p.requests()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want gettoken + 2 sends (token cached)", len(reqs))
	}
	eq(t, "gettoken", reqs[0].Method+" "+reqs[0].Path+"?"+reqs[0].RawQuery, "GET /cgi-bin/gettoken?corpid=ww123&corpsecret="+secret)
	eq(t, "send", reqs[1].Method+" "+reqs[1].Path+"?"+reqs[1].RawQuery, "POST /cgi-bin/message/send?access_token=TOKEN1")
	eq(t, "body", reqs[1].Body, `{"touser":"zhangsan|lisi","toparty":"2","msgtype":"text","agentid":1000002,"text":{"content":"[CRITICAL] head_stalled FIRING\nhost: bp-a\n\"quoted\" \u0026 \u003cb\u003e"},"safe":0}`)

	clk.Advance(7200 * time.Second) // expired: fetch a new token
	if err := send(t, ch); err != nil {
		t.Fatal(err)
	}
	reqs = p.requests()
	eq(t, "after expiry", reqs[3].Path+" "+reqs[4].RawQuery, "/cgi-bin/gettoken access_token=TOKEN2")

	// The provider revokes the token early: 42001 triggers one refresh and a resend.
	calls := 0
	p.setReply(func(r request) (int, string) {
		if r.Path == "/cgi-bin/gettoken" {
			tokens++
			return 200, `{"errcode":0,"errmsg":"ok","access_token":"TOKEN` + string(rune('0'+tokens)) + `","expires_in":7200}`
		}
		calls++
		if calls == 1 {
			return 200, `{"errcode":42001,"errmsg":"access_token expired"}`
		}
		return 200, `{"errcode":0,"errmsg":"ok"}`
	})
	if err := send(t, ch); err != nil {
		t.Fatalf("Send after 42001: %v", err)
	}
	reqs = p.requests()[5:]
	if len(reqs) != 3 || reqs[2].RawQuery != "access_token=TOKEN3" {
		t.Fatalf("after 42001 got %d requests (%v), want send, gettoken, send with TOKEN3", len(reqs), reqs)
	}

	p.setReply(ok(`{"errcode":40001,"errmsg":"invalid credential"}`))
	ch2, _ := notify.NewWeComApp(notify.WeComAppConfig{CorpID: "ww123", CorpSecret: secret, AgentID: 1, ToUser: []string{"@all"}, BaseURL: p.URL})
	wantSendError(t, send(t, ch2), true, "40001", secret)
	p.setReply(ok(`{"errcode":45009,"errmsg":"api freq out of limit"}`))
	wantSendError(t, send(t, ch2), false, "45009", secret)
}

func TestSMSTemplate(t *testing.T) {
	const apiKey = "sms-api-key-9876"
	t.Run("json", func(t *testing.T) {
		p := newProvider(t, ok(`{"result":{"code":0},"msg":"sent"}`))
		ch, err := notify.NewSMSTemplate(notify.SMSTemplateConfig{
			URL:          notify.Secret(p.URL + "/v1/send?apikey=" + apiKey),
			Header:       map[string]notify.Secret{"Authorization": "Bearer " + apiKey},
			Body:         `{"to":"{{mobiles}}","content":"{{text}}"}`,
			Mobiles:      []string{"13800001111", "13900002222"},
			SuccessField: "result.code", SuccessValue: "0",
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := send(t, ch); err != nil {
			t.Fatalf("Send: %v", err)
		}
		r := one(t, p)
		eq(t, "request", r.Method+" "+r.Path+"?"+r.RawQuery, "POST /v1/send?apikey="+apiKey)
		eq(t, "auth", r.Header.Get("Authorization"), "Bearer "+apiKey)
		eq(t, "content-type", r.Header.Get("Content-Type"), "application/json")
		var got struct{ To, Content string }
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			t.Fatalf("body %s is not JSON: %v", r.Body, err)
		}
		eq(t, "to", got.To, "13800001111,13900002222")
		eq(t, "content", got.Content, testMessage().Text)

		p.setReply(ok(`{"result":{"code":1001},"msg":"balance low ` + apiKey + `"}`))
		wantSendError(t, send(t, ch), true, "", apiKey)
		p.setReply(reply(503, "busy"))
		wantSendError(t, send(t, ch), false, "", apiKey)
	})
	t.Run("form and url", func(t *testing.T) {
		p := newProvider(t, ok("OK:1"))
		ch, err := notify.NewSMSTemplate(notify.SMSTemplateConfig{
			URL:      notify.Secret(p.URL + "/sms?key=" + apiKey + "&to={{mobiles}}"),
			Body:     "msg={{text}}&sign=eos",
			Encoding: notify.BodyForm, Mobiles: []string{"+8613800001111"},
			SuccessContains: "OK:",
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := send(t, ch); err != nil {
			t.Fatalf("Send: %v", err)
		}
		r := one(t, p)
		q, _ := url.ParseQuery(r.RawQuery)
		eq(t, "to", q.Get("to"), "+8613800001111")
		form, _ := url.ParseQuery(r.Body)
		eq(t, "msg", form.Get("msg"), testMessage().Text)
		eq(t, "sign", form.Get("sign"), "eos")
		eq(t, "content-type", r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
		p.setReply(ok("ERR:2"))
		wantSendError(t, send(t, ch), true, "", apiKey)
	})
}

func TestAliyunSMS(t *testing.T) {
	const secret = "aliyun-secret-abc"
	p := newProvider(t, ok(`{"Message":"OK","RequestId":"F655A8D5","Code":"OK","BizId":"900619746936498440^0"}`))
	ch, err := notify.NewAliyunSMS(notify.AliyunSMSConfig{
		AccessKeyID: "LTAIkey", AccessKeySecret: secret, SignName: "EOS运维", TemplateCode: "SMS_1",
		Mobiles: []string{"13800001111"}, Endpoint: p.URL,
		Clock: notifytest.NewClock(t0), Nonce: func() string { return "nonce-1" },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, ch); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := one(t, p)
	eq(t, "request", r.Method+" "+r.Path, "POST /")
	eq(t, "content-type", r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
	form, err := url.ParseQuery(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"Action": "SendSms", "Version": "2017-05-25", "AccessKeyId": "LTAIkey", "PhoneNumbers": "13800001111",
		"SignName": "EOS运维", "TemplateCode": "SMS_1", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": "nonce-1", "Timestamp": "2026-03-01T10:00:00Z", "Format": "JSON", "RegionId": "cn-hangzhou",
	} {
		eq(t, k, form.Get(k), want)
	}
	var param map[string]string
	if err := json.Unmarshal([]byte(form.Get("TemplateParam")), &param); err != nil || param["content"] != testMessage().Text {
		t.Errorf("TemplateParam = %s, want {\"content\": text}", form.Get("TemplateParam"))
	}
	if form.Get("Signature") == "" || strings.Contains(r.Body, secret) {
		t.Errorf("body must carry a Signature and never the secret: %s", r.Body)
	}

	p.setReply(ok(`{"Message":"触发分钟级流控Permits:1","RequestId":"x","Code":"isv.BUSINESS_LIMIT_CONTROL"}`))
	wantSendError(t, send(t, ch), false, "isv.BUSINESS_LIMIT_CONTROL", secret)
	p.setReply(reply(400, `{"Message":"Specified signature is not matched with our calculation.","RequestId":"x","Code":"SignatureDoesNotMatch"}`))
	wantSendError(t, send(t, ch), true, "SignatureDoesNotMatch", secret)
	p.setReply(ok(`{"Message":"invalid mobile","RequestId":"x","Code":"isv.MOBILE_NUMBER_ILLEGAL"}`))
	wantSendError(t, send(t, ch), true, "isv.MOBILE_NUMBER_ILLEGAL", secret)
}

func TestDingTalk(t *testing.T) {
	const token, signSecret = "dt-access-token-1", "SECabcdef0123456789"
	p := newProvider(t, ok(`{"errcode":0,"errmsg":"ok"}`))
	ch, err := notify.NewDingTalk(notify.DingTalkConfig{
		AccessToken: token, Secret: signSecret, Mobiles: []string{"13800001111"},
		BaseURL: p.URL, Clock: notifytest.NewClock(t0),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, ch); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := one(t, p)
	eq(t, "request", r.Method+" "+r.Path, "POST /robot/send")
	q, _ := url.ParseQuery(r.RawQuery)
	ts := "1772359200000" // t0 in milliseconds
	mac := hmac.New(sha256.New, []byte(signSecret))
	mac.Write([]byte(ts + "\n" + signSecret))
	eq(t, "access_token", q.Get("access_token"), token)
	eq(t, "timestamp", q.Get("timestamp"), ts)
	eq(t, "sign", q.Get("sign"), base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	if !strings.Contains(r.RawQuery, "sign="+url.QueryEscape(q.Get("sign"))) {
		t.Errorf("sign must be URL-escaped in the query: %s", r.RawQuery)
	}
	eq(t, "body", r.Body, `{"msgtype":"text","text":{"content":"[CRITICAL] head_stalled FIRING\nhost: bp-a\n\"quoted\" \u0026 \u003cb\u003e"},"at":{"atMobiles":["13800001111"],"isAtAll":false}}`)

	p.setReply(ok(`{"errcode":130101,"errmsg":"send too fast"}`))
	wantSendError(t, send(t, ch), false, "130101", token, signSecret)
	p.setReply(ok(`{"errcode":310000,"errmsg":"sign not match"}`))
	wantSendError(t, send(t, ch), true, "310000", token, signSecret)
}

func TestTelegram(t *testing.T) {
	const token = "123456:ABC-DEF1234ghIkl"
	p := newProvider(t, ok(`{"ok":true,"result":{"message_id":7}}`))
	ch, err := notify.NewTelegram(notify.TelegramConfig{BotToken: token, ChatID: "-1001234567890", BaseURL: p.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, ch); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := one(t, p)
	eq(t, "request", r.Method+" "+r.Path, "POST /bot"+token+"/sendMessage")
	eq(t, "body", r.Body, `{"chat_id":"-1001234567890","text":"[CRITICAL] head_stalled FIRING\nhost: bp-a\n\"quoted\" \u0026 \u003cb\u003e"}`)

	p.setReply(reply(429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}`))
	se := wantSendError(t, send(t, ch), false, "429", token)
	if se.RetryAfter != 5*time.Second {
		t.Errorf("RetryAfter = %s, want 5s", se.RetryAfter)
	}
	p.setReply(reply(400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`))
	wantSendError(t, send(t, ch), true, "400", token)
	p.setReply(reply(401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`))
	wantSendError(t, send(t, ch), true, "401", token)
}

func TestSlack(t *testing.T) {
	p := newProvider(t, ok("ok"))
	hook := p.URL + "/services/T000/B000/XXXXXXXXXXXXXXXX"
	ch, err := notify.NewSlack(notify.SlackConfig{WebhookURL: notify.Secret(hook)})
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, ch); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := one(t, p)
	eq(t, "request", r.Method+" "+r.Path, "POST /services/T000/B000/XXXXXXXXXXXXXXXX")
	eq(t, "body", r.Body, `{"text":"[CRITICAL] head_stalled FIRING\nhost: bp-a\n\"quoted\" \u0026amp; \u0026lt;b\u0026gt;"}`)
	p.setReply(reply(404, "channel_not_found"))
	se := wantSendError(t, send(t, ch), true, "", "XXXXXXXXXXXXXXXX")
	eq(t, "message", se.Message, "channel_not_found")
	p.setReply(func(request) (int, string) { return 429, "rate_limited" })
	wantSendError(t, send(t, ch), false, "", "XXXXXXXXXXXXXXXX")
}

func TestWebhook(t *testing.T) {
	p := newProvider(t, reply(204, ""))
	ch, err := notify.NewWebhook(notify.WebhookConfig{URL: notify.Secret(p.URL + "/hook"), Header: map[string]notify.Secret{"Authorization": "Bearer tok-123456"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, ch); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := one(t, p)
	eq(t, "request", r.Method+" "+r.Path, "POST /hook")
	eq(t, "auth", r.Header.Get("Authorization"), "Bearer tok-123456")
	var got struct {
		Kind  string `json:"kind"`
		Alert struct {
			Key, Severity, State, Node string
			Time                       time.Time
		} `json:"alert"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	eq(t, "kind", got.Kind, "alert")
	eq(t, "alert", got.Alert.Key+"/"+got.Alert.Severity+"/"+got.Alert.State+"/"+got.Alert.Node, "head_stalled/critical/fired/bp-a")
	eq(t, "text", got.Text, testMessage().Text)
	p.setReply(reply(500, "oops"))
	wantSendError(t, send(t, ch), false, "", "tok-123456")
	p.setReply(reply(401, "denied"))
	wantSendError(t, send(t, ch), true, "", "tok-123456")
}

func TestCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	script := filepath.Join(dir, "alert.sh")
	body := "#!/bin/sh\ncat > " + out + ".json\nenv | grep ^EOSKEEPER_ALERT_ | sort > " + out + ".env\nexit ${EXIT_CODE:-0}\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	ch, err := notify.NewCommand(notify.CommandConfig{Argv: []string{script}})
	if err != nil {
		t.Fatal(err)
	}
	m := testMessage()
	m.Alert.Figures = []notify.Figure{notify.Fig("head", 1234), notify.Fig("p2p-peers", 3)}
	if err := ch.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	js, _ := os.ReadFile(out + ".json")
	var got notify.Message
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("stdin %s: %v", js, err)
	}
	if got.Alert.Key != "head_stalled" || got.Alert.Severity != notify.Critical || got.Text != m.Text {
		t.Errorf("stdin decoded to %+v", got)
	}
	env, _ := os.ReadFile(out + ".env")
	for _, want := range []string{
		"EOSKEEPER_ALERT_KEY=head_stalled", "EOSKEEPER_ALERT_SEVERITY=critical", "EOSKEEPER_ALERT_STATE=fired",
		"EOSKEEPER_ALERT_NODE=bp-a", "EOSKEEPER_ALERT_PRODUCER=eosstorebest", "EOSKEEPER_ALERT_FIGURE_HEAD=1234",
		"EOSKEEPER_ALERT_FIGURE_P2P_PEERS=3", "EOSKEEPER_ALERT_TIME=2026-03-01T10:00:00Z", "EOSKEEPER_ALERT_KIND=alert",
	} {
		if !strings.Contains(string(env), want+"\n") {
			t.Errorf("environment lacks %s:\n%s", want, env)
		}
	}

	failing, _ := notify.NewCommand(notify.CommandConfig{Argv: []string{script}, Env: []string{"EXIT_CODE=3"}})
	wantSendError(t, failing.Send(t.Context(), m), false, "3")
	missing, _ := notify.NewCommand(notify.CommandConfig{Argv: []string{filepath.Join(dir, "nope")}})
	wantSendError(t, missing.Send(t.Context(), m), true, "")
	slow, _ := notify.NewCommand(notify.CommandConfig{Argv: []string{"/bin/sh", "-c", "exec sleep 30"}, Timeout: 50 * time.Millisecond})
	wantSendError(t, slow.Send(t.Context(), m), false, "")
}
