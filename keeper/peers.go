package keeper

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/consul/api"
)

// KVPeers reads the statuses the agents publish under prefix in Consul's KV store (one JSON
// Status per key, as the eoskeeper agent writes <key_prefix>/<producer>/nodes/<node>). A key
// that does not decode is skipped: one broken agent must not stop a hand-off to the others.
func KVPeers(kv *api.KV, prefix string) Peers { return kvPeers{kv: kv, prefix: prefix} }

type kvPeers struct {
	kv     *api.KV
	prefix string
}

func (p kvPeers) Statuses(ctx context.Context) ([]Status, error) {
	pairs, _, err := p.kv.List(p.prefix, (&api.QueryOptions{}).WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("keeper: read statuses under %s: %w", p.prefix, err)
	}
	out := make([]Status, 0, len(pairs))
	for _, kv := range pairs {
		var s Status
		if json.Unmarshal(kv.Value, &s) == nil && s.Node != "" {
			out = append(out, s)
		}
	}
	return out, nil
}
