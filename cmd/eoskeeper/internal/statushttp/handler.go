// Package statushttp serves the keeper's status over HTTP: GET /status (JSON), /metrics
// (Prometheus, mounted from the caller), and role endpoints whose status codes a load
// balancer or a Consul HTTP check can use:
//
//	/v1/producing  200 this node holds the lock and is producing
//	               429 healthy, not producing (standby, candidate, full node): Consul "warning"
//	               503 unhealthy, stopped, or status unknown or stale: Consul "critical"
//	/v1/health     200 nodeos healthy, 503 otherwise
//
// Every response is computed from one keeper.Status snapshot read per request.
//
// Config.Auth puts /status and /metrics behind a bearer token or basic authentication; the
// role endpoints stay open, since a Consul HTTP check or a load balancer polls them without
// credentials and they reveal only a verdict. LoadKeyPair and NewTLSListener serve the
// listener over TLS with a certificate that is read again when its files change.
package statushttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/buildinfo"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// DefaultListen is the default listen address: loopback only.
const DefaultListen = "127.0.0.1:9273"

// DefaultMaxAge is how old a status snapshot may be before the role endpoints report the
// node as unknown (503): a keeper loop that stopped publishing must not look like a leader.
const DefaultMaxAge = 15 * time.Second

// Config configures the handler.
type Config struct {
	Status  func() keeper.Status // required; must be safe for concurrent use
	Build   *buildinfo.Info      // Optional: /status adds its version and commit to the status
	Metrics http.Handler         // Optional, served at /metrics
	MaxAge  time.Duration        // Optional, defaults to DefaultMaxAge; negative disables the check
	Now     func() time.Time     // Optional, defaults to time.Now
	// Auth guards /status and /metrics; Optional, nil leaves them open. The role endpoints
	// are never guarded.
	Auth *Auth
}

// ErrNoStatus is returned by NewHandler when Config.Status is nil.
var ErrNoStatus = errors.New("statushttp: Config.Status is required")

// NewHandler returns the HTTP handler.
func NewHandler(cfg Config) (http.Handler, error) {
	if cfg.Status == nil {
		return nil, ErrNoStatus
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &handler{cfg: cfg}
	mux := http.NewServeMux()
	mux.Handle("GET /status", cfg.Auth.Wrap(http.HandlerFunc(h.status)))
	mux.HandleFunc("GET /v1/producing", h.producing)
	mux.HandleFunc("GET /v1/health", h.health)
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Auth.Wrap(cfg.Metrics))
	}
	return mux, nil
}

type handler struct {
	cfg Config
}

// roleReply is the body of the role endpoints.
type roleReply struct {
	Node      string       `json:"node"`
	Role      keeper.Role  `json:"role"`
	State     keeper.State `json:"state"`
	Producing bool         `json:"producing"`
	LockHeld  bool         `json:"lock_held"`
	Healthy   bool         `json:"healthy"`
	Problems  []string     `json:"problems,omitempty"`
	Verdict   string       `json:"verdict"`
}

func (h *handler) status(w http.ResponseWriter, _ *http.Request) {
	if h.cfg.Build != nil {
		writeJSON(w, http.StatusOK, h.cfg.Build.Stamp(h.cfg.Status()))
		return
	}
	writeJSON(w, http.StatusOK, h.cfg.Status())
}

func (h *handler) producing(w http.ResponseWriter, _ *http.Request) {
	s := h.cfg.Status()
	code, verdict := h.producingCode(s)
	writeJSON(w, code, reply(s, verdict))
}

func (h *handler) health(w http.ResponseWriter, _ *http.Request) {
	s := h.cfg.Status()
	code, verdict := http.StatusOK, "healthy"
	if stale, why := h.unknown(s); stale {
		code, verdict = http.StatusServiceUnavailable, why
	} else if !healthy(s) {
		code, verdict = http.StatusServiceUnavailable, "unhealthy"
	}
	writeJSON(w, code, reply(s, verdict))
}

// producingCode is the /v1/producing decision for s: the status code and a one-word verdict.
func (h *handler) producingCode(s keeper.Status) (int, string) {
	if stale, why := h.unknown(s); stale {
		return http.StatusServiceUnavailable, why
	}
	holder := s.State == keeper.Leader || (s.State == keeper.Maintenance && s.LockHeld)
	switch {
	case holder && s.LockHeld && s.Producing:
		return http.StatusOK, "producing"
	case healthy(s):
		return http.StatusTooManyRequests, "standby"
	default:
		return http.StatusServiceUnavailable, "unhealthy"
	}
}

// unknown reports whether the snapshot cannot be trusted: never published, stopped, or stale.
func (h *handler) unknown(s keeper.Status) (bool, string) {
	switch {
	case s.Time.IsZero():
		return true, "unknown"
	case s.State == keeper.Stopped:
		return true, "stopped"
	case h.cfg.MaxAge > 0 && h.cfg.Now().Sub(s.Time) > h.cfg.MaxAge:
		return true, "stale"
	}
	return false, ""
}

func healthy(s keeper.Status) bool { return s.Reachable && s.Healthy }

func reply(s keeper.Status, verdict string) roleReply {
	return roleReply{Node: s.Node, Role: s.Role, State: s.State, Producing: s.Producing, LockHeld: s.LockHeld,
		Healthy: healthy(s), Problems: s.HealthProblems, Verdict: verdict}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		http.Error(w, "cannot encode status", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(b.Bytes())
}
