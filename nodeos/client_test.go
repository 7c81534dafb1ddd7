package nodeos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestNewClientValidatesURL(t *testing.T) {
	bad := []struct {
		name, url, want string
	}{
		{"empty", "", "missing URL"},
		{"no scheme", "127.0.0.1:8888", "scheme must be http or https"},
		{"host:port only", "localhost:8888", "scheme must be http or https"},
		{"ftp", "ftp://127.0.0.1:8888", "scheme must be http or https"},
		{"no host", "http://", "missing host"},
		{"port only", "http://:8888", "missing host"},
		{"query", "http://127.0.0.1:8888/?x=1", "query"},
		{"unparsable", "http://[::1", "invalid URL"},
		{"password not echoed", "http://user:secret@[::1", "invalid URL"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(Config{URL: tc.url})
			if err == nil {
				t.Fatalf("NewClient(%q) = %v, want error containing %q", tc.url, c.URL(), tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("NewClient(%q) error %q shows the password", tc.url, err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "nodeos: ") {
				t.Fatalf("NewClient(%q) error %q, want it to start with \"nodeos: \" and contain %q", tc.url, err, tc.want)
			}
		})
	}
	if _, err := NewClient(Config{URL: "http://127.0.0.1:8888", Timeout: -time.Second}); err == nil {
		t.Fatal("NewClient with a negative timeout succeeded, want error")
	}

	good := []struct{ url, want string }{
		{"http://127.0.0.1:8888", "http://127.0.0.1:8888"},
		{"http://127.0.0.1:8888/", "http://127.0.0.1:8888"},
		{"HTTPS://node.example.com/api/", "https://node.example.com/api"},
		{"http://user:secret@127.0.0.1:8888", "http://<redacted>@127.0.0.1:8888"},
	}
	for _, tc := range good {
		c, err := NewClient(Config{URL: tc.url})
		if err != nil {
			t.Fatalf("NewClient(%q): %v", tc.url, err)
		}
		if c.URL() != tc.want {
			t.Errorf("NewClient(%q).URL() = %q, want %q", tc.url, c.URL(), tc.want)
		}
		if c.Timeout() != DefaultTimeout {
			t.Errorf("default timeout = %s, want %s", c.Timeout(), DefaultTimeout)
		}
	}
}

func TestNoParamEndpointsSendNoBody(t *testing.T) {
	f, c := newFakeNode(t, map[string]reply{
		PathGetInfo:             {200, mustFixture("get_info_leap403.json")},
		PathGetProducerSchedule: {200, mustFixture("get_producer_schedule_spring.json")},
		PathGetFinalizerInfo:    {200, mustFixture("get_finalizer_info_spring.json")},
		PathPause:               {201, `{"result":"ok"}`},
		PathResume:              {201, `{"result":"ok"}`},
		PathPaused:              {201, `true`},
		PathConnections:         {201, mustFixture("connections_leap5.json")},
		PathGetSupportedAPIs:    {200, mustFixture("get_supported_apis_no_producer.json")},
	})
	ctx := context.Background()
	calls := map[string]func() error{
		PathGetInfo:             func() error { _, err := c.GetInfo(ctx); return err },
		PathGetProducerSchedule: func() error { _, err := c.GetProducerSchedule(ctx); return err },
		PathGetFinalizerInfo:    func() error { _, err := c.GetFinalizerInfo(ctx); return err },
		PathPause:               func() error { return c.Pause(ctx) },
		PathResume:              func() error { return c.Resume(ctx) },
		PathPaused:              func() error { _, err := c.Paused(ctx); return err },
		PathConnections:         func() error { _, err := c.Connections(ctx); return err },
		PathGetSupportedAPIs:    func() error { _, err := c.SupportedAPIs(ctx); return err },
	}
	for path, call := range calls {
		if err := call(); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	reqs := f.requests()
	if len(reqs) != len(calls) {
		t.Fatalf("fake nodeos got %d requests, want %d", len(reqs), len(calls))
	}
	for _, r := range reqs {
		if r.body != "" || r.contentLength != 0 || r.contentType != "" {
			t.Errorf("%s: sent body %q (Content-Length %d, Content-Type %q), want no body at all",
				r.path, r.body, r.contentLength, r.contentType)
		}
		if r.method != http.MethodPost {
			t.Errorf("%s: method %s, want POST", r.path, r.method)
		}
	}
}

func TestRequiredBodies(t *testing.T) {
	f, c := newFakeNode(t, map[string]reply{
		PathGetProducers: {200, mustFixture("get_producers.json")},
		PathGetBlock:     {200, mustFixture("get_block_eosio21.json")},
		PathGetBlockInfo: {200, mustFixture("get_block_info.json")},
	})
	ctx := context.Background()
	if _, err := c.GetProducers(ctx, ProducersRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetProducers(ctx, ProducersRequest{LowerBound: "blkproducer2", Limit: 21, TimeLimit: 10 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBlock(ctx, "11453"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBlockInfo(ctx, 11453); err != nil {
		t.Fatal(err)
	}
	want := []struct{ path, body string }{
		{PathGetProducers, `{"json":true,"lower_bound":""}`},
		{PathGetProducers, `{"json":true,"lower_bound":"blkproducer2","limit":21,"time_limit_ms":10}`},
		{PathGetBlock, `{"block_num_or_id":"11453"}`},
		{PathGetBlockInfo, `{"block_num":11453}`},
	}
	reqs := f.requests()
	if len(reqs) != len(want) {
		t.Fatalf("got %d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if reqs[i].path != w.path || reqs[i].body != w.body {
			t.Errorf("request %d = %s %s, want %s %s", i, reqs[i].path, reqs[i].body, w.path, w.body)
		}
		if reqs[i].contentType != "application/json" {
			t.Errorf("request %d Content-Type %q, want application/json", i, reqs[i].contentType)
		}
	}
	if _, err := c.GetBlock(ctx, ""); err == nil {
		t.Error("GetBlock(\"\") succeeded, want error")
	}
}

func TestAPIErrors(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{
		PathGetInfo:      {200, mustFixture("get_info_leap403.json")},
		PathGetBlock:     {400, mustFixture("error_400_unknown_block.json")},
		PathGetProducers: {500, "<html><body>502 Bad Gateway</body></html>"},
		PathGetBlockInfo: {400, `{"code":400,"message":"Disallowed HTTP HOST header in the request","error":{"code":0,"name":"","what":"","details":[]}}`},
	})
	ctx := context.Background()

	t.Run("404 producer endpoint names the plugin", func(t *testing.T) {
		err := c.Pause(ctx)
		want := `nodeos: /v1/producer/pause: 404 Not Found: Unknown Endpoint; producer_api_plugin is probably not loaded (add "plugin = eosio::producer_api_plugin" to config.ini)`
		if err == nil || err.Error() != want {
			t.Fatalf("Pause error = %v\nwant %s", err, want)
		}
		var aerr *APIError
		if !errors.As(err, &aerr) {
			t.Fatalf("Pause error %T, want *APIError", err)
		}
		if aerr.Status != 404 || aerr.Code != 404 || aerr.Message != "Not Found" || aerr.Err.Name != "exception" ||
			len(aerr.Err.Details) != 1 || aerr.Err.Details[0].Method != "handle_request" {
			t.Errorf("decoded %+v", aerr)
		}
		if !errors.Is(err, ErrPluginMissing) {
			t.Error("404 on /v1/producer/pause does not match ErrPluginMissing")
		}
		if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrTimeout) {
			t.Error("an HTTP reply matched a transport error")
		}
	})
	t.Run("404 net endpoint", func(t *testing.T) {
		_, err := c.Connections(ctx)
		if err == nil || !strings.Contains(err.Error(), `net_api_plugin is probably not loaded (add "plugin = eosio::net_api_plugin"`) {
			t.Fatalf("Connections error = %v, want the net_api_plugin hint", err)
		}
	})
	t.Run("404 finalizer info is a version matter", func(t *testing.T) {
		_, err := c.GetFinalizerInfo(ctx)
		if err == nil || errors.Is(err, ErrPluginMissing) || !strings.Contains(err.Error(), "needs Spring") {
			t.Fatalf("GetFinalizerInfo error = %v, want a 404 that says it needs Spring", err)
		}
	})
	t.Run("404 get_block_info on an old release", func(t *testing.T) {
		_, old := newFakeNode(t, map[string]reply{})
		_, err := old.GetBlockInfo(ctx, 1)
		if err == nil || errors.Is(err, ErrPluginMissing) || !strings.Contains(err.Error(), "use get_block") {
			t.Fatalf("GetBlockInfo error = %v, want a 404 that points to get_block", err)
		}
	})
	t.Run("400 3200006", func(t *testing.T) {
		// A body on a no-parameter endpoint, as a careless client would send.
		err := c.call(ctx, PathGetInfo, map[string]bool{"json": true}, nil)
		want := "nodeos: /v1/chain/get_info: 400 Invalid Request: no parameter should be given (invalid_http_request 3200006)"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant %s", err, want)
		}
		var aerr *APIError
		if !errors.As(err, &aerr) || aerr.Err.Code != 3200006 || aerr.Err.What != "invalid http request" ||
			aerr.Err.Details[0].LineNumber != 271 || aerr.Err.Details[0].File != "http_plugin.hpp" {
			t.Fatalf("decoded %+v", aerr)
		}
		if errors.Is(err, ErrPluginMissing) {
			t.Error("a 400 matched ErrPluginMissing")
		}
	})
	t.Run("unknown block", func(t *testing.T) {
		_, err := c.GetBlock(ctx, "999999999")
		want := "nodeos: /v1/chain/get_block: 400 Unknown Block: Could not find block: 999999999 (unknown_block_exception 3100002)"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant %s", err, want)
		}
	})
	t.Run("non-nodeos body", func(t *testing.T) {
		_, err := c.GetProducers(ctx, ProducersRequest{})
		var aerr *APIError
		if !errors.As(err, &aerr) || aerr.Status != 500 || aerr.Message != "Internal Server Error" || !strings.Contains(aerr.Body, "502 Bad Gateway") {
			t.Fatalf("error = %#v, want *APIError 500 with the body excerpt", err)
		}
	})
	t.Run("empty error member", func(t *testing.T) {
		_, err := c.GetBlockInfo(ctx, 1)
		want := "nodeos: /v1/chain/get_block_info: 400 Disallowed HTTP HOST header in the request"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant %s", err, want)
		}
	})
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hang like a stuck nodeos until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	c, err := NewClient(Config{URL: srv.URL, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetInfo(context.Background())
	if !errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("GetInfo on a hung server: %v, want ErrTimeout only", err)
	}
	var terr *TransportError
	if !errors.As(err, &terr) || terr.Endpoint != PathGetInfo {
		t.Fatalf("error %#v, want *TransportError for %s", err, PathGetInfo)
	}
	if !strings.HasPrefix(err.Error(), "nodeos: /v1/chain/get_info: timed out: ") {
		t.Errorf("error text %q", err)
	}

	// The caller's shorter deadline wins over the client's timeout.
	c2, err := NewClient(Config{URL: srv.URL, Timeout: MaxTimeout})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c2.Paused(ctx); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Paused with a caller deadline: %v, want ErrTimeout", err)
	}

	// A cancelled caller is neither a timeout nor an unreachable node.
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c2.GetInfo(ctx); done <- err }()
	cancel()
	err = <-done
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("cancelled GetInfo: %v, want context.Canceled only", err)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestUnreachable(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		c, err := NewClient(Config{URL: "http://" + closedPort(t)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetInfo(context.Background())
		if !errors.Is(err, ErrUnreachable) || !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, ErrTimeout) {
			t.Fatalf("GetInfo on a closed port: %v, want ErrUnreachable wrapping ECONNREFUSED", err)
		}
		if !strings.HasPrefix(err.Error(), "nodeos: /v1/chain/get_info: unreachable: ") {
			t.Errorf("error text %q", err)
		}
	})
	t.Run("dns", func(t *testing.T) {
		dnsErr := &net.DNSError{Err: "no such host", Name: "nodeos.invalid", IsNotFound: true}
		hc := &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return nil, &net.OpError{Op: "dial", Net: network, Err: dnsErr}
			},
		}}
		c, err := NewClient(Config{URL: "http://nodeos.invalid:8888", HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Pause(context.Background())
		var got *net.DNSError
		if !errors.Is(err, ErrUnreachable) || !errors.As(err, &got) {
			t.Fatalf("Pause with an unknown host: %v, want ErrUnreachable wrapping *net.DNSError", err)
		}
	})
	t.Run("connection dropped", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}))
		t.Cleanup(srv.Close)
		c, err := NewClient(Config{URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Paused(context.Background()); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("Paused on a dropped connection: %v, want ErrUnreachable", err)
		}
	})
}

func TestMalformedReplies(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{
		PathGetInfo:             {200, `{"server_version":"6c1717c9","head_block_num":`},
		PathGetProducerSchedule: {200, `<html>proxy error</html>`},
		PathPaused:              {201, `"yes"`},
		PathPause:               {201, `{"result":"failed"}`},
		PathResume:              {201, ``},
		PathGetBlockInfo:        {200, `{"block_num":"not a number"}`},
	})
	ctx := context.Background()
	_, err := c.GetInfo(ctx)
	var derr *DecodeError
	if !errors.As(err, &derr) || derr.Endpoint != PathGetInfo || derr.Status != 200 ||
		derr.Snippet != `{"server_version":"6c1717c9","head_block_num":` {
		t.Fatalf("GetInfo on truncated JSON: %#v, want *DecodeError with endpoint and snippet", err)
	}
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		t.Errorf("DecodeError does not unwrap to the JSON error: %v", err)
	}
	if !strings.Contains(err.Error(), "nodeos: /v1/chain/get_info: malformed response") {
		t.Errorf("error text %q", err)
	}
	if _, err := c.GetProducerSchedule(ctx); !errors.As(err, &derr) || derr.Snippet != "<html>proxy error</html>" {
		t.Errorf("GetProducerSchedule on HTML: %v, want *DecodeError", err)
	}
	if _, err := c.Paused(ctx); !errors.As(err, &derr) {
		t.Errorf("Paused on a string: %v, want *DecodeError", err)
	}
	if err := c.Pause(ctx); !errors.Is(err, ErrUnexpectedResult) || !strings.Contains(err.Error(), `"failed"`) {
		t.Errorf("Pause with result failed: %v, want ErrUnexpectedResult naming the result", err)
	}
	if err := c.Resume(ctx); !errors.As(err, &derr) {
		t.Errorf("Resume on an empty body: %v, want *DecodeError", err)
	}
	if _, err := c.GetBlockInfo(ctx, 1); !errors.As(err, &derr) {
		t.Errorf("GetBlockInfo with a string block_num: %v, want *DecodeError", err)
	}
}

func TestPauseResumePaused(t *testing.T) {
	f, c := newFakeNode(t, map[string]reply{
		PathPause:  {201, `{"result":"ok"}`},
		PathResume: {201, `{"result":"ok"}`},
		PathPaused: {201, `true`},
	})
	ctx := context.Background()
	if err := c.Pause(ctx); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	if err := c.Resume(ctx); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	for _, tc := range []struct {
		status int
		body   string
		want   bool
	}{{201, "true", true}, {201, "false", false}, {200, "false", false}, {200, " true\n", true}} {
		f.mu.Lock()
		f.replies[PathPaused] = reply{tc.status, tc.body}
		f.mu.Unlock()
		got, err := c.Paused(ctx)
		if err != nil || got != tc.want {
			t.Errorf("Paused with %d %q = %v, %v; want %v", tc.status, tc.body, got, err, tc.want)
		}
	}
	f.mu.Lock()
	f.replies[PathPaused] = reply{201, "null"}
	f.mu.Unlock()
	if _, err := c.Paused(ctx); !errors.Is(err, ErrUnexpectedResult) {
		t.Errorf("Paused with null: %v, want ErrUnexpectedResult", err)
	}
}

func TestResponseTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte(" "), maxResponseBytes+1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write(big)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{URL: srv.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var derr *DecodeError
	if _, err := c.GetInfo(context.Background()); !errors.As(err, &derr) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("GetInfo with a huge reply: %v, want *DecodeError", err)
	}
}
