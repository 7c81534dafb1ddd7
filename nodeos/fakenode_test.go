package nodeos

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// reply is a canned nodeos reply.
type reply struct {
	status int
	body   string
}

// recordedRequest is what the fake nodeos received.
type recordedRequest struct {
	method        string
	path          string
	body          string
	contentLength int64
	contentType   string
}

// noParamPaths are the endpoints nodeos declares no_params: it refuses any body but empty or {}.
var noParamPaths = map[string]bool{
	PathGetInfo: true, PathGetProducerSchedule: true, PathGetFinalizerInfo: true,
	PathPause: true, PathResume: true, PathPaused: true, PathConnections: true,
	PathGetSupportedAPIs: true,
}

// fakeNode is an HTTP server that answers like nodeos's http_plugin: exact path match,
// any method, 404 Unknown Endpoint for other paths, 400/3200006 for a body sent to a
// no-parameter endpoint, and the canned replies otherwise.
type fakeNode struct {
	srv *httptest.Server

	mu      sync.Mutex
	replies map[string]reply
	reqs    []recordedRequest
}

// newFakeNode starts a fake nodeos with replies and returns it with a client for it.
func newFakeNode(t *testing.T, replies map[string]reply) (*fakeNode, *Client) {
	t.Helper()
	f := &fakeNode{replies: replies}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	c, err := NewClient(Config{URL: f.srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("NewClient(%q): %v", f.srv.URL, err)
	}
	return f, c
}

func (f *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, recordedRequest{r.Method, r.URL.Path, string(body), r.ContentLength, r.Header.Get("Content-Type")})
	rep, ok := f.replies[r.URL.RequestURI()]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	trimmed := strings.Trim(string(body), " \t")
	switch {
	case !ok:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, fixture404)
	case noParamPaths[r.URL.Path] && trimmed != "" && trimmed != "{}":
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, fixture400)
	default:
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
	}
}

// requests returns the requests received so far.
func (f *fakeNode) requests() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedRequest(nil), f.reqs...)
}

// The error bodies every fake nodeos uses.
var (
	fixture400 = mustFixture("error_400_invalid_request.json")
	fixture404 = mustFixture("error_404_unknown_endpoint.json")
)

// mustFixture reads testdata/api/name; it panics when the file is missing (a broken checkout).
func mustFixture(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", "api", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}
