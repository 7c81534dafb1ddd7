package nodeos

import (
	"context"
	"encoding/hex"
	"fmt"
)

// Info is the reply of /v1/chain/get_info. Fields nodeos omits (older releases, or a node
// without a fork database root yet) are "" for strings and nil for pointers.
type Info struct {
	// ServerVersion is an 8-hex-digit build hash, e.g. "6c1717c9".
	ServerVersion string `json:"server_version"`
	// ChainID is the chain's 64-hex-digit id.
	ChainID string `json:"chain_id"`
	// HeadBlockNum is the number of the node's head block.
	HeadBlockNum uint32 `json:"head_block_num"`
	// LastIrreversibleBlockNum is the last irreversible block (LIB).
	LastIrreversibleBlockNum uint32 `json:"last_irreversible_block_num"`
	// LastIrreversibleBlockID is the LIB's id.
	LastIrreversibleBlockID string `json:"last_irreversible_block_id"`
	// HeadBlockID is the head block's id; its first 8 hex digits are the block number.
	HeadBlockID string `json:"head_block_id"`
	// HeadBlockTime is the head block's timestamp (UTC, .000 or .500).
	HeadBlockTime Time `json:"head_block_time"`
	// HeadBlockProducer is the producer account that signed the head block.
	HeadBlockProducer string `json:"head_block_producer"`

	VirtualBlockCPULimit Uint64 `json:"virtual_block_cpu_limit"`
	VirtualBlockNetLimit Uint64 `json:"virtual_block_net_limit"`
	BlockCPULimit        Uint64 `json:"block_cpu_limit"`
	BlockNetLimit        Uint64 `json:"block_net_limit"`

	// ServerVersionString is the release, e.g. "v4.0.3-hotfix" (EOSIO >= 1.x).
	ServerVersionString string `json:"server_version_string,omitempty"`
	// ForkDBHeadBlockNum is the fork database head (EOSIO >= 1.8).
	ForkDBHeadBlockNum *uint32 `json:"fork_db_head_block_num,omitempty"`
	// ForkDBHeadBlockID is the fork database head's id (EOSIO >= 1.8).
	ForkDBHeadBlockID string `json:"fork_db_head_block_id,omitempty"`
	// ServerFullVersionString is the release with the commit, e.g. "v4.0.3-hotfix-6c17…" (EOSIO >= 2.0).
	ServerFullVersionString string `json:"server_full_version_string,omitempty"`
	// TotalCPUWeight is the chain's total staked CPU weight (Leap >= 3.1).
	TotalCPUWeight *Uint64 `json:"total_cpu_weight,omitempty"`
	// TotalNetWeight is the chain's total staked NET weight (Leap >= 3.1).
	TotalNetWeight *Uint64 `json:"total_net_weight,omitempty"`
	// EarliestAvailableBlockNum is the oldest block in the node's block log (Leap >= 3.1).
	EarliestAvailableBlockNum *uint32 `json:"earliest_available_block_num,omitempty"`
	// LastIrreversibleBlockTime is the LIB's timestamp (EOSIO >= 2.1).
	LastIrreversibleBlockTime *Time `json:"last_irreversible_block_time,omitempty"`
}

// HeadSlot returns the block slot of the head block's timestamp.
func (i *Info) HeadSlot() Slot { return SlotOf(i.HeadBlockTime.Time) }

// GetInfo calls /v1/chain/get_info.
func (c *Client) GetInfo(ctx context.Context) (*Info, error) {
	var out Info
	if err := c.call(ctx, PathGetInfo, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BlockNumFromID returns the block number encoded in the first 8 hex digits of a block id.
func BlockNumFromID(id string) (uint32, error) {
	if len(id) < 8 {
		return 0, fmt.Errorf("nodeos: block id %q: too short", clipText([]byte(id)))
	}
	var b [4]byte
	if _, err := hex.Decode(b[:], []byte(id[:8])); err != nil {
		return 0, fmt.Errorf("nodeos: block id %q: %w", clipText([]byte(id)), err)
	}
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), nil
}
