package main

import (
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// takeoverText describes the lock holder's newest takeover for `eoskeeper status`: its path
// (handoff, evidence, switchover, last-producer), the node it took the lock from, when, the
// rule's words and, after a hand-off, the reason the old holder resigned. It is "" when the
// holder reports none (it has held the lock since it first took it, or published no status).
func takeoverText(t *keeper.Takeover, now time.Time) string {
	if t == nil {
		return ""
	}
	from := t.From
	if from == "" {
		from = "a free lock"
	}
	s := fmt.Sprintf("last takeover: %s from %s, %s ago: %s", t.Path, from, now.Sub(t.At).Round(time.Second), t.Why)
	if t.Reason != "" {
		s += fmt.Sprintf(" (resign reason: %s)", t.Reason)
	}
	return s
}
