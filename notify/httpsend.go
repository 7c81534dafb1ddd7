package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxReply bounds how much of a provider's reply is read.
const maxReply = 64 << 10

// httpBase is what the HTTP channels share: a client, the channel name and the scrubber that
// keeps credentials out of errors.
type httpBase struct {
	name   string
	client *http.Client
	scrub  scrubber
}

func newHTTPBase(name string, client *http.Client, secrets ...Secret) httpBase {
	if client == nil {
		client = &http.Client{}
	}
	return httpBase{name: name, client: client, scrub: newScrubber(secrets...)}
}

// reply is a provider's HTTP response, read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request. Transport failures are transient *SendErrors without the URL.
func (h *httpBase) do(ctx context.Context, method, url string, header http.Header, body []byte) (*reply, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, &SendError{Channel: h.name, Permanent: true, Err: h.scrub.err(err)}
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, &SendError{Channel: h.name, Err: h.scrub.err(err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return nil, &SendError{Channel: h.name, Status: resp.StatusCode, Err: h.scrub.err(err)}
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// postJSON marshals v and posts it with Content-Type application/json.
func (h *httpBase) postJSON(ctx context.Context, url string, v any) (*reply, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, &SendError{Channel: h.name, Permanent: true, Err: err}
	}
	return h.do(ctx, http.MethodPost, url, http.Header{"Content-Type": {"application/json"}}, body)
}

// statusError returns nil for a 2xx reply and otherwise a *SendError that is transient for
// 408, 425, 429 and 5xx and permanent for other statuses.
func (h *httpBase) statusError(r *reply) error {
	if r.status/100 == 2 {
		return nil
	}
	return &SendError{
		Channel:    h.name,
		Status:     r.status,
		Message:    h.scrub.text(snippet(r.body)),
		Permanent:  !transientStatus(r.status),
		RetryAfter: parseRetryAfter(r.header.Get("Retry-After")),
	}
}

// providerError builds the error for a provider error code in a reply.
func (h *httpBase) providerError(r *reply, code, msg string, transient bool) *SendError {
	return &SendError{
		Channel:    h.name,
		Status:     r.status,
		Code:       code,
		Message:    h.scrub.text(msg),
		Permanent:  !transient,
		RetryAfter: parseRetryAfter(r.header.Get("Retry-After")),
	}
}

func transientStatus(s int) bool {
	return s == http.StatusRequestTimeout || s == http.StatusTooEarly || s == http.StatusTooManyRequests || s >= 500
}

// parseRetryAfter reads a Retry-After header given in seconds.
func parseRetryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// snippet returns the start of a reply body for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	return truncate(s, 200)
}

// baseURL returns u without a trailing slash, or def if u is empty.
func baseURL(u, def string) string {
	if u == "" {
		u = def
	}
	return strings.TrimRight(u, "/")
}
