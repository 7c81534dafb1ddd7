package keeper

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigValidateNamesFields(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Producer, cfg.Node, cfg.Role = "eosstorebest", "a", RoleA
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*Config)
		want  string
	}{
		{"Producer", func(c *Config) { c.Producer = "" }, "producer is required"},
		{"Role", func(c *Config) { c.Role = "D" }, `role "D"`},
		{"PriorityDelays", func(c *Config) { c.PriorityDelays = map[Role]int{RoleA: 0} }, "priority delay for role A"},
		{"HeadStall", func(c *Config) { c.HeadStall = 0 }, "head stall must be positive"},
		{"ProducersWindow", func(c *Config) { c.ProducersWindow = -time.Second }, "producers window must be positive"},
		{"APIFailures", func(c *Config) { c.APIFailures = 0 }, "api failures must be at least 1"},
		{"MinPeers", func(c *Config) { c.MinPeers = -1 }, "min peers must not be negative"},
	} {
		c := cfg
		tc.edit(&c)
		err := c.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want a FieldError for %s containing %q", tc.field, err, tc.field, tc.want)
		}
	}
}

func TestConfigWithBlockInterval(t *testing.T) {
	def := DefaultConfig()
	if got := def.windowBlocks(); got != 120 {
		t.Errorf("default producers window = %d blocks, want 120", got)
	}
	fast := def.WithBlockInterval(10 * time.Millisecond)
	if fast.BlockInterval != 10*time.Millisecond || fast.HeadStall != 200*time.Millisecond ||
		fast.LIBStall != 400*time.Millisecond || fast.windowBlocks() != def.windowBlocks() {
		t.Errorf("accelerated config: block %s, head stall %s, LIB stall %s, window %d blocks",
			fast.BlockInterval, fast.HeadStall, fast.LIBStall, fast.windowBlocks())
	}
	odd := def
	odd.ProducersWindow = 1250 * time.Millisecond
	if got := odd.windowBlocks(); got != 3 {
		t.Errorf("1.25s window = %d blocks, want 3 (rounded up)", got)
	}
}
