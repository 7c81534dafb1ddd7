package election

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/consul/api"
)

// handoffRequestFormat marks a hand-off request value.
const handoffRequestFormat = "eoskeeper.handoff-request/v1"

// HandoffRequest is an operator's request, stored beside the lock key, that the holder hand
// the lock to To (a planned switchover). The holder acts on it; the election only stores it.
type HandoffRequest struct {
	// To names the node that should hold the lock next; empty means no request.
	To string `json:"to"`
	// By names who asked.
	By string `json:"by,omitempty"`
	// At is when the request was made.
	At time.Time `json:"at"`
}

type handoffRequestJSON struct {
	Format string `json:"format"`
	HandoffRequest
}

// HandoffRequestKey returns the key of the hand-off request.
func (e *Election) HandoffRequestKey() string { return e.handoffKey }

// RequestHandoff stores a request that the holder hand the lock to node to.
func (e *Election) RequestHandoff(ctx context.Context, to, by string) error {
	if to == "" {
		return fmt.Errorf("%w: hand-off request without a target node", ErrInvalidConfig)
	}
	b, err := json.Marshal(handoffRequestJSON{Format: handoffRequestFormat,
		HandoffRequest: HandoffRequest{To: to, By: by, At: time.Now().UTC()}})
	if err != nil {
		return fmt.Errorf("election: encode hand-off request: %w", err)
	}
	wo := (&api.WriteOptions{}).WithContext(ctx)
	if _, err := e.cfg.Client.KV().Put(&api.KVPair{Key: e.handoffKey, Value: b}, wo); err != nil {
		return fmt.Errorf("election: request hand-off %s: %w", e.handoffKey, err)
	}
	e.log.Info("hand-off requested", "key", e.handoffKey, "to", to, "by", by)
	return nil
}

// CancelHandoffRequest removes the hand-off request, if any.
func (e *Election) CancelHandoffRequest(ctx context.Context) error {
	if _, err := e.cfg.Client.KV().Delete(e.handoffKey, (&api.WriteOptions{}).WithContext(ctx)); err != nil {
		return fmt.Errorf("election: cancel hand-off request %s: %w", e.handoffKey, err)
	}
	return nil
}

// HandoffRequestUpdate is one observation of the hand-off request sent by WatchHandoffRequest.
type HandoffRequestUpdate struct {
	// Request is the current request; its To is empty when there is none.
	Request HandoffRequest
	// Err is set when the last query failed (Request then repeats the last good one) or the
	// value is not a hand-off request.
	Err error
}

// WatchHandoffRequest follows the hand-off request with Consul blocking queries and sends each
// change, starting with the current one, on a channel that keeps only the latest. The channel
// closes after ctx ends.
func (e *Election) WatchHandoffRequest(ctx context.Context) <-chan HandoffRequestUpdate {
	ch := make(chan HandoffRequestUpdate, 1)
	go func() {
		defer close(ch)
		var last HandoffRequestUpdate
		e.watchKey(ctx, e.handoffKey, func(pair *api.KVPair, _ uint64, err error) {
			if err != nil {
				last.Err = fmt.Errorf("election: watch %s: %w", e.handoffKey, err)
			} else if req, err := e.decodeHandoffRequest(pair); err != nil {
				last.Err = err
			} else {
				last = HandoffRequestUpdate{Request: req}
			}
			publishLatest(ch, last)
		})
	}()
	return ch
}

func (e *Election) decodeHandoffRequest(pair *api.KVPair) (HandoffRequest, error) {
	if pair == nil {
		return HandoffRequest{}, nil
	}
	var v handoffRequestJSON
	if err := json.Unmarshal(pair.Value, &v); err != nil {
		return HandoffRequest{}, fmt.Errorf("election: hand-off request %s: %w: %w", e.handoffKey, ErrForeignValue, err)
	}
	if v.Format != handoffRequestFormat {
		return HandoffRequest{}, fmt.Errorf("election: hand-off request %s: %w: format %q", e.handoffKey, ErrForeignValue, v.Format)
	}
	return v.HandoffRequest, nil
}
