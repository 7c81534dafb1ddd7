package nodeos

import (
	"context"
	"time"
)

// ProducersRequest selects rows of /v1/chain/get_producers. The zero value asks for the
// first page with nodeos's default limit (50).
type ProducersRequest struct {
	// LowerBound is the first producer to list; "" starts at the top. Pass the previous
	// reply's More to read the next page.
	LowerBound string
	// Limit caps the number of rows; 0 leaves nodeos's default.
	Limit uint32
	// TimeLimit caps nodeos's time spent reading the table; 0 leaves nodeos's default.
	TimeLimit time.Duration
}

// producersParams is the get_producers request body. json is always true: with false nodeos
// returns each row as ABI-serialized hex.
type producersParams struct {
	JSON        bool    `json:"json"`
	LowerBound  string  `json:"lower_bound"`
	Limit       uint32  `json:"limit,omitempty"`
	TimeLimitMS *uint32 `json:"time_limit_ms,omitempty"`
}

// Producers is the reply of /v1/chain/get_producers. Rows come in the order of the producers
// table's vote index, not the active schedule's.
type Producers struct {
	Rows []ProducerRow `json:"rows"`
	// TotalProducerVoteWeight is the sum of all producers' votes.
	TotalProducerVoteWeight Float64 `json:"total_producer_vote_weight"`
	// More is the LowerBound of the next page, or "" on the last page.
	More string `json:"more"`
}

// ProducerRow is one row of the eosio.system producers table. When the chain has no system
// contract nodeos lists the active schedule instead, with only owner, producer_authority,
// url, total_votes and, for single-key authorities, producer_key.
type ProducerRow struct {
	Owner         string  `json:"owner"`
	TotalVotes    Float64 `json:"total_votes"`
	ProducerKey   string  `json:"producer_key"`
	IsActive      Flag    `json:"is_active"`
	URL           string  `json:"url"`
	UnpaidBlocks  uint32  `json:"unpaid_blocks"`
	LastClaimTime Time    `json:"last_claim_time"`
	Location      uint16  `json:"location"`
	// ProducerAuthority is the producer's signing authority, nil when the row has none.
	ProducerAuthority *BlockSigningAuthority `json:"producer_authority,omitempty"`
}

// GetProducers calls /v1/chain/get_producers, which requires a body.
func (c *Client) GetProducers(ctx context.Context, req ProducersRequest) (*Producers, error) {
	params := producersParams{JSON: true, LowerBound: req.LowerBound, Limit: req.Limit}
	if req.TimeLimit > 0 {
		ms := uint32(min(req.TimeLimit.Milliseconds(), int64(^uint32(0))))
		params.TimeLimitMS = &ms
	}
	var out Producers
	if err := c.call(ctx, PathGetProducers, params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
