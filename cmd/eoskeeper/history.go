package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// HistoryEntry is one change of the producer's lock holder, written by the node that made it:
// a node that acquired the lock records a takeover (or, with no other holder before it, an
// acquire); a node that gave the lock up records a switchover, resign or fence.
type HistoryEntry struct {
	Time time.Time `json:"time"`
	// Event is one of historyTakeover, historyAcquire, historySwitchover, historyResign and
	// historyFence.
	Event string `json:"event"`
	// From is the previous holder, To the new one (a switchover's target; empty when a
	// resigning or fenced holder does not know who takes over).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Path is how a taking-over node was admitted: keeper.PathEvidence, PathHandoff,
	// PathSwitchover or PathLastProducer; empty for the other events.
	Path string `json:"path,omitempty"`
	// Reason is the admission rule's words for an acquisition (with the old holder's reason
	// for a hand-off), or why the holder gave the lock up.
	Reason string `json:"reason"`
	// Missed counts our producer's blocks missed between the previous holder's last block and
	// the new holder's first, for takeovers and acquires: the empty slots between the two
	// blocks (slots elapsed minus blocks made), so a slot some other producer missed in
	// between is counted too. Nil until the new holder has produced, and when it gave the
	// lock up before producing.
	Missed *int `json:"missed,omitempty"`
	// Watermark is our producer's newest block on record when the holder changed.
	Watermark keeper.Block `json:"watermark"`
}

// History events.
const (
	historyTakeover   = "takeover"
	historyAcquire    = "acquire"
	historySwitchover = "switchover"
	historyResign     = "resign"
	historyFence      = "fence"
)

// historyLimit is how many entries the history keeps; older ones are dropped.
const historyLimit = 100

// historyCASAttempts bounds the read-modify-write rounds of one history update when other
// agents write at the same time.
const historyCASAttempts = 20

// errHistoryContended is returned when every round of a history update lost to another writer.
var errHistoryContended = errors.New("history: too many concurrent writers")

// historyKey is the Consul key holding the producer's history: one JSON array of entries.
func historyKey(cfg *Config) string {
	return cfg.Consul.KeyPrefix + "/" + cfg.Producer + "/history"
}

// readHistory returns the history at key, oldest first, with the key's modify index (0 and
// no entries when the key does not exist).
func readHistory(ctx context.Context, kv *api.KV, key string) ([]HistoryEntry, uint64, error) {
	pair, _, err := kv.Get(key, (&api.QueryOptions{}).WithContext(ctx))
	if err != nil {
		return nil, 0, fmt.Errorf("read history %s: %w", key, err)
	}
	if pair == nil {
		return nil, 0, nil
	}
	var entries []HistoryEntry
	if err := json.Unmarshal(pair.Value, &entries); err != nil {
		return nil, 0, fmt.Errorf("history %s: %w", key, err)
	}
	return entries, pair.ModifyIndex, nil
}

// updateHistory applies change to the history at key and writes it back with a check-and-set
// on the modify index, keeping the newest historyLimit entries. A write that lost to another
// agent's is redone on the fresh history, up to historyCASAttempts times.
func updateHistory(ctx context.Context, kv *api.KV, key string, change func([]HistoryEntry) []HistoryEntry) error {
	for range historyCASAttempts {
		entries, index, err := readHistory(ctx, kv, key)
		if err != nil {
			return err
		}
		entries = change(entries)
		if n := len(entries); n > historyLimit {
			entries = entries[n-historyLimit:]
		}
		b, err := json.Marshal(entries)
		if err != nil {
			return fmt.Errorf("encode history: %w", err)
		}
		ok, _, err := kv.CAS(&api.KVPair{Key: key, Value: b, ModifyIndex: index}, (&api.WriteOptions{}).WithContext(ctx))
		if err != nil {
			return fmt.Errorf("write history %s: %w", key, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("write history %s: %w", key, ctx.Err())
		case <-time.After(time.Duration(10+rand.IntN(40)) * time.Millisecond):
		}
	}
	return fmt.Errorf("write history %s: %w", key, errHistoryContended)
}

// appendEntry is the history change that adds e.
func appendEntry(e HistoryEntry) func([]HistoryEntry) []HistoryEntry {
	return func(entries []HistoryEntry) []HistoryEntry { return append(entries, e) }
}

// setMissed is the history change that records the missed blocks of node's acquisition at at.
// An entry already dropped from the history is left dropped.
func setMissed(node string, at time.Time, missed int) func([]HistoryEntry) []HistoryEntry {
	return func(entries []HistoryEntry) []HistoryEntry {
		for i := len(entries) - 1; i >= 0; i-- {
			e := &entries[i]
			if e.To == node && e.Time.Equal(at) && (e.Event == historyTakeover || e.Event == historyAcquire) {
				e.Missed = &missed
				break
			}
		}
		return entries
	}
}
