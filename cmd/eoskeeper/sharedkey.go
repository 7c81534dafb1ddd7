package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

// alertFinalizerKeyShared is raised when another agent of the producer publishes this node's
// finalizer key: two hosts voting with one BLS key is what the Savanna docs forbid.
const alertFinalizerKeyShared = "finalizer_key_shared"

// sharedKeyCheck compares this node's finalizer key with the keys the other agents publish.
type sharedKeyCheck struct {
	kv     *api.KV
	prefix string
	self   string
	sink   keeper.AlertSink
	firing bool
}

// check reads the published statuses once and fires or resolves the alert on a change.
func (c *sharedKeyCheck) check(ctx context.Context, own keeper.Status) error {
	if own.FinalizerKey == "" {
		return nil
	}
	pairs, _, err := c.kv.List(c.prefix, (&api.QueryOptions{}).WithContext(ctx))
	if err != nil {
		return fmt.Errorf("read agent statuses: %w", err)
	}
	var with []string
	for _, p := range pairs {
		var s keeper.Status
		if json.Unmarshal(p.Value, &s) != nil || s.Node == c.self {
			continue
		}
		if s.FinalizerKey == own.FinalizerKey {
			with = append(with, s.Node)
		}
	}
	sort.Strings(with)
	shared := len(with) > 0
	if shared == c.firing {
		return nil
	}
	c.firing = shared
	a := notify.Alert{Key: alertFinalizerKeyShared, Severity: notify.Critical, State: notify.Resolved,
		Message: "finalizer key no longer shared", Time: time.Now()}
	if shared {
		a.State = notify.Fired
		a.Message = fmt.Sprintf("finalizer key %s is also configured on %s: each node needs its own BLS key", own.FinalizerKey, strings.Join(with, ", "))
	}
	c.sink.Notify(a)
	return nil
}
