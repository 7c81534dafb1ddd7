package nodeos

import (
	"context"
	"time"
)

// Connection is one p2p connection of /v1/net/connections. Fields a release does not send
// are zero: EOSIO 2.0 sends peer, connecting, syncing and last_handshake only; Leap 5 adds
// remote_ip, remote_port, is_bp_peer, is_socket_open, is_blocks_only and
// is_transactions_only; Spring adds last_vote_received and (>= 1.2) is_bp_gossip_peer.
type Connection struct {
	// Peer is the configured address ("host:port"); empty for an inbound connection.
	Peer       string `json:"peer"`
	RemoteIP   string `json:"remote_ip"`
	RemotePort string `json:"remote_port"`
	// Connecting is true while the connection is still being established.
	Connecting bool `json:"connecting"`
	// Syncing is true while the peer syncs from this node.
	Syncing        bool `json:"syncing"`
	IsBPPeer       bool `json:"is_bp_peer"`
	IsBPGossipPeer bool `json:"is_bp_gossip_peer"`
	// IsSocketOpen is nil when the release does not report it.
	IsSocketOpen       *bool `json:"is_socket_open,omitempty"`
	IsBlocksOnly       bool  `json:"is_blocks_only"`
	IsTransactionsOnly bool  `json:"is_transactions_only"`
	// LastVoteReceived is nil when the release does not report it (before Spring).
	LastVoteReceived *Time `json:"last_vote_received,omitempty"`
	// LastHandshake is the peer's last handshake, all zero before one arrived.
	LastHandshake Handshake `json:"last_handshake"`
}

// Established reports whether the connection is up: not connecting, its socket open where
// the release says, and (where it does not) a handshake received.
func (c *Connection) Established() bool {
	if c.Connecting {
		return false
	}
	if c.IsSocketOpen != nil {
		return *c.IsSocketOpen
	}
	return c.LastHandshake.NetworkVersion != 0
}

// Handshake is a p2p handshake_message. The block fields depend on the release: Leap and
// EOSIO send head_num/head_id and last_irreversible_block_*, Spring 1.0 fork_head_*, Spring
// >= 1.1 fork_db_root_* and fork_db_head_*; the others stay zero.
type Handshake struct {
	NetworkVersion uint16 `json:"network_version"`
	ChainID        string `json:"chain_id"`
	NodeID         string `json:"node_id"`
	Key            string `json:"key"`
	// Time is the sender's clock in nanoseconds since the Unix epoch (a string on the wire).
	Time  Int64  `json:"time"`
	Token string `json:"token"`
	Sig   string `json:"sig"`
	// P2PAddress is the peer's advertised address, e.g. "192.168.50.250:4444 - 5fb300c".
	P2PAddress string `json:"p2p_address"`

	LastIrreversibleBlockNum uint32 `json:"last_irreversible_block_num,omitempty"`
	LastIrreversibleBlockID  string `json:"last_irreversible_block_id,omitempty"`
	HeadNum                  uint32 `json:"head_num,omitempty"`
	HeadID                   string `json:"head_id,omitempty"`
	ForkHeadNum              uint32 `json:"fork_head_num,omitempty"`
	ForkHeadID               string `json:"fork_head_id,omitempty"`
	ForkDBRootNum            uint32 `json:"fork_db_root_num,omitempty"`
	ForkDBRootID             string `json:"fork_db_root_id,omitempty"`
	ForkDBHeadNum            uint32 `json:"fork_db_head_num,omitempty"`
	ForkDBHeadID             string `json:"fork_db_head_id,omitempty"`

	OS         string `json:"os"`
	Agent      string `json:"agent"`
	Generation int16  `json:"generation"`
}

// SentAt returns the handshake's time, or the zero time when unset.
func (h *Handshake) SentAt() time.Time {
	if h.Time == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(h.Time)).UTC()
}

// Head returns the peer's head block number as of the handshake, whichever release sent it.
func (h *Handshake) Head() uint32 {
	return max(h.HeadNum, h.ForkHeadNum, h.ForkDBHeadNum)
}

// Irreversible returns the peer's LIB (fork database root) as of the handshake.
func (h *Handshake) Irreversible() uint32 {
	return max(h.LastIrreversibleBlockNum, h.ForkDBRootNum)
}

// Connections calls /v1/net/connections (net_api_plugin).
func (c *Client) Connections(ctx context.Context) ([]Connection, error) {
	var out []Connection
	if err := c.call(ctx, PathConnections, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}
