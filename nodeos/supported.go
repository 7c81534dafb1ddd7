package nodeos

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// API plugins whose endpoints the client calls, named as in config.ini's plugin lines.
const (
	// ChainAPIPlugin serves /v1/chain/* (get_info, get_producer_schedule, get_block, ...).
	ChainAPIPlugin = "eosio::chain_api_plugin"
	// ProducerAPIPlugin serves /v1/producer/* (pause, resume, paused, ...).
	ProducerAPIPlugin = "eosio::producer_api_plugin"
	// NetAPIPlugin serves /v1/net/* (connections, ...).
	NetAPIPlugin = "eosio::net_api_plugin"
)

// Endpoint paths called by Client.
const (
	PathGetInfo             = "/v1/chain/get_info"
	PathGetProducerSchedule = "/v1/chain/get_producer_schedule"
	PathGetProducers        = "/v1/chain/get_producers"
	PathGetBlock            = "/v1/chain/get_block"
	PathGetBlockInfo        = "/v1/chain/get_block_info"
	PathGetFinalizerInfo    = "/v1/chain/get_finalizer_info"
	PathPause               = "/v1/producer/pause"
	PathResume              = "/v1/producer/resume"
	PathPaused              = "/v1/producer/paused"
	PathConnections         = "/v1/net/connections"
	PathGetSupportedAPIs    = "/v1/node/get_supported_apis"
)

// pluginProbe is the read-only endpoint whose presence shows a plugin is loaded.
func pluginProbe(plugin string) string {
	switch plugin {
	case ChainAPIPlugin:
		return PathGetInfo
	case ProducerAPIPlugin:
		return PathPaused
	case NetAPIPlugin:
		return PathConnections
	}
	return ""
}

// pluginOf returns the API plugin that serves endpoint, or "" when it is not a plugin's path.
func pluginOf(endpoint string) string {
	switch {
	case strings.HasPrefix(endpoint, "/v1/chain/"):
		return ChainAPIPlugin
	case strings.HasPrefix(endpoint, "/v1/producer/"):
		return ProducerAPIPlugin
	case strings.HasPrefix(endpoint, "/v1/net/"):
		return NetAPIPlugin
	}
	return ""
}

// pluginLine is the config.ini line that loads plugin.
func pluginLine(plugin string) string { return "plugin = " + plugin }

// PluginError reports an API plugin that nodeos does not have loaded. It matches
// ErrPluginMissing with errors.Is.
type PluginError struct {
	// Plugin is the missing plugin, e.g. ProducerAPIPlugin.
	Plugin string
}

// Error names the plugin and the config.ini line that loads it.
func (e *PluginError) Error() string {
	return fmt.Sprintf("nodeos: %s is not loaded: add %q to nodeos's config.ini (it also needs %q) and restart nodeos",
		strings.TrimPrefix(e.Plugin, "eosio::"), pluginLine(e.Plugin), pluginLine("eosio::http_plugin"))
}

// Is reports whether target is ErrPluginMissing.
func (e *PluginError) Is(target error) bool { return target == ErrPluginMissing }

// APISet is the set of endpoint paths a nodeos serves on the address the client calls.
type APISet map[string]struct{}

// Has reports whether path (e.g. "/v1/producer/pause") is served.
func (s APISet) Has(path string) bool {
	_, ok := s[path]
	return ok
}

// Paths returns the served paths, sorted.
func (s APISet) Paths() []string {
	out := make([]string, 0, len(s))
	for p := range s {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Check returns nil when every plugin in plugins serves its endpoints, else the
// *PluginError of each missing one, joined.
func (s APISet) Check(plugins ...string) error {
	var errs []error
	for _, p := range plugins {
		probe := pluginProbe(p)
		if probe == "" {
			errs = append(errs, fmt.Errorf("nodeos: unknown API plugin %q", p))
			continue
		}
		if !s.Has(probe) {
			errs = append(errs, &PluginError{Plugin: p})
		}
	}
	return errors.Join(errs...)
}

// SupportedAPIs returns the endpoints nodeos serves on this address
// (/v1/node/get_supported_apis, {"apis":[...]}).
func (c *Client) SupportedAPIs(ctx context.Context) (APISet, error) {
	var out struct {
		APIs []string `json:"apis"`
	}
	if err := c.call(ctx, PathGetSupportedAPIs, nil, &out); err != nil {
		return nil, err
	}
	set := make(APISet, len(out.APIs))
	for _, p := range out.APIs {
		set[p] = struct{}{}
	}
	return set, nil
}

// CheckPlugins verifies that nodeos has every plugin in plugins loaded (e.g.
// ProducerAPIPlugin, NetAPIPlugin). It returns nil, a *PluginError per missing plugin
// (matching ErrPluginMissing), or the error that prevented the check. It reads
// /v1/node/get_supported_apis; on a nodeos without that endpoint it calls each plugin's
// read-only probe endpoint (get_info, paused, connections) and takes a 404 as absence.
func (c *Client) CheckPlugins(ctx context.Context, plugins ...string) error {
	set, err := c.SupportedAPIs(ctx)
	if err == nil {
		return set.Check(plugins...)
	}
	var aerr *APIError
	if !errors.As(err, &aerr) || aerr.Status != 404 {
		return err
	}
	var errs []error
	for _, p := range plugins {
		probe := pluginProbe(p)
		if probe == "" {
			errs = append(errs, fmt.Errorf("nodeos: unknown API plugin %q", p))
			continue
		}
		err := c.call(ctx, probe, nil, nil)
		switch {
		case err == nil:
		case errors.As(err, &aerr) && aerr.Status == 404:
			errs = append(errs, &PluginError{Plugin: p})
		default:
			return err
		}
	}
	return errors.Join(errs...)
}
