// Package childenvtest checks what environment a program started by eoskeeper receives.
package childenvtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Secret is a value in the form of an EOS private key, for tests that plant it in the agent's
// environment and check that no child sees it.
const Secret = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"

// Probe is a program (argv, no shell of its own) that writes its environment to a file.
type Probe struct {
	// Argv runs /bin/sh to write the environment it was given.
	Argv []string
	out  string
}

// NewProbe returns a probe writing to a file in a temporary directory of t.
func NewProbe(t testing.TB) *Probe {
	out := filepath.Join(t.TempDir(), "env")
	return &Probe{Argv: []string{"/bin/sh", "-c", `env > "$1"`, "sh", out}, out: out}
}

// Check fails t unless the probe ran with none of absent and all of present in its
// environment. An entry may be a whole "\nNAME=value\n" line or any part of one.
func (p *Probe) Check(t testing.TB, what string, absent, present []string) {
	t.Helper()
	b, err := os.ReadFile(p.out)
	if err != nil {
		t.Fatalf("%s did not run: %v", what, err)
	}
	env := "\n" + string(b)
	for _, s := range absent {
		if strings.Contains(env, s) {
			t.Errorf("%s's environment holds %q:%s", what, strings.TrimSpace(s), env)
		}
	}
	for _, s := range present {
		if !strings.Contains(env, s) {
			t.Errorf("%s's environment lacks %q:%s", what, strings.TrimSpace(s), env)
		}
	}
}
