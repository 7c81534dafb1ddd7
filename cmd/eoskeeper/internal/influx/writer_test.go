package influx

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
)

// recorder is an InfluxDB stand-in that records requests and answers with scripted codes.
type recorder struct {
	mu    sync.Mutex
	reqs  []recorded
	codes []int // answered in order; 204 once exhausted
}

type recorded struct {
	method, path, query, auth, ctype string
	user, pass                       string
	basic                            bool
	body                             string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	user, pass, basic := req.BasicAuth()
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Get("Authorization"),
		req.Header.Get("Content-Type"), user, pass, basic, string(body)})
	code := http.StatusNoContent
	if len(r.codes) > 0 {
		code, r.codes = r.codes[0], r.codes[1:]
	}
	r.mu.Unlock()
	if code != http.StatusNoContent {
		http.Error(w, `{"error":"scripted failure"}`, code)
		return
	}
	w.WriteHeader(code)
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// run starts w.Run and stops it at cleanup, waiting for it to return.
func run(t *testing.T, w *Writer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func point(v int) Point {
	return Point{Measurement: "m", Tags: map[string]string{"host": "a"}, Fields: []Field{{"v", v}}, Time: time.Unix(1700000000+int64(v), 0)}
}

func TestWriterV2Request(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w, err := New(Config{URL: srv.URL + "/", Version: 2, Org: "my org", Bucket: "eos", Token: "s3cret", Batch: 2, FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	w.Write(point(1))
	w.Write(point(2)) // a full batch: sent without waiting for the interval
	waitFor(t, "one request", func() bool { return len(rec.requests()) == 1 })
	r := rec.requests()[0]
	want := recorded{
		method: "POST", path: "/api/v2/write", query: "bucket=eos&org=my+org&precision=s",
		auth: "Token s3cret", ctype: "text/plain; charset=utf-8",
		body: "m,host=a v=1i 1700000001\nm,host=a v=2i 1700000002\n",
	}
	if r != want {
		t.Errorf("request\n  %+v\nwant\n  %+v", r, want)
	}
	waitFor(t, "stats", func() bool { return w.Stats().Written == 2 })
}

func TestWriterV1Request(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w, err := New(Config{URL: srv.URL, Database: "eos mon", Username: "keeper", Password: "pw", FlushInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	w.Write(point(1)) // below the batch size: sent on the interval
	waitFor(t, "one request", func() bool { return len(rec.requests()) == 1 })
	r := rec.requests()[0]
	if r.path != "/write" || r.query != "db=eos+mon&precision=s" || !r.basic || r.user != "keeper" || r.pass != "pw" || r.body != "m,host=a v=1i 1700000001\n" {
		t.Errorf("request %+v", r)
	}
	if strings.Contains(r.query, "pw") {
		t.Errorf("password in the query string: %s", r.query)
	}
}

func TestWriterRetriesTransientFailures(t *testing.T) {
	rec := &recorder{codes: []int{500, 429, 503}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w, err := New(Config{URL: srv.URL, Database: "eos", Batch: 3, FlushInterval: time.Hour, RetryInitial: time.Millisecond, RetryMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	for i := 1; i <= 3; i++ {
		w.Write(point(i))
	}
	waitFor(t, "points written after retries", func() bool { return w.Stats().Written == 3 })
	reqs := rec.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4 (three failures, then success)", len(reqs))
	}
	for _, r := range reqs[1:] {
		if r.body != reqs[0].body {
			t.Errorf("retry sent a different batch:\n%s\nvs\n%s", r.body, reqs[0].body)
		}
	}
	if s := w.Stats(); s.Failures != 3 || s.Rejected != 0 || s.Dropped != 0 || s.Buffered != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestWriterDropsRejectedBatch(t *testing.T) {
	rec := &recorder{codes: []int{400}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w, err := New(Config{URL: srv.URL, Database: "eos", Batch: 2, FlushInterval: time.Hour, RetryInitial: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	w.Write(point(1))
	w.Write(point(2))
	waitFor(t, "rejection counted", func() bool { return w.Stats().Rejected == 2 })
	w.Write(point(3))
	w.Write(point(4))
	waitFor(t, "next batch written", func() bool { return w.Stats().Written == 2 })
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2: a 400 is not retried", len(reqs))
	}
	if !strings.Contains(reqs[1].body, "v=3i") || strings.Contains(reqs[1].body, "v=1i") {
		t.Errorf("second request carries %q", reqs[1].body)
	}
}

// TestWriterBoundedBufferNeverBlocks holds InfluxDB's answer while many points are written:
// every Write returns, the buffer keeps only the newest points and counts the rest as dropped.
func TestWriterBoundedBufferNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		<-release
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	defer open()
	w, err := New(Config{URL: srv.URL, Database: "eos", Batch: 10, Buffer: 50, FlushInterval: time.Hour, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= 1000; i++ {
			w.Write(point(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked while InfluxDB was not answering")
	}
	s := w.Stats()
	// At most one batch of 10 is in flight (it stays buffered until acknowledged).
	if s.Buffered != 50 || s.Dropped != 950 {
		t.Errorf("stats %+v, want 50 buffered and 950 dropped", s)
	}
	open()
	waitFor(t, "the rest written", func() bool { return w.Stats().Buffered == 0 })
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(bodies, "")
	if !strings.Contains(all, "v=1000i") || strings.Contains(all, "v=900i") {
		t.Errorf("the newest points must be kept and the oldest dropped; sent:\n%s", all)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no url", Config{Database: "x"}, "'url'"},
		{"bad scheme", Config{URL: "udp://x:8089", Database: "x"}, "'url'"},
		{"v1 no db", Config{URL: "http://x"}, "'database'"},
		{"v2 no token", Config{URL: "http://x", Version: 2, Org: "o", Bucket: "b"}, "'token'"},
		{"v3", Config{URL: "http://x", Version: 3}, "'version' 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrConfig mentioning %s", err, tc.want)
			}
		})
	}
}
