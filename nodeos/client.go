package nodeos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/redact"
)

// DefaultTimeout is the per-call timeout when Config.Timeout is zero. nodeos answers local
// API calls in milliseconds (http-max-response-time-ms defaults to 15); two seconds separates
// a busy node from a hung one without stalling the caller's loop.
const DefaultTimeout = 2 * time.Second

// maxResponseBytes bounds a reply body. A get_block of a full block is a few MiB at most.
const maxResponseBytes = 32 << 20

// Config configures a Client.
type Config struct {
	// URL is the base URL of nodeos's HTTP API, e.g. "http://127.0.0.1:8888". Required;
	// scheme http or https. A path is kept as a prefix (for a reverse proxy).
	URL string
	// Timeout bounds each call, including reading the reply. Optional, defaults to
	// DefaultTimeout. A shorter deadline on the caller's context wins.
	Timeout time.Duration
	// HTTPClient sends the requests. Optional, defaults to a client with keep-alive
	// connections and no timeout of its own (Timeout governs).
	HTTPClient *http.Client
	// Logger receives one trace line per call. Optional, defaults to a null logger.
	Logger hclog.Logger
}

// Client calls one nodeos's HTTP API. It is safe for concurrent use. Every method blocks
// until nodeos replies, the per-call timeout expires or ctx is done; errors name the endpoint
// and match ErrUnreachable, ErrTimeout, *APIError or *DecodeError.
type Client struct {
	base    string
	timeout time.Duration
	hc      *http.Client
	logger  hclog.Logger
	// noBlockInfo is set once nodeos answered get_block_info 404 and get_block in its place:
	// GetBlockHeader then calls get_block alone.
	noBlockInfo atomic.Bool
}

// MaxTimeout bounds Config.Timeout: a nodeos that takes longer to answer a local API call is
// hung, not busy, and a caller waiting longer would stall its own loop.
const MaxTimeout = 30 * time.Second

// FieldError is one problem Config.Validate found, attributed to the Config field at fault.
type FieldError struct {
	// Field is the name of the Config field, e.g. "URL".
	Field string
	// Err says what is wrong.
	Err error
}

// Error returns the problem's text.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate reports every problem of cfg, each as a *FieldError, without making a request:
// the checks NewClient makes.
func (cfg Config) Validate() error {
	var errs []error
	if _, err := parseBaseURL(cfg.URL); err != nil {
		errs = append(errs, &FieldError{Field: "URL", Err: err})
	}
	if cfg.Timeout < 0 || cfg.Timeout > MaxTimeout {
		errs = append(errs, &FieldError{Field: "Timeout",
			Err: fmt.Errorf("nodeos: invalid timeout %s: must lie within 0 (the default, %s) and %s", cfg.Timeout, DefaultTimeout, MaxTimeout)})
	}
	return errors.Join(errs...)
}

// NewClient validates cfg and returns a Client. It makes no request.
func NewClient(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base, err := parseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, timeout: cfg.Timeout, hc: cfg.HTTPClient, logger: cfg.Logger}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: newTransport()}
	}
	if c.logger == nil {
		c.logger = hclog.NewNullLogger()
	}
	return c, nil
}

// parseBaseURL checks that raw is an absolute http(s) URL with a host and returns it without
// a trailing slash.
func parseBaseURL(raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", errors.New("nodeos: missing URL: want the HTTP API address, e.g. http://127.0.0.1:8888")
	}
	if !strings.Contains(raw, "://") {
		return "", errors.New("nodeos: invalid URL: scheme must be http or https, e.g. http://127.0.0.1:8888")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // its text repeats the URL, which may hold a password
		}
		return "", fmt.Errorf("nodeos: invalid URL %q: %w", redact.URL(raw), err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("nodeos: invalid URL %q: scheme must be http or https, e.g. http://127.0.0.1:8888", redact.URL(raw))
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("nodeos: invalid URL %q: missing host, e.g. http://127.0.0.1:8888", redact.URL(raw))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("nodeos: invalid URL %q: must not have a query or fragment", redact.URL(raw))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// newTransport returns the default HTTP transport: keep-alive, a short dial timeout and the
// environment's proxy settings (which skip loopback addresses).
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
}

// URL returns the base URL the client calls, with any user information redacted.
func (c *Client) URL() string {
	return redact.URL(c.base)
}

// Timeout returns the per-call timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// call POSTs params to endpoint and decodes a 2xx reply into out. nodeos ignores the method.
// params nil sends no body at all: no-parameter endpoints refuse anything but an empty body
// or a bare {} (a JSON encoder's "{}\n" is refused with 400). out nil ignores the reply body.
func (c *Client) call(ctx context.Context, endpoint string, params, out any) error {
	var body io.Reader = http.NoBody
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return fmt.Errorf("nodeos: %s: encoding request: %w", endpoint, err)
		}
		body = bytes.NewReader(b)
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodPost, c.base+endpoint, body)
	if err != nil {
		return fmt.Errorf("nodeos: %s: building request: %w", endpoint, err)
	}
	req.Header.Set("Accept", "application/json")
	// Every call is safe to repeat (reads, and pause/resume which are idempotent). Marking it
	// so lets the transport retry once on a pooled connection that nodeos closed (a restart),
	// instead of reporting the node unreachable. The empty key is not sent.
	req.Header["Idempotency-Key"] = nil
	if params != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		err = redact.Error(err) // the client's error names the URL, user information included
		c.logger.Debug("request failed", "endpoint", endpoint, "duration", time.Since(start), "error", err)
		return transportError(ctx, endpoint, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		c.logger.Debug("reading reply failed", "endpoint", endpoint, "status", resp.StatusCode, "error", err)
		return transportError(ctx, endpoint, err)
	}
	c.logger.Trace("request", "endpoint", endpoint, "status", resp.StatusCode, "bytes", len(raw), "duration", time.Since(start))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return DecodeAPIError(endpoint, resp.StatusCode, raw)
	}
	if len(raw) > maxResponseBytes {
		return &DecodeError{Endpoint: endpoint, Status: resp.StatusCode, Snippet: clipText(raw),
			Err: fmt.Errorf("reply larger than %d bytes", maxResponseBytes)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &DecodeError{Endpoint: endpoint, Status: resp.StatusCode, Snippet: clipText(raw), Err: err}
	}
	return nil
}

// DecodeAPIError builds the error for a non-2xx reply of endpoint, decoding nodeos's error
// body ({"code","message","error":{"code","name","what","details"}}) when there is one.
func DecodeAPIError(endpoint string, status int, raw []byte) *APIError {
	e := &APIError{Endpoint: endpoint, Status: status}
	var eb struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &eb); err == nil && (eb.Code != 0 || eb.Message != "") {
		e.Code, e.Message = eb.Code, eb.Message
		// A malformed or empty "error" member leaves Err zero; code and message still tell.
		_ = json.Unmarshal(eb.Error, &e.Err)
		return e
	}
	e.Message = http.StatusText(status)
	if s := strings.TrimSpace(string(raw)); s != "" {
		e.Body = clipText([]byte(s))
	}
	return e
}
