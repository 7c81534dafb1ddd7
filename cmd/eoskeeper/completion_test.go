package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, out, errs := runCLI("completion", shell)
	if code != 0 {
		t.Fatalf("completion %s: exit %d: %s", shell, code, errs)
	}
	return out
}

// TestCompletionBash loads the bash script and asks it for completions as bash would.
func TestCompletionBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	path := filepath.Join(t.TempDir(), "eoskeeper.bash")
	if err := os.WriteFile(path, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) []string {
		t.Helper()
		script := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _eoskeeper; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command("bash", append([]string{"-c", script, "bash", path}, words...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v: %s", err, out)
		}
		got := strings.Fields(string(out))
		slices.Sort(got)
		return got
	}
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"eoskeeper", "s"}, []string{"status", "switchover"}},
		{[]string{"eoskeeper", "-v", "hi"}, []string{"history"}},
		{[]string{"eoskeeper", "status", "-"}, []string{"-config", "-consul-addr", "-help", "-interval", "-json", "-key-prefix", "-producer", "-watch"}},
		{[]string{"eoskeeper", "status", "-watch", "-i"}, []string{"-interval"}},
		{[]string{"eoskeeper", "history", "-"}, []string{"-config", "-consul-addr", "-help", "-json", "-key-prefix", "-producer"}},
		{[]string{"eoskeeper", "pause", "-"}, []string{"-by", "-config", "-consul-addr", "-help", "-key-prefix", "-producer", "-reason"}},
		{[]string{"eoskeeper", "switchover", "-t"}, []string{"-timeout", "-to"}},
		{[]string{"eoskeeper", "switchover", "-to", ""}, nil},
		{[]string{"eoskeeper", "completion", ""}, []string{"-help", "bash", "zsh"}},
	} {
		if got := complete(tc.words...); !slices.Equal(got, tc.want) {
			t.Errorf("%q: completions %q, want %q", tc.words, got, tc.want)
		}
	}
	// -config completes file names.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keeper-zz.hcl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := complete("eoskeeper", "status", "-config", filepath.Join(dir, "keeper-z")); !slices.Equal(got, []string{filepath.Join(dir, "keeper-zz.hcl")}) {
		t.Errorf("-config completes %q", got)
	}
}

// TestCompletionZsh checks the zsh script names every command and flag, and parses.
func TestCompletionZsh(t *testing.T) {
	script := completionScript(t, "zsh")
	if !strings.HasPrefix(script, "#compdef eoskeeper\n") {
		t.Errorf("the script does not start with #compdef:\n%s", script)
	}
	for _, c := range completionCommands(commandTable(newTestUI())) {
		if !strings.Contains(script, "\t"+c.name+")\n") || !strings.Contains(script, "'"+c.name+":") {
			t.Errorf("command %s missing", c.name)
		}
	}
	for _, want := range []string{
		`'-config=[any agent'\''s keeper.hcl (for Consul and the producer)]:file:_files'`,
		`'-watch[redraw every -interval until interrupted (Ctrl-C)]'`,
		`'-interval=[how often -watch redraws]:interval: '`,
		`'-json[print the entries as JSON]'`,
		`'1:shell:(bash zsh)'`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("no %s in\n%s", want, script)
		}
	}
	if _, err := exec.LookPath("zsh"); err == nil {
		if out, err := exec.Command("zsh", "-n", "-c", script).CombinedOutput(); err != nil {
			t.Errorf("zsh -n: %v: %s", err, out)
		}
	}
}

func TestCompletionArguments(t *testing.T) {
	for _, args := range [][]string{nil, {"fish"}, {"bash", "zsh"}} {
		if code, _, _ := runCLI(append([]string{"completion"}, args...)...); code != 1 {
			t.Errorf("completion %q: exit %d, want 1", args, code)
		}
	}
}

// TestHelpFlags: flags come from the usage line and the options, with whether each takes a
// value.
func TestHelpFlags(t *testing.T) {
	help := `Usage: eoskeeper x -config keeper.hcl -to NODE [-timeout 3m] [-json] -watch [-interval 2s]

  Prose that mentions -notaflag in passing.

Options:

  -config=PATH   the file; more words
  -dry-run       try only: do nothing
  -limit=10      how many (at most 10: more is slow)
`
	got := helpFlags(help)
	want := []compFlag{
		{name: "config", value: true, desc: "the file"},
		{name: "dry-run", desc: "try only"},
		{name: "interval", value: true},
		{name: "json"},
		{name: "limit", value: true, desc: "how many"},
		{name: "timeout", value: true},
		{name: "to", value: true},
		{name: "watch"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("helpFlags:\n got %+v\nwant %+v", got, want)
	}
}
