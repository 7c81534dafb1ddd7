package drill

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// statusKeyPrefix is the agents' Consul key prefix (consul.key_prefix's default).
const statusKeyPrefix = "eoskeeper"

// publishedStatus reads the status host's agent published to Consul
// (<prefix>/<producer>/nodes/<node>) through the first Consul client that answers.
func (c *Cluster) publishedStatus(ctx context.Context, host string) (keeper.Status, error) {
	var s keeper.Status
	var last error
	for _, h := range hostOrder {
		url := fmt.Sprintf("http://%s/v1/kv/%s/%s/nodes/%s?raw", c.hosts[h].consulHTTP, statusKeyPrefix, c.ours, host)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return s, fmt.Errorf("drill: %w", err)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			last = fmt.Errorf("drill: GET %s: %w", url, err)
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			last = fmt.Errorf("drill: GET %s: %s: %v", url, resp.Status, err)
			continue
		}
		if err := json.Unmarshal(body, &s); err != nil {
			return s, fmt.Errorf("drill: %s's published status: %w", host, err)
		}
		return s, nil
	}
	return s, last
}

// lastTakeover returns host's newest takeover as its agent reports it (/status), or as it
// last published it to Consul when the agent does not answer; nil when it has none.
func (c *Cluster) lastTakeover(ctx context.Context, host string) (*keeper.Takeover, error) {
	s, err := c.agentStatus(ctx, host)
	if err != nil {
		if s, err = c.publishedStatus(ctx, host); err != nil {
			return nil, err
		}
	}
	return s.LastTakeover, nil
}

// recordPath fills r.Path from the new producer's last takeover, waiting up to 10 s for its
// status to show one, and notes a failure when the scenario expects another path.
func (c *Cluster) recordPath(ctx context.Context, r *Result, want string) {
	if c.policy == policySeed || r.NewProducer == "" {
		return
	}
	var t *keeper.Takeover
	_ = waitFor(ctx, 10*time.Second, "the new producer's takeover", func(ctx context.Context) bool {
		got, err := c.lastTakeover(ctx, r.NewProducer)
		if err == nil && got != nil {
			t = got
		}
		return t != nil && !t.At.Before(c.faultAt)
	})
	if t != nil && t.At.Before(c.faultAt) {
		t = nil
	}
	if t == nil {
		if want != "" {
			r.Note = appendNote(r.Note, "FAIL: "+r.NewProducer+" reports no takeover")
		}
		return
	}
	r.Path = t.Path
	if want != "" && t.Path != want {
		r.Note = appendNote(r.Note, fmt.Sprintf("FAIL: took over by %s (%s), want %s", t.Path, t.Why, want))
	}
}

// publishedStandby reports whether host's published status shows a healthy, confirmed paused
// standby written in the last PeerFreshness: what a resigning holder needs to name it.
func (c *Cluster) publishedStandby(ctx context.Context, host string) bool {
	s, err := c.publishedStatus(ctx, host)
	return err == nil && healthyStandby(s) && s.PausedKnown && s.Paused && time.Since(s.Time) < keeper.PeerFreshness
}

// logPublished logs the standbys' published statuses as a resigning holder would read them
// now, beside the newest block of ours, so a takeover by another path than the hand-off can
// be traced to what the holder saw.
func (c *Cluster) logPublished(ctx context.Context, what string) {
	var last uint32
	if ledger, err := c.ledger(ctx); err == nil {
		for _, b := range ledger {
			if b.Producer == c.ours && b.Num > last {
				last = b.Num
			}
		}
	}
	args := []any{"our_newest_block", last}
	for _, h := range []string{"b", "c"} {
		s, err := c.publishedStatus(ctx, h)
		if err != nil {
			args = append(args, h, err.Error())
			continue
		}
		args = append(args, h, fmt.Sprintf("age=%s state=%s healthy=%t paused=%t head=%d",
			time.Since(s.Time).Round(time.Millisecond), s.State, s.Healthy, s.Paused, s.Head))
	}
	c.log.Info("published statuses "+what, args...)
}
