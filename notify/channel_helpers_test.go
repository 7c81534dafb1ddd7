package notify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
)

// request is what a fake provider saw.
type request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// fakeProvider is an httptest server that records requests and answers with reply.
type fakeProvider struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []request
	reply func(r request) (status int, body string)
}

func newProvider(t *testing.T, reply func(r request) (int, string)) *fakeProvider {
	t.Helper()
	p := &fakeProvider{reply: reply}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		req := request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(b)}
		p.mu.Lock()
		p.reqs = append(p.reqs, req)
		reply := p.reply
		p.mu.Unlock()
		status, body := reply(req)
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *fakeProvider) requests() []request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]request(nil), p.reqs...)
}

func (p *fakeProvider) setReply(f func(r request) (int, string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reply = f
}

func ok(body string) func(request) (int, string) {
	return func(request) (int, string) { return 200, body }
}

func reply(status int, body string) func(request) (int, string) {
	return func(request) (int, string) { return status, body }
}

// testMessage is a rendered critical alert.
func testMessage() notify.Message {
	return notify.Message{
		Kind:     notify.KindAlert,
		Alert:    notify.Alert{Key: "head_stalled", Severity: notify.Critical, Node: "bp-a", Role: "A", Producer: "eosstorebest", Message: "head not advancing for 12s", Time: t0},
		Title:    "[CRITICAL] head_stalled FIRING",
		Text:     "[CRITICAL] head_stalled FIRING\nhost: bp-a\n\"quoted\" & <b>",
		Markdown: "**head_stalled**",
	}
}

func send(t *testing.T, ch notify.Channel) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return ch.Send(ctx, testMessage())
}

// wantSendError checks err's classification and that no secret appears in its text.
func wantSendError(t *testing.T, err error, permanent bool, code string, secrets ...string) *notify.SendError {
	t.Helper()
	var se *notify.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want *SendError", err, err)
	}
	if notify.IsPermanent(err) != permanent {
		t.Errorf("IsPermanent(%v) = %v, want %v", err, !permanent, permanent)
	}
	if code != "" && se.Code != code {
		t.Errorf("error code %q, want %q (%v)", se.Code, code, err)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q leaks secret %q", err, s)
		}
	}
	return se
}

func one(t *testing.T, p *fakeProvider) request {
	t.Helper()
	reqs := p.requests()
	if len(reqs) != 1 {
		t.Fatalf("provider got %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}
