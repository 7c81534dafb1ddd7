package drill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// alertRecord is one alert message an agent delivered to the drill's webhook.
type alertRecord struct {
	at    time.Time
	node  string
	key   string
	state string // "fired" or "resolved"
}

// alertSink is the webhook every agent's notify channel posts to: it records what each agent
// raised and resolved, for the table's alert column.
type alertSink struct {
	srv *http.Server
	url string

	mu  sync.Mutex
	all []alertRecord
}

// webhookMessage is the part of notify's webhook body the drill reads.
type webhookMessage struct {
	Kind  string `json:"kind"`
	Alert struct {
		Key   string `json:"key"`
		State string `json:"state"`
		Node  string `json:"node"`
	} `json:"alert"`
}

// startAlertSink listens on addr (host:port) and serves the webhook until close.
func startAlertSink(addr string) (*alertSink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("drill: alert webhook: %w", err)
	}
	s := &alertSink{url: "http://" + ln.Addr().String() + "/alert"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /alert", s.receive)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.mu.Lock()
			s.all = append(s.all, alertRecord{at: time.Now(), node: "drill", key: "webhook_failed: " + err.Error()})
			s.mu.Unlock()
		}
	}()
	return s, nil
}

func (s *alertSink) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var m webhookMessage
	if err == nil {
		err = json.Unmarshal(body, &m)
	}
	if err != nil {
		http.Error(w, "bad message: "+err.Error(), http.StatusBadRequest)
		return
	}
	if m.Kind == "alert" && m.Alert.Key != "" {
		s.mu.Lock()
		s.all = append(s.all, alertRecord{at: time.Now(), node: m.Alert.Node, key: m.Alert.Key, state: m.Alert.State})
		s.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

// close stops the webhook.
func (s *alertSink) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// summary lists the alerts delivered since t, one "node:key" per alert, fired first then
// resolved, each in order of first delivery: "fired a:holder_unhealthy b:failover; resolved a:holder_unhealthy".
func (s *alertSink) summary(since time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fired, resolved []string
	for _, r := range s.all {
		if r.at.Before(since) {
			continue
		}
		name := r.node + ":" + r.key
		switch r.state {
		case "resolved":
			if !slices.Contains(resolved, name) {
				resolved = append(resolved, name)
			}
		default:
			if !slices.Contains(fired, name) {
				fired = append(fired, name)
			}
		}
	}
	var parts []string
	if len(fired) > 0 {
		parts = append(parts, "fired "+strings.Join(fired, " "))
	}
	if len(resolved) > 0 {
		parts = append(parts, "resolved "+strings.Join(resolved, " "))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// fired reports whether node raised key since t.
func (s *alertSink) fired(since time.Time, node, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.all {
		if !r.at.Before(since) && r.node == node && r.key == key && r.state != "resolved" {
			return true
		}
	}
	return false
}
