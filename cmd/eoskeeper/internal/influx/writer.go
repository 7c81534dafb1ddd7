package influx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/redact"
)

// Defaults used by New for zero fields.
const (
	DefaultBatch         = 100
	DefaultBuffer        = 10000
	DefaultFlushInterval = 10 * time.Second
	DefaultTimeout       = 5 * time.Second
	DefaultRetryInitial  = time.Second
	DefaultRetryMax      = 30 * time.Second
)

// Upper bounds of Config fields, checked by New.
const (
	// MaxBatch keeps one request well below InfluxDB's request size limit.
	MaxBatch = 5000
	// MaxBuffer bounds the points kept while InfluxDB is unreachable (about 100 MiB of lines).
	MaxBuffer = 1_000_000
	// MaxFlushInterval bounds FlushInterval.
	MaxFlushInterval = time.Hour
	// MaxTimeout bounds Timeout.
	MaxTimeout = time.Minute
)

// ErrConfig is wrapped by the errors New returns for an unusable Config.
var ErrConfig = errors.New("influx: invalid config")

// Config configures a Writer.
type Config struct {
	URL      string // required: base URL, e.g. "http://127.0.0.1:8086"
	Version  int    // 1 or 2; Optional, defaults to 1
	Database string // 1.x: required
	Username string // 1.x: Optional, sent as HTTP basic auth
	Password string // 1.x: Optional
	Org      string // 2.x: required
	Bucket   string // 2.x: required
	Token    string // 2.x: required, sent as "Authorization: Token ..."

	Batch         int           // points per request at most; Optional, defaults to DefaultBatch
	Buffer        int           // points kept while InfluxDB is unreachable; Optional, defaults to DefaultBuffer
	FlushInterval time.Duration // Optional, defaults to DefaultFlushInterval
	Timeout       time.Duration // one request; Optional, defaults to DefaultTimeout
	RetryInitial  time.Duration // first retry delay; Optional, defaults to DefaultRetryInitial
	RetryMax      time.Duration // longest retry delay; Optional, defaults to DefaultRetryMax

	HTTPClient *http.Client // Optional, defaults to a client without a global timeout
	Logger     hclog.Logger // Optional, defaults to a null logger
}

// Stats counts what a Writer did since it was created.
type Stats struct {
	Buffered int    // points waiting to be sent
	Written  uint64 // points InfluxDB accepted
	Dropped  uint64 // points dropped because the buffer was full
	Rejected uint64 // points in batches InfluxDB refused (4xx other than 429)
	Failures uint64 // failed requests, including those later retried successfully
}

// Writer batches points and sends them to InfluxDB. Its methods are safe for concurrent use.
type Writer struct {
	cfg      Config
	endpoint string
	log      hclog.Logger

	mu    sync.Mutex
	lines []string
	head  uint64 // sequence number of lines[0]
	stats Stats

	ready chan struct{} // a full batch is waiting; buffered 1
}

// New checks cfg, fills defaults and returns a Writer. Nothing is sent until Run is called.
func New(cfg Config) (*Writer, error) {
	if cfg.Version == 0 {
		cfg.Version = 1
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: 'url' %q must be an http(s) URL with a host", ErrConfig, redact.URL(cfg.URL))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		// The writer appends its own path and query; credentials go in token or password.
		return nil, fmt.Errorf("%w: 'url' %q must not have a query or fragment (credentials go in token, or username and password)", ErrConfig, redact.URL(cfg.URL))
	}
	base := strings.TrimSuffix(u.String(), "/")
	q := url.Values{"precision": {"s"}}
	var endpoint string
	switch cfg.Version {
	case 1:
		if cfg.Database == "" {
			return nil, fmt.Errorf("%w: 'database' is required for version 1", ErrConfig)
		}
		q.Set("db", cfg.Database)
		endpoint = base + "/write?" + q.Encode()
	case 2:
		if cfg.Org == "" || cfg.Bucket == "" || cfg.Token == "" {
			return nil, fmt.Errorf("%w: 'org', 'bucket' and 'token' are required for version 2", ErrConfig)
		}
		q.Set("org", cfg.Org)
		q.Set("bucket", cfg.Bucket)
		endpoint = base + "/api/v2/write?" + q.Encode()
	default:
		return nil, fmt.Errorf("%w: 'version' %d must be 1 or 2", ErrConfig, cfg.Version)
	}
	switch {
	case cfg.Batch > MaxBatch:
		return nil, fmt.Errorf("%w: 'batch' %d must be at most %d", ErrConfig, cfg.Batch, MaxBatch)
	case cfg.Buffer > MaxBuffer:
		return nil, fmt.Errorf("%w: 'buffer' %d must be at most %d", ErrConfig, cfg.Buffer, MaxBuffer)
	case cfg.FlushInterval > MaxFlushInterval:
		return nil, fmt.Errorf("%w: 'flush_interval' %s must be at most %s", ErrConfig, cfg.FlushInterval, MaxFlushInterval)
	case cfg.Timeout > MaxTimeout:
		return nil, fmt.Errorf("%w: 'timeout' %s must be at most %s", ErrConfig, cfg.Timeout, MaxTimeout)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	if cfg.Buffer < cfg.Batch {
		cfg.Buffer = cfg.Batch
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RetryInitial <= 0 {
		cfg.RetryInitial = DefaultRetryInitial
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = DefaultRetryMax
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	return &Writer{cfg: cfg, endpoint: endpoint, log: cfg.Logger, ready: make(chan struct{}, 1)}, nil
}

// Write queues a point. It never blocks: when the buffer is full the oldest point is
// dropped and counted. Points without fields are ignored.
func (w *Writer) Write(p Point) {
	line := p.Line()
	if line == "" {
		return
	}
	w.mu.Lock()
	w.lines = append(w.lines, line)
	if len(w.lines) > w.cfg.Buffer {
		over := len(w.lines) - w.cfg.Buffer
		w.lines = w.lines[over:]
		w.head += uint64(over)
		w.stats.Dropped += uint64(over)
	}
	full := len(w.lines) >= w.cfg.Batch
	w.mu.Unlock()
	if full {
		select {
		case w.ready <- struct{}{}:
		default:
		}
	}
}

// Stats returns the writer's counters.
func (w *Writer) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	s.Buffered = len(w.lines)
	return s
}

// Run sends buffered points until ctx is done, then makes one last attempt, bounded by the
// request timeout, to send what is left. It blocks, returns nil, and must be called once.
func (w *Writer) Run(ctx context.Context) error {
	tick := time.NewTicker(w.cfg.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			w.final()
			return nil
		case <-tick.C:
		case <-w.ready:
		}
		w.flushAll(ctx)
	}
}

// final tries once to send what is buffered, without retries.
func (w *Writer) final() {
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.Timeout)
	defer cancel()
	for {
		batch, upTo := w.peek()
		if len(batch) == 0 {
			return
		}
		if err := w.send(ctx, batch); err != nil {
			w.log.Warn("influxdb: points left unsent at shutdown", "points", w.Stats().Buffered, "error", err)
			return
		}
		w.ack(upTo, len(batch), nil)
	}
}

// flushAll sends batches until the buffer is empty, retrying transient failures with
// backoff. It returns early when ctx is done.
func (w *Writer) flushAll(ctx context.Context) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = w.cfg.RetryInitial
	bo.MaxInterval = w.cfg.RetryMax
	bo.MaxElapsedTime = 0 // never give up: the buffer bounds what is kept
	bo.Reset()
	for {
		batch, upTo := w.peek()
		if len(batch) == 0 {
			return
		}
		err := w.send(ctx, batch)
		if err == nil {
			w.ack(upTo, len(batch), nil)
			bo.Reset()
			continue
		}
		var perm *backoff.PermanentError
		if errors.As(err, &perm) {
			w.ack(upTo, len(batch), err)
			w.log.Error("influxdb: batch rejected, dropped", "points", len(batch), "error", err)
			continue
		}
		w.mu.Lock()
		w.stats.Failures++
		w.mu.Unlock()
		delay := bo.NextBackOff()
		w.log.Warn("influxdb: write failed, will retry", "points", len(batch), "retry_in", delay, "error", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// peek returns up to one batch from the head of the buffer, and the sequence number just
// after it.
func (w *Writer) peek() ([]string, uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := min(len(w.lines), w.cfg.Batch)
	batch := make([]string, n)
	copy(batch, w.lines[:n])
	return batch, w.head + uint64(n)
}

// ack removes the points before sequence number upTo that are still buffered (some may have
// been dropped meanwhile) and counts them as written, or as rejected when err is set.
func (w *Writer) ack(upTo uint64, sent int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if upTo > w.head {
		n := int(upTo - w.head)
		w.lines = w.lines[n:]
		w.head = upTo
		if len(w.lines) == 0 {
			w.lines = nil
		}
	}
	if err != nil {
		w.stats.Rejected += uint64(sent)
		w.stats.Failures++
	} else {
		w.stats.Written += uint64(sent)
	}
}
