package nodeos

import (
	"context"
	"fmt"
)

// Pause calls /v1/producer/pause: nodeos stops starting new blocks for its producers. A block
// already being produced is still completed, so at most one more "Produced block" may follow;
// confirm with Paused. Voting by a BLS finalizer key configured on the node is not affected.
func (c *Client) Pause(ctx context.Context) error { return c.producerAction(ctx, PathPause) }

// Resume calls /v1/producer/resume: nodeos produces again in its producers' slots. On Spring
// it also clears an implicit vote-timeout pause, which may set itself again.
func (c *Client) Resume(ctx context.Context) error { return c.producerAction(ctx, PathResume) }

// producerAction calls a producer_api_plugin endpoint that replies {"result":"ok"} with 201.
func (c *Client) producerAction(ctx context.Context, endpoint string) error {
	var out struct {
		Result *string `json:"result"`
	}
	if err := c.call(ctx, endpoint, nil, &out); err != nil {
		return err
	}
	if out.Result == nil || *out.Result != "ok" {
		got := "no result"
		if out.Result != nil {
			got = fmt.Sprintf("result %q", clipText([]byte(*out.Result)))
		}
		return fmt.Errorf("nodeos: %s: %w: %s, want \"ok\"", endpoint, ErrUnexpectedResult, got)
	}
	return nil
}

// Paused calls /v1/producer/paused, which replies a bare true or false. On Spring true also
// means an implicit pause for lack of votes from the producer's finalizer; on Leap and EOSIO
// only an explicit pause. A pause for too many reversible blocks is not reported.
func (c *Client) Paused(ctx context.Context) (bool, error) {
	var out *bool
	if err := c.call(ctx, PathPaused, nil, &out); err != nil {
		return false, err
	}
	if out == nil {
		return false, fmt.Errorf("nodeos: %s: %w: null, want true or false", PathPaused, ErrUnexpectedResult)
	}
	return *out, nil
}
