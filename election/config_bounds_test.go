package election

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/consul/api"
)

// TestConfigValidateKeyNames: the prefix, producer and node become KV key segments; segments
// that are empty, "." or "..", or hold spaces or other characters, are refused.
func TestConfigValidateKeyNames(t *testing.T) {
	client, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	base := Config{Client: client, Producer: "eosstorebest", Node: "bp-a"}
	for _, ok := range []func(*Config){
		func(c *Config) { c.Prefix = "eoskeeper" },
		func(c *Config) { c.Prefix = "ops/eoskeeper_v2.main" },
		func(c *Config) { c.Prefix = strings.Repeat("p", MaxPrefixLen) },
		func(c *Config) { c.Node = "bp-a.dc1" },
	} {
		c := base
		ok(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"Prefix", func(c *Config) { c.Prefix = "../other" }},
		{"Prefix", func(c *Config) { c.Prefix = "a/../b" }},
		{"Prefix", func(c *Config) { c.Prefix = "a/./b" }},
		{"Prefix", func(c *Config) { c.Prefix = "a//b" }},
		{"Prefix", func(c *Config) { c.Prefix = "eos keeper" }},
		{"Prefix", func(c *Config) { c.Prefix = "/eoskeeper" }},
		{"Prefix", func(c *Config) { c.Prefix = "eoskeeper/" }},
		{"Prefix", func(c *Config) { c.Prefix = "a?b" }},
		{"Prefix", func(c *Config) { c.Prefix = strings.Repeat("p", MaxPrefixLen+1) }},
		{"Producer", func(c *Config) { c.Producer = ".." }},
		{"Producer", func(c *Config) { c.Producer = "eos store" }},
		{"Node", func(c *Config) { c.Node = "a/b" }},
		{"Node", func(c *Config) { c.Node = ".." }},
		{"Node", func(c *Config) { c.Node = "bp a" }},
	} {
		c := base
		tc.edit(&c)
		err := c.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%+v: Validate() = %v, want a FieldError for %s", c, err, tc.field)
		}
	}
}
