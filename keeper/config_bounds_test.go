package keeper

import (
	"errors"
	"testing"
	"time"
)

// TestConfigValidateUpperBounds: every field with an upper bound is accepted at it and refused,
// as a FieldError naming the field, past it.
func TestConfigValidateUpperBounds(t *testing.T) {
	base := DefaultConfig()
	base.Producer, base.Node, base.Role = "eosstorebest", "a", RoleA
	for _, tc := range []struct {
		field     string
		at, above func(*Config)
	}{
		{"PollInterval", func(c *Config) { c.PollInterval = MaxPollInterval }, func(c *Config) { c.PollInterval = 365 * 24 * time.Hour }},
		{"CallTimeout", func(c *Config) { c.CallTimeout = MaxCallTimeout }, func(c *Config) { c.CallTimeout = MaxCallTimeout + 1 }},
		{"BlockInterval", func(c *Config) { c.BlockInterval = MaxBlockInterval; c.ProducersWindow = MaxBlockInterval }, func(c *Config) { c.BlockInterval = MaxBlockInterval + 1 }},
		{"PriorityDelays", func(c *Config) { c.PriorityDelays = map[Role]int{RoleA: 1, RoleB: 2, RoleC: MaxPriorityDelay} },
			func(c *Config) { c.PriorityDelays = map[Role]int{RoleA: 1, RoleB: 2, RoleC: 100_000_000} }},
		{"MarginSlots", func(c *Config) { c.MarginSlots = MaxMarginSlots }, func(c *Config) { c.MarginSlots = MaxMarginSlots + 1 }},
		{"MaxBackfill", func(c *Config) { c.MaxBackfill = maxRecent / 2 }, func(c *Config) { c.MaxBackfill = maxRecent/2 + 1 }},
		{"HandoffSlots", func(c *Config) { c.HandoffSlots = MaxSlots }, func(c *Config) { c.HandoffSlots = MaxSlots + 1 }},
		{"FinalizerWaitSlots", func(c *Config) { c.FinalizerWaitSlots = MaxSlots }, func(c *Config) { c.FinalizerWaitSlots = MaxSlots + 1 }},
		{"ContendStagger", func(c *Config) { c.ContendStagger = MaxStagger }, func(c *Config) { c.ContendStagger = MaxStagger + 1 }},
		{"HandoffStagger", func(c *Config) { c.HandoffStagger = MaxStagger }, func(c *Config) { c.HandoffStagger = MaxStagger + 1 }},
		{"FenceMargin", func(c *Config) { c.FenceMargin = MaxStagger }, func(c *Config) { c.FenceMargin = MaxStagger + 1 }},
		{"MaxHandoffAge", func(c *Config) { c.MaxHandoffAge = MaxHandoffAgeLimit }, func(c *Config) { c.MaxHandoffAge = MaxHandoffAgeLimit + 1 }},
		{"MinPeers", func(c *Config) { c.MinPeers = MaxMinPeers }, func(c *Config) { c.MinPeers = 100_000 }},
		{"APIFailures", func(c *Config) { c.APIFailures = MaxAPIFailures }, func(c *Config) { c.APIFailures = MaxAPIFailures + 1 }},
		{"MinProducers", func(c *Config) { c.MinProducers = MaxMinProducers }, func(c *Config) { c.MinProducers = MaxMinProducers + 1 }},
		{"HeadStall", func(c *Config) { c.HeadStall = MaxHeadStall }, func(c *Config) { c.HeadStall = MaxHeadStall + 1 }},
		{"LIBStall", func(c *Config) { c.LIBStall = MaxLIBStall }, func(c *Config) { c.LIBStall = MaxLIBStall + 1 }},
		// The keeper remembers at most maxRecent blocks and at least maxRecent/2: a longer
		// window never looks full. 30 minutes at 500 ms are 3600 blocks.
		{"ProducersWindow", func(c *Config) { c.ProducersWindow = MaxProducersWindow(c.BlockInterval) },
			func(c *Config) { c.ProducersWindow = 30 * time.Minute }},
		{"FenceCommand", func(c *Config) { c.FenceCommand = []string{"systemctl", "kill", "nodeos"} }, func(c *Config) { c.FenceCommand = []string{"systemctl", "", "nodeos"} }},
		{"OnPromote", func(c *Config) { c.OnPromote = make([]string, MaxCommandArgs); fill(c.OnPromote) }, func(c *Config) { c.OnPromote = make([]string, MaxCommandArgs+1); fill(c.OnPromote) }},
		{"OnDemote", func(c *Config) { c.OnDemote = []string{"logger", "demoted"} }, func(c *Config) { c.OnDemote = []string{""} }},
	} {
		at := base
		tc.at(&at)
		if err := at.Validate(); err != nil {
			t.Errorf("%s at its bound: %v", tc.field, err)
		}
		above := base
		tc.above(&above)
		err := above.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s past its bound: Validate() = %v, want a FieldError for %s", tc.field, err, tc.field)
		}
	}
	if got := MaxProducersWindow(500 * time.Millisecond); got != 1024*time.Second {
		t.Errorf("MaxProducersWindow(500ms) = %s, want 17m4s", got)
	}
}

func fill(argv []string) {
	for i := range argv {
		argv[i] = "x"
	}
}

// TestProducersWindowAtItsBoundLooksFull: a window of MaxWindowBlocks blocks is full once the
// keeper has seen that many, however long it has been observing: what it keeps never drops
// below the window.
func TestProducersWindowAtItsBoundLooksFull(t *testing.T) {
	var o observation
	for n := range uint32(5 * maxRecent) {
		o.add(chainBlock{num: n + 1, slot: 0, producer: "p"}, "ours")
		if n+1 >= MaxWindowBlocks {
			if _, full := o.distinctProducers(MaxWindowBlocks); !full {
				t.Fatalf("after %d blocks the window of %d blocks is not full", n+1, MaxWindowBlocks)
			}
		}
	}
	var o2 observation
	seenNotFull := false
	for n := range uint32(5 * maxRecent) {
		o2.add(chainBlock{num: n + 1, producer: "p"}, "ours")
		// After trimming the keeper holds maxRecent/2+1 blocks: a window of two more is not
		// full then.
		if _, full := o2.distinctProducers(MaxWindowBlocks + 2); !full && n > maxRecent {
			seenNotFull = true
		}
	}
	if !seenNotFull {
		t.Error("a window two blocks past the bound always looked full: the bound is not where the keeper's memory ends")
	}
}
