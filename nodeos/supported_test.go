package nodeos

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSupportedAPIs(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{PathGetSupportedAPIs: {200, mustFixture("get_supported_apis_no_producer.json")}})
	set, err := c.SupportedAPIs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !set.Has(PathGetInfo) || !set.Has(PathConnections) || set.Has(PathPause) {
		t.Errorf("APISet %v", set.Paths())
	}
	want := []string{"/v1/chain/get_block", "/v1/chain/get_block_info", "/v1/chain/get_info",
		"/v1/chain/get_producer_schedule", "/v1/chain/get_producers", "/v1/net/connections", "/v1/net/status"}
	if got := set.Paths(); !reflect.DeepEqual(got, want) {
		t.Errorf("Paths() = %v, want %v", got, want)
	}
}

func TestCheckPlugins(t *testing.T) {
	ctx := context.Background()
	_, c := newFakeNode(t, map[string]reply{PathGetSupportedAPIs: {200, mustFixture("get_supported_apis_no_producer.json")}})

	if err := c.CheckPlugins(ctx, ChainAPIPlugin, NetAPIPlugin); err != nil {
		t.Errorf("CheckPlugins(chain, net) = %v, want nil", err)
	}
	err := c.CheckPlugins(ctx, ChainAPIPlugin, ProducerAPIPlugin, NetAPIPlugin)
	var perr *PluginError
	if !errors.Is(err, ErrPluginMissing) || !errors.As(err, &perr) || perr.Plugin != ProducerAPIPlugin {
		t.Fatalf("CheckPlugins with producer_api missing = %v, want *PluginError for %s", err, ProducerAPIPlugin)
	}
	want := `nodeos: producer_api_plugin is not loaded: add "plugin = eosio::producer_api_plugin" to nodeos's config.ini (it also needs "plugin = eosio::http_plugin") and restart nodeos`
	if err.Error() != want {
		t.Errorf("error text\n%s\nwant\n%s", err, want)
	}
	if err := c.CheckPlugins(ctx, "eosio::history_api_plugin"); err == nil || errors.Is(err, ErrPluginMissing) {
		t.Errorf("CheckPlugins(unknown plugin) = %v, want an error that is not ErrPluginMissing", err)
	}

	// Both missing: both named.
	_, c2 := newFakeNode(t, map[string]reply{PathGetSupportedAPIs: {200, `{"apis":["/v1/chain/get_info"]}`}})
	err = c2.CheckPlugins(ctx, ProducerAPIPlugin, NetAPIPlugin)
	if err == nil || !strings.Contains(err.Error(), "producer_api_plugin is not loaded") || !strings.Contains(err.Error(), "net_api_plugin is not loaded") {
		t.Errorf("CheckPlugins with both missing = %v, want both named", err)
	}
}

func TestCheckPluginsWithoutSupportedAPIs(t *testing.T) {
	// A nodeos without /v1/node/get_supported_apis: each plugin's read-only endpoint is probed.
	f, c := newFakeNode(t, map[string]reply{
		PathGetInfo:     {200, mustFixture("get_info_leap403.json")},
		PathConnections: {201, `[]`},
	})
	ctx := context.Background()
	if err := c.CheckPlugins(ctx, ChainAPIPlugin, NetAPIPlugin); err != nil {
		t.Fatalf("CheckPlugins(chain, net) = %v, want nil", err)
	}
	err := c.CheckPlugins(ctx, NetAPIPlugin, ProducerAPIPlugin)
	var perr *PluginError
	if !errors.As(err, &perr) || perr.Plugin != ProducerAPIPlugin {
		t.Fatalf("CheckPlugins = %v, want *PluginError for producer_api", err)
	}
	for _, r := range f.requests() {
		if r.path == PathPause || r.path == PathResume {
			t.Errorf("the check called %s, which changes the node", r.path)
		}
		if r.body != "" {
			t.Errorf("the check sent a body to %s", r.path)
		}
	}

	// An unreachable node is reported as such, not as a missing plugin.
	c3, err := NewClient(Config{URL: "http://" + closedPort(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c3.CheckPlugins(ctx, ProducerAPIPlugin); !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrPluginMissing) {
		t.Errorf("CheckPlugins on an unreachable node = %v, want ErrUnreachable", err)
	}
}
