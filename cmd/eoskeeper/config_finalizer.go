package main

import (
	"slices"
	"strings"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// FinalizerConfig is `finalizer { ... }`: this node's BLS finalizer key and how a takeover
// makes it our producer's active key on Savanna chains (docs/nodeos.md §4.1). Either
// permission with private_key (eosio::actfinkey is signed and pushed by the agent) or
// command (run instead, e.g. a cleos invocation) must be set.
type FinalizerConfig struct {
	// Key is the PUB_BLS_... key in this node's signature-provider.
	Key string `hcl:"key" json:"key"`
	// Permission is "actor@permission", a low-privilege permission linked to eosio::actfinkey.
	Permission string `hcl:"permission,optional" json:"permission,omitempty"`
	// PrivateKey is that permission's K1 private key (use env() or file()).
	PrivateKey hclconf.Secret `hcl:"private_key,optional" json:"private_key,omitempty"`
	// Command activates the key instead (argv, no shell); EOSKEEPER_FINALIZER_KEY holds the key,
	// EOSKEEPER_PRODUCER the producer, and the agent's environment is not passed on (childenv).
	Command []string `hcl:"command,optional" json:"command,omitempty"`
}

// HooksConfig is `hooks { ... }`: commands run when this node starts and stops producing.
type HooksConfig struct {
	OnPromote []string `hcl:"on_promote,optional" json:"on_promote,omitempty"`
	OnDemote  []string `hcl:"on_demote,optional" json:"on_demote,omitempty"`
}

// Actor and PermissionName split Permission.
func (f *FinalizerConfig) Actor() string { a, _, _ := strings.Cut(f.Permission, "@"); return a }
func (f *FinalizerConfig) PermissionName() string {
	_, p, _ := strings.Cut(f.Permission, "@")
	return p
}

func (c *Config) finishFinalizer(k *checker) {
	f := c.Finalizer
	if f == nil {
		return
	}
	if !c.Node.Role.Producer() {
		k.errAt(k.at("finalizer"), "Finalizer on a full node", "role F never produces, so it has no finalizer key to activate.")
	}
	if !strings.HasPrefix(f.Key, "PUB_BLS_") {
		k.errAt(k.at("finalizer.key"), "Invalid finalizer key", "%q is not a BLS public key (PUB_BLS_...).", f.Key)
	}
	byCommand := len(f.Command) > 0
	if len(f.Command) > keeper.MaxCommandArgs || slices.Contains(f.Command, "") {
		k.errAt(k.at("finalizer.command"), "Invalid finalizer command", "command is an argv list of at most %d non-empty elements, the program first (no shell).", keeper.MaxCommandArgs)
	}
	byKey := f.Permission != "" || f.PrivateKey.Reveal() != ""
	switch {
	case byCommand && byKey:
		k.errAt(k.at("finalizer.command"), "Conflicting finalizer settings", "set either command, or permission with private_key, not both.")
	case !byCommand && !byKey:
		k.errAt(k.at("finalizer"), "Missing finalizer activation", "set permission and private_key (the agent pushes eosio::actfinkey) or command.")
	case byKey:
		actor, perm, ok := strings.Cut(f.Permission, "@")
		if !ok || !producerRE.MatchString(actor) || !producerRE.MatchString(perm) {
			k.errAt(k.at("finalizer.permission"), "Invalid permission", "%q must be actor@permission, e.g. \"eosstorebest@finkey\".", f.Permission)
		}
		if f.PrivateKey.Reveal() == "" {
			k.errAt(k.at("finalizer"), "Missing private key", "permission %q needs private_key (use env() or file()).", f.Permission)
		}
	}
}
