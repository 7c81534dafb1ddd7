package nodeos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// BlockInfo is the reply of /v1/chain/get_block_info: a block's header, cheaper than GetBlock.
type BlockInfo struct {
	BlockNum          uint32 `json:"block_num"`
	RefBlockNum       uint16 `json:"ref_block_num"`
	ID                string `json:"id"`
	Timestamp         Time   `json:"timestamp"`
	Producer          string `json:"producer"`
	Confirmed         uint16 `json:"confirmed"`
	Previous          string `json:"previous"`
	TransactionMroot  string `json:"transaction_mroot"`
	ActionMroot       string `json:"action_mroot"`
	ScheduleVersion   uint32 `json:"schedule_version"`
	ProducerSignature string `json:"producer_signature"`
	RefBlockPrefix    uint32 `json:"ref_block_prefix"`
}

// Slot returns the block's timestamp slot.
func (b *BlockInfo) Slot() Slot { return SlotOf(b.Timestamp.Time) }

// SignedBlock is the reply of /v1/chain/get_block: the signed block header, its id and
// number, and the transactions and extensions left undecoded.
type SignedBlock struct {
	Timestamp        Time   `json:"timestamp"`
	Producer         string `json:"producer"`
	Confirmed        uint16 `json:"confirmed"`
	Previous         string `json:"previous"`
	TransactionMroot string `json:"transaction_mroot"`
	ActionMroot      string `json:"action_mroot"`
	ScheduleVersion  uint32 `json:"schedule_version"`
	// NewProducers is the legacy schedule change the block proposes, nil for none.
	NewProducers      *AuthoritySchedule `json:"new_producers"`
	HeaderExtensions  []json.RawMessage  `json:"header_extensions"`
	ProducerSignature string             `json:"producer_signature"`
	Transactions      []json.RawMessage  `json:"transactions"`
	BlockExtensions   []json.RawMessage  `json:"block_extensions"`
	ID                string             `json:"id"`
	BlockNum          uint32             `json:"block_num"`
	RefBlockPrefix    uint32             `json:"ref_block_prefix"`
}

// Slot returns the block's timestamp slot.
func (b *SignedBlock) Slot() Slot { return SlotOf(b.Timestamp.Time) }

// errEmptyBlockRef reports a GetBlock call without a block number or id.
var errEmptyBlockRef = errors.New("empty block number or id")

// GetBlock calls /v1/chain/get_block with numOrID, a decimal block number or a 64-hex-digit
// block id. An unknown block is an *APIError with status 400 ("Unknown Block").
func (c *Client) GetBlock(ctx context.Context, numOrID string) (*SignedBlock, error) {
	if numOrID == "" {
		return nil, fmt.Errorf("nodeos: %s: %w", PathGetBlock, errEmptyBlockRef)
	}
	params := struct {
		BlockNumOrID string `json:"block_num_or_id"`
	}{numOrID}
	var out SignedBlock
	if err := c.call(ctx, PathGetBlock, params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetBlockInfo calls /v1/chain/get_block_info for block num. An unknown block is an
// *APIError with status 400.
func (c *Client) GetBlockInfo(ctx context.Context, num uint32) (*BlockInfo, error) {
	params := struct {
		BlockNum uint32 `json:"block_num"`
	}{num}
	var out BlockInfo
	if err := c.call(ctx, PathGetBlockInfo, params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetBlockHeader returns the header of block num. It calls get_block_info, and get_block on a
// nodeos that answers get_block_info 404 with get_block served (EOSIO 2.0 and earlier; see
// docs/nodeos.md §1.7): the header is then taken from the signed block, and later calls go
// to get_block directly. When get_block answers 404 too, its error is returned (it names
// chain_api_plugin). An unknown block is an *APIError with status 400 either way.
func (c *Client) GetBlockHeader(ctx context.Context, num uint32) (*BlockInfo, error) {
	if !c.noBlockInfo.Load() {
		b, err := c.GetBlockInfo(ctx, num)
		if !isNotFound(err) {
			return b, err
		}
	}
	blk, err := c.GetBlock(ctx, strconv.FormatUint(uint64(num), 10))
	if !isNotFound(err) {
		// get_block is served: an answer, or an error of its own (an unknown block).
		c.noBlockInfo.Store(true)
	}
	if err != nil {
		return nil, err
	}
	return blk.header(), nil
}

// header returns the block's header in get_block_info's shape.
func (b *SignedBlock) header() *BlockInfo {
	return &BlockInfo{
		BlockNum:          b.BlockNum,
		RefBlockNum:       uint16(b.BlockNum),
		ID:                b.ID,
		Timestamp:         b.Timestamp,
		Producer:          b.Producer,
		Confirmed:         b.Confirmed,
		Previous:          b.Previous,
		TransactionMroot:  b.TransactionMroot,
		ActionMroot:       b.ActionMroot,
		ScheduleVersion:   b.ScheduleVersion,
		ProducerSignature: b.ProducerSignature,
		RefBlockPrefix:    b.RefBlockPrefix,
	}
}

// isNotFound reports whether err is nodeos's 404 (an endpoint it does not serve).
func isNotFound(err error) bool {
	var aerr *APIError
	return errors.As(err, &aerr) && aerr.Status == 404
}
