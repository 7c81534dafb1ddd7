// Package childenv builds the environment of the programs eoskeeper starts: the fence
// command, the on_promote and on_demote hooks, the finalizer command and the notify "command"
// channel.
//
// The agent's own environment holds the secrets keeper.hcl reads with env(): the finalizer's
// private key, the Consul token, the keys of the notify channels. A child must see none of
// them, so it does not inherit that environment. It gets PATH (the agent's, or DefaultPath
// when the agent has none), HOME, LANG, LC_ALL and TZ when the agent has them, and the
// variables its caller names explicitly (Env's extra entries); nothing else.
package childenv

import (
	"os"
	"strings"
)

// DefaultPath is a child's PATH when the agent's environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// inherited are the variables a child takes from the agent's environment, when set, besides
// PATH. None of them is a place for a secret.
var inherited = []string{"HOME", "LANG", "LC_ALL", "TZ"}

// Env returns the environment for a child process, as exec.Cmd.Env takes it: PATH, HOME,
// LANG, LC_ALL and TZ from the agent's environment (see the package comment), then extra, a
// list of "KEY=value" entries. An entry of extra replaces an earlier entry with the same
// KEY, whether inherited or extra, so the caller has the last word.
func Env(extra ...string) []string { return build(os.LookupEnv, extra) }

// build is Env with the agent's environment read through lookup.
func build(lookup func(string) (string, bool), extra []string) []string {
	env := make([]string, 0, 1+len(inherited)+len(extra))
	path, _ := lookup("PATH")
	if path == "" {
		path = DefaultPath
	}
	env = append(env, "PATH="+path)
	for _, name := range inherited {
		if v, ok := lookup(name); ok {
			env = append(env, name+"="+v)
		}
	}
	for _, kv := range extra {
		env = set(env, kv)
	}
	return env
}

// set replaces the entry of env with kv's key by kv, or appends kv.
func set(env []string, kv string) []string {
	k := key(kv)
	for i, e := range env {
		if key(e) == k {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

// key returns the name of a "KEY=value" entry (the whole entry when it has no "=").
func key(kv string) string {
	k, _, _ := strings.Cut(kv, "=")
	return k
}
