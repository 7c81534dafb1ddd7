// Package influxtest starts a real InfluxDB 1.x server (the influxd binary) for tests, on
// free loopback ports with its data in the test's temporary directory.
//
// Tests that need it call Start; when influxd is not installed the test is skipped with the
// reason, unless EOSKEEPER_INTEGRATION=required, in which case it fails. The server's log is
// printed only when the test fails or runs verbose, and the server is stopped in t.Cleanup.
package influxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/influxconf"
)

// StartTimeout bounds how long Start waits for influxd to answer /ping.
const StartTimeout = 30 * time.Second

// Server is a running influxd.
type Server struct {
	// URL is the HTTP API's base URL, e.g. "http://127.0.0.1:41234".
	URL string

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

// Start runs influxd for the duration of the test and returns once its HTTP API answers.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("influxd")
	if err != nil {
		if os.Getenv("EOSKEEPER_INTEGRATION") == "required" {
			t.Fatalf("influxtest: influxd not found in PATH and EOSKEEPER_INTEGRATION=required: %v", err)
		}
		t.Skipf("influxtest: influxd not found in PATH (install Debian's influxdb package); skipping: %v", err)
	}
	dir := t.TempDir()
	httpAddr, rpcAddr := freeAddr(t), freeAddr(t)
	conf := influxconf.Config(dir, httpAddr, rpcAddr)
	confPath := filepath.Join(dir, "influxdb.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatalf("influxtest: write config: %v", err)
	}

	s := &Server{URL: "http://" + httpAddr, log: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "run", "-config", confPath)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("influxtest: start influxd: %v", err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() || testing.Verbose() {
			t.Logf("influxd log:\n%s", s.log.String())
		}
	})
	if err := s.waitReady(StartTimeout); err != nil {
		t.Fatalf("influxtest: %v\ninfluxd log:\n%s", err, s.log.String())
	}
	return s
}

// stop terminates influxd and waits for it to exit.
func (s *Server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Stop terminates influxd now, for tests of a writer facing an unreachable server.
func (s *Server) Stop() { s.stop() }

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(s.URL + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNoContent {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("influxd exited before it was ready")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("influxd not ready after %s (last error: %v)", timeout, err)
		}
	}
}

// Exec runs an InfluxQL statement through /query (POST) and fails the test on error.
func (s *Server) Exec(t testing.TB, db, q string) {
	t.Helper()
	if _, err := s.query(http.MethodPost, db, q); err != nil {
		t.Fatalf("influxtest: %s: %v", q, err)
	}
}

// CreateDatabase creates a database.
func (s *Server) CreateDatabase(t testing.TB, name string) {
	t.Helper()
	s.Exec(t, "", fmt.Sprintf("CREATE DATABASE %q", name))
}

// Series is one series of a query result.
type Series struct {
	Name    string            `json:"name"`
	Tags    map[string]string `json:"tags"`
	Columns []string          `json:"columns"`
	Values  [][]any           `json:"values"`
}

// Rows returns the series' rows as maps from column name to value. Numbers are
// json.Number values (the query decoder uses UseNumber).
func (s Series) Rows() []map[string]any {
	out := make([]map[string]any, 0, len(s.Values))
	for _, v := range s.Values {
		row := make(map[string]any, len(s.Columns))
		for i, c := range s.Columns {
			if i < len(v) {
				row[c] = v[i]
			}
		}
		out = append(out, row)
	}
	return out
}

// Query runs a read query and returns the series of its first statement.
func (s *Server) Query(t testing.TB, db, q string) []Series {
	t.Helper()
	series, err := s.query(http.MethodGet, db, q)
	if err != nil {
		t.Fatalf("influxtest: %s: %v", q, err)
	}
	return series
}

func (s *Server) query(method, db, q string) ([]Series, error) {
	v := url.Values{"q": {q}, "epoch": {"s"}}
	if db != "" {
		v.Set("db", db)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var req *http.Request
	var err error
	if method == http.MethodPost {
		req, err = http.NewRequestWithContext(ctx, method, s.URL+"/query", strings.NewReader(v.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, method, s.URL+"/query?"+v.Encode(), nil)
	}
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	var r struct {
		Results []struct {
			Series []Series `json:"series"`
			Error  string   `json:"error"`
		} `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("decode %s: %w", body, err)
	}
	if len(r.Results) == 0 {
		return nil, nil
	}
	if r.Results[0].Error != "" {
		return nil, fmt.Errorf("%s", r.Results[0].Error)
	}
	return r.Results[0].Series, nil
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("influxtest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
