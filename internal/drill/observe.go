package drill

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// ledgerBlock is one block of the nodeosnet ledger.
type ledgerBlock struct {
	Num      uint32
	Slot     nodeos.Slot
	Producer string
	Node     string
}

// referee is the nodeosnet referee's verdict.
type referee struct {
	DoubleProduced []nodeos.Turn `json:"double_produced"`
	Missed         []nodeos.Turn `json:"missed"`
	Check          string        `json:"check"`
}

// chainStatus is the nodeosnet network's clock and schedule.
type chainStatus struct {
	Slot     nodeos.Slot `json:"slot"`
	Ours     string      `json:"ours"`
	Schedule []string    `json:"schedule"`
}

// nodeStatus is a node's state as nodeosnet reports it.
type nodeStatus struct {
	Name     string `json:"name"`
	Alive    bool   `json:"alive"`
	Paused   bool   `json:"paused"`
	Produced int    `json:"produced"`
}

var httpClient = &http.Client{Timeout: 2 * time.Second}

// getJSON GETs url into v.
func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("drill: %w", err)
	}
	return doJSON(req, v)
}

// postJSON POSTs to url and decodes the answer into v (nil to discard).
func postJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return fmt.Errorf("drill: %w", err)
	}
	return doJSON(req, v)
}

// postBody POSTs body (JSON, may be nil) to url and discards the answer.
func postBody(ctx context.Context, url string, body io.Reader) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return fmt.Errorf("drill: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return doJSON(req, nil)
}

func doJSON(req *http.Request, v any) error {
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("drill: %s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("drill: %s %s: %w", req.Method, req.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("drill: %s %s: %s: %s", req.Method, req.URL, resp.Status, body)
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("drill: %s %s: %w", req.Method, req.URL, err)
	}
	return nil
}

// agentStatus reads an agent's /status.
func (c *Cluster) agentStatus(ctx context.Context, host string) (keeper.Status, error) {
	var s keeper.Status
	err := getJSON(ctx, "http://"+c.hosts[host].statusAddr+"/status", &s)
	return s, err
}

func (c *Cluster) referee(ctx context.Context) (referee, error) {
	var r referee
	err := getJSON(ctx, c.controlURL+"/referee", &r)
	return r, err
}

func (c *Cluster) chain(ctx context.Context) (chainStatus, error) {
	var s chainStatus
	err := getJSON(ctx, c.controlURL+"/status", &s)
	return s, err
}

func (c *Cluster) ledger(ctx context.Context) ([]ledgerBlock, error) {
	var l []ledgerBlock
	err := getJSON(ctx, c.controlURL+"/ledger", &l)
	return l, err
}

func (c *Cluster) nodes(ctx context.Context) (map[string]nodeStatus, error) {
	var l []nodeStatus
	if err := getJSON(ctx, c.controlURL+"/nodes", &l); err != nil {
		return nil, err
	}
	out := make(map[string]nodeStatus, len(l))
	for _, n := range l {
		out[n.Name] = n
	}
	return out, nil
}

// nodeAction posts a control action (kill, restart, hang, ...) for host's node.
func (c *Cluster) nodeAction(ctx context.Context, host, action string) error {
	return postJSON(ctx, c.controlURL+"/nodes/"+host+"/"+action, nil)
}

// waitFor polls cond every 100 ms until it holds or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, what string, cond func(context.Context) bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if cond(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("drill: %s: not within %s", what, timeout)
		case <-t.C:
		}
	}
}
