package election

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

func TestConfigValidate(t *testing.T) {
	client, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	base := Config{Client: client, Producer: "eosstorebest", Node: "a"}
	tests := []struct {
		name  string
		edit  func(*Config)
		want  string // substring of the error; empty for valid
		field string // the FieldError's field
	}{
		{"defaults", func(*Config) {}, "", ""},
		{"no client", func(c *Config) { c.Client = nil }, "Client is required", "Client"},
		{"no producer", func(c *Config) { c.Producer = "" }, "Producer is required", "Producer"},
		{"slash in producer", func(c *Config) { c.Producer = "a/b" }, "must not contain '/'", "Producer"},
		{"no node", func(c *Config) { c.Node = "" }, "Node is required", "Node"},
		{"ttl below consul minimum", func(c *Config) { c.SessionTTL = 5 * time.Second }, "SessionTTL (5s) must lie within MinSessionTTL (10s)", "SessionTTL"},
		{"ttl with lowered minimum", func(c *Config) {
			c.SessionTTL, c.MinSessionTTL, c.LockDelay = 2*time.Second, time.Second, 2*time.Second
		}, "", ""},
		{"lost after not below ttl", func(c *Config) { c.LostAfter = 15 * time.Second }, "LostAfter (15s) must be positive and shorter than SessionTTL (15s)", "LostAfter"},
		{"lost after above lock delay", func(c *Config) {
			c.SessionTTL, c.LockDelay, c.LostAfter = 30*time.Second, 5*time.Second, 10*time.Second
		}, "LostAfter (10s) cannot be larger than LockDelay (5s)", "LostAfter"},
		{"lock delay above consul maximum", func(c *Config) { c.LockDelay = 2 * time.Minute }, "LockDelay (2m0s) must lie within", "LockDelay"},
		{"renew not below lost after", func(c *Config) { c.RenewInterval = 10 * time.Second }, "RenewInterval (10s) must be positive and shorter than LostAfter (10s)", "RenewInterval"},
		{"request timeout above lost after", func(c *Config) { c.RequestTimeout = 11 * time.Second }, "RequestTimeout (11s) must be positive and at most LostAfter", "RequestTimeout"},
		{"sub-millisecond ttl", func(c *Config) { c.SessionTTL = 15*time.Second + time.Microsecond }, "whole milliseconds", "SessionTTL"},
		{"empty check id", func(c *Config) { c.ServiceChecks = []string{""} }, "empty ID", "ServiceChecks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			err := cfg.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				if _, err := New(cfg); err != nil {
					t.Fatalf("New() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Validate() = %v, want ErrInvalidConfig containing %q", err, tc.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want a FieldError for %s containing %q", err, tc.field, tc.want)
			}
			if _, err := New(cfg); err == nil {
				t.Fatal("New() accepted an invalid config")
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	if c.SessionTTL != 15*time.Second || c.RenewInterval != 5*time.Second || c.LostAfter != 10*time.Second ||
		c.RequestTimeout != 5*time.Second || c.LockDelay != 15*time.Second || c.Prefix != "eoskeeper" {
		t.Fatalf("defaults = %+v", c)
	}
	if w := c.fenceWindow(); w != 15*time.Second {
		t.Fatalf("fence window = %s, want 15s", w)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	in := Record{
		Node: "a", Role: "A", Session: "s1", AcquiredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Watermark: Watermark{BlockNum: 10, Slot: 2, Node: "a"},
		Handoff:   &Handoff{To: "b", Watermark: Watermark{BlockNum: 11}, At: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)},
	}
	b, err := encodeRecord(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"format":"eoskeeper.leader/v1"`) {
		t.Fatalf("encoded record lacks the format marker: %s", b)
	}
	out, err := decodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Node != in.Node || out.Session != in.Session || !out.AcquiredAt.Equal(in.AcquiredAt) ||
		out.Watermark != in.Watermark || out.Handoff == nil || out.Handoff.To != "b" {
		t.Fatalf("round trip = %+v, want %+v", out, in)
	}
	for _, v := range []string{``, `x`, `{}`, `{"format":"other","node":"a"}`} {
		if _, err := decodeRecord([]byte(v)); !errors.Is(err, ErrForeignValue) {
			t.Errorf("decodeRecord(%q) = %v, want ErrForeignValue", v, err)
		}
	}
}
