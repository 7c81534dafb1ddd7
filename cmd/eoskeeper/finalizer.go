package main

import (
	"context"
	"fmt"
	"os/exec"

	"github.com/eoskeeper/eoskeeper/internal/childenv"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/eostx"
)

// newFinalizer builds the keeper's Finalizer from the finalizer block: eosio::actfinkey signed
// with the configured permission key and pushed to the local nodeos, or the configured command.
// It returns nil when the block is absent. It makes no request, so the load path runs it too;
// its errors are *attrError, naming the attribute at fault.
func newFinalizer(cfg *Config, nc *nodeos.Client) (keeper.Finalizer, error) {
	f := cfg.Finalizer
	if f == nil {
		return nil, nil
	}
	if len(f.Command) > 0 {
		run := finalizerCommand(f.Command, "EOSKEEPER_FINALIZER_KEY="+f.Key, "EOSKEEPER_PRODUCER="+cfg.Producer)
		return keeper.NodeosFinalizer(nc, cfg.Producer, f.Key, run), nil
	}
	signer, err := eostx.ParsePrivateKey(f.PrivateKey.Reveal())
	if err != nil {
		return nil, &attrError{"finalizer.private_key", fmt.Errorf("finalizer private_key: %w", err)}
	}
	actor, err := eostx.ParseName(f.Actor())
	if err != nil {
		return nil, &attrError{"finalizer.permission", fmt.Errorf("finalizer permission: %w", err)}
	}
	perm, err := eostx.ParseName(f.PermissionName())
	if err != nil {
		return nil, &attrError{"finalizer.permission", fmt.Errorf("finalizer permission: %w", err)}
	}
	producer, err := eostx.ParseName(cfg.Producer)
	if err != nil {
		return nil, &attrError{"producer", fmt.Errorf("producer: %w", err)}
	}
	pusher, err := eostx.NewPusher(eostx.PusherConfig{URL: cfg.Nodeos.URL, Timeout: 2 * cfg.Nodeos.Timeout})
	if err != nil {
		return nil, &attrError{"nodeos.url", fmt.Errorf("finalizer: %w", err)}
	}
	act := &eostx.FinKeyActivator{Client: nc, Pusher: pusher, Producer: producer, Key: f.Key,
		Auth: eostx.PermissionLevel{Actor: actor, Permission: perm}, Signer: signer}
	return keeper.NodeosFinalizer(nc, cfg.Producer, f.Key, act.Activate), nil
}

// finalizerCommand returns the activation that runs argv (no shell) with env added to the
// minimal child environment (childenv.Env): the command never sees the agent's environment,
// which holds the secrets keeper.hcl reads, the finalizer's private key among them. Like
// keeper.RunCommand, it waits at most keeper.CommandWaitDelay after its context ends for a
// child that still holds the output.
func finalizerCommand(argv []string, env ...string) func(context.Context) error {
	argv = append([]string(nil), argv...)
	return func(ctx context.Context) error {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = childenv.Env(env...)
		cmd.WaitDelay = keeper.CommandWaitDelay
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("finalizer command %q: %w: %s", argv[0], err, clip(string(out), 200))
		}
		return nil
	}
}

// attrError is an error about the keeper.hcl attribute at path ("finalizer.private_key").
type attrError struct {
	path string
	err  error
}

// Error returns the problem's text.
func (e *attrError) Error() string { return e.err.Error() }

// Unwrap returns the problem.
func (e *attrError) Unwrap() error { return e.err }
