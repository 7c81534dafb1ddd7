package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// checkNodeos checks, before the agent registers in Consul or contends for the lock, that
// nodeos serves every call its keeper makes: chain_api_plugin's endpoints, producer_api_plugin's
// for a producer role (pause, resume, paused), both read from /v1/node/get_supported_apis, and
// the block window blocks behind the head, the oldest one the keeper's backfill reads (read
// with get_block_info, or get_block on EOSIO 2.0). A nodeos that lacks one of them is a
// configuration error, returned naming nodeos's address, the endpoint and the setting to
// change. A nodeos that cannot be asked now (down, starting) is logged and the agent runs on,
// its keeper waiting for nodeos. A missing net_api_plugin is logged only: the keeper then
// counts p2p peers in /proc.
func checkNodeos(ctx context.Context, nc *nodeos.Client, producer bool, window int, logger hclog.Logger) error {
	within := func(f func(context.Context) error) error {
		cctx, cancel := context.WithTimeout(ctx, 3*nc.Timeout())
		defer cancel()
		return f(cctx)
	}
	plugins := []string{nodeos.ChainAPIPlugin}
	if producer {
		plugins = append(plugins, nodeos.ProducerAPIPlugin)
	}
	err := within(func(ctx context.Context) error { return nc.CheckPlugins(ctx, plugins...) })
	if errors.Is(err, nodeos.ErrPluginMissing) {
		return fmt.Errorf("nodeos at %s cannot serve the agent: %w", nc.URL(), err)
	}
	if err != nil {
		logger.Warn("cannot check nodeos yet; continuing", "nodeos", nc.URL(), "error", err)
		return nil
	}
	err = within(func(ctx context.Context) error { return nc.CheckPlugins(ctx, nodeos.NetAPIPlugin) })
	if errors.Is(err, nodeos.ErrPluginMissing) {
		logger.Warn("nodeos does not load net_api_plugin: p2p peers are counted in /proc (nodeos.p2p_port, nodeos.pid_file)",
			"nodeos", nc.URL())
	}
	err = within(func(ctx context.Context) error { return nc.CheckBlockWindow(ctx, uint32(window)) })
	var we *nodeos.BlockWindowError
	if errors.As(err, &we) || errors.Is(err, nodeos.ErrPluginMissing) {
		return fmt.Errorf("nodeos at %s cannot serve the agent's block reads: %w", nc.URL(), err)
	}
	if err != nil {
		logger.Warn("cannot check nodeos's block log yet; continuing", "nodeos", nc.URL(), "error", err)
	}
	return nil
}
