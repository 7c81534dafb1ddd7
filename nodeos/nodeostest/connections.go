package nodeostest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// connections serves /v1/net/connections in the node's release shape, one entry per peer: the
// members the release lists, in its order.
func (nd *Node) connections([]byte) (any, *apiError) {
	v := nd.release()
	out := make([]any, 0, nd.peers)
	lib := nd.net.ancestor(nd.head, nd.lib)
	for i := 0; i < nd.peers; i++ {
		peer := fmt.Sprintf("peer%d.example:9876", i+1)
		nodeID := sha256.Sum256([]byte(nd.Name + peer))
		handshake := map[string]any{
			"network_version": 1212, "chain_id": ChainID, "node_id": hex.EncodeToString(nodeID[:]),
			"key": "EOS1111111111111111111111111111111114T1Anm", "time": strconv.FormatInt(nd.net.nowLocked().UnixNano(), 10),
			"token": zeroDigest, "sig": "SIG_K1_111111111111111111111111111111111111111111111111111111111111111116uk5ne",
			"p2p_address": peer + " - " + hex.EncodeToString(nodeID[:])[:7],
			// The irreversible block and the head, by the names of each release.
			"fork_db_root_num": lib.Num, "last_irreversible_block_num": lib.Num,
			"fork_db_root_id": lib.ID, "last_irreversible_block_id": lib.ID,
			"fork_db_head_num": nd.head.Num, "fork_head_num": nd.head.Num, "head_num": nd.head.Num,
			"fork_db_head_id": nd.head.ID, "fork_head_id": nd.head.ID, "head_id": nd.head.ID,
			"os": "linux", "agent": v.Agent, "generation": 1,
		}
		conn := map[string]any{
			"peer": peer, "remote_ip": fmt.Sprintf("10.0.0.%d", i+1), "remote_port": "9876",
			"connecting": false, "syncing": false, "is_bp_peer": false, "is_bp_gossip_peer": false,
			"is_socket_open": true, "is_blocks_only": false, "is_transactions_only": false,
			"last_vote_received": isoTime(nd.head.Time()), "last_handshake": pick(handshake, v.Handshake),
		}
		out = append(out, pick(conn, v.Connection))
	}
	return out, nil
}

// pick returns the members names of values, in that order; a name without a value is null.
func pick(values map[string]any, names []string) ordered {
	o := make(ordered, len(names))
	for i, name := range names {
		o[i] = kv{name, values[name]}
	}
	return o
}

// kv is one member of an ordered JSON object.
type kv struct {
	k string
	v any
}

// ordered is a JSON object that keeps its members' order.
type ordered []kv

// MarshalJSON implements json.Marshaler.
func (o ordered) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}
