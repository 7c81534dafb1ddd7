package nodeos

import "context"

// FinalizerInfo is the reply of /v1/chain/get_finalizer_info (Spring): the active and
// pending finalizer policies and the last vote seen from each finalizer.
type FinalizerInfo struct {
	// ActiveFinalizerPolicy is nil before Savanna is active.
	ActiveFinalizerPolicy *FinalizerPolicy `json:"active_finalizer_policy"`
	// PendingFinalizerPolicy is nil when no policy change is pending.
	PendingFinalizerPolicy *FinalizerPolicy `json:"pending_finalizer_policy"`
	LastTrackedVotes       []TrackedVote    `json:"last_tracked_votes"`
}

// FinalizerPolicy is a generation of the finalizer set and its vote threshold.
type FinalizerPolicy struct {
	Generation uint32               `json:"generation"`
	Threshold  Uint64               `json:"threshold"`
	Finalizers []FinalizerAuthority `json:"finalizers"`
}

// FinalizerAuthority is one finalizer of a policy. With the system contract's policies the
// description is the producer account the key belongs to.
type FinalizerAuthority struct {
	Description string `json:"description"`
	Weight      Uint64 `json:"weight"`
	PublicKey   string `json:"public_key"`
}

// TrackedVote is the last vote nodeos saw from one finalizer.
type TrackedVote struct {
	Description               string `json:"description"`
	PublicKey                 string `json:"public_key"`
	IsVoteStrong              bool   `json:"is_vote_strong"`
	FinalizerPolicyGeneration uint32 `json:"finalizer_policy_generation"`
	VotedForBlockID           string `json:"voted_for_block_id"`
	VotedForBlockNum          uint32 `json:"voted_for_block_num"`
	VotedForBlockTimestamp    Time   `json:"voted_for_block_timestamp"`
}

// GetFinalizerInfo calls /v1/chain/get_finalizer_info. Nodes older than Spring reply 404,
// an *APIError.
func (c *Client) GetFinalizerInfo(ctx context.Context) (*FinalizerInfo, error) {
	var out FinalizerInfo
	if err := c.call(ctx, PathGetFinalizerInfo, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
