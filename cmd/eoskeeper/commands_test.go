package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// runCLI runs the real command table on args and returns the exit code, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// fakeTable is a command table whose commands record the arguments they ran with.
func fakeTable(ran *[][]string) []command {
	mk := func(name string) command {
		return command{
			name: name, synopsis: "synopsis of " + name, help: "Usage: eoskeeper " + name,
			run: func(args []string) int {
				*ran = append(*ran, append([]string{name}, args...))
				return 42
			},
		}
	}
	return []command{mk("zeta"), mk("alpha"), mk("mid")}
}

func TestUsageListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"-help"}, {"-h"}, {"--help"}} {
		code, out, errs := runCLI(args...)
		if code != 0 || out != "" {
			t.Fatalf("%v: exit %d, stdout %q; want 0 and nothing on stdout", args, code, out)
		}
		if !strings.HasPrefix(errs, "Usage: eoskeeper [--version] [--help] <command> [<args>]\n") {
			t.Errorf("%v: stderr %q", args, errs)
		}
		for _, c := range commandTable(newTestUI()) {
			if !strings.Contains(errs, "\n    "+c.name+" ") || !strings.Contains(errs, c.synopsis+"\n") {
				t.Errorf("%v: command list lacks %s (%q):\n%s", args, c.name, c.synopsis, errs)
			}
		}
	}
}

func TestUsageSortedAndAligned(t *testing.T) {
	var ran [][]string
	var errb bytes.Buffer
	if code := dispatch(fakeTable(&ran), []string{"-help"}, &errb); code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := "Usage: eoskeeper [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n" +
		"    alpha    synopsis of alpha\n" +
		"    mid      synopsis of mid\n" +
		"    zeta     synopsis of zeta\n\n"
	if errb.String() != want {
		t.Errorf("usage:\n%q\nwant\n%q", errb.String(), want)
	}
	if len(ran) != 0 {
		t.Errorf("-help ran %v", ran)
	}
}

func TestUnknownCommand(t *testing.T) {
	for _, args := range [][]string{nil, {"bogus"}, {"help"}, {"help", "agent"}, {"bogus", "-help"}, {"-x"}} {
		code, out, errs := runCLI(args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, "Available commands are:") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and the command list on stderr", args, code, out, errs, exitUsage)
		}
	}
}

func TestCommandHelp(t *testing.T) {
	for _, c := range commandTable(newTestUI()) {
		for _, args := range [][]string{{c.name, "-help"}, {c.name, "-h"}, {c.name, "--help"}, {"-help", c.name}, {c.name, "-config", "x.hcl", "-help"}} {
			code, out, errs := runCLI(args...)
			if code != 0 || out != "" || errs != c.help+"\n" {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want 0 and the help on stderr", args, code, out, errs)
			}
		}
		if !strings.HasPrefix(c.help, "Usage: eoskeeper "+c.name) {
			t.Errorf("%s help starts %q", c.name, c.help)
		}
	}
}

func TestBadFlagNamesItself(t *testing.T) {
	for _, c := range commandTable(newTestUI()) {
		code, out, errs := runCLI(c.name, "-no-such-flag")
		want := c.name + ": flag provided but not defined: -no-such-flag\n"
		if code != 1 || out != "" || !strings.HasPrefix(errs, want) || !strings.Contains(errs, c.help) {
			t.Errorf("%s -no-such-flag: exit %d, stdout %q, stderr %q; want 1, %q and the help", c.name, code, out, errs, want)
		}
	}
	code, _, errs := runCLI("switchover", "-config", "x.hcl", "-timeout", "soon")
	if code != 1 || !strings.HasPrefix(errs, `switchover: invalid value "soon" for flag -timeout`) {
		t.Errorf("bad -timeout: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCLI("agent", "-config")
	if code != 1 || !strings.HasPrefix(errs, "agent: flag needs an argument: -config") {
		t.Errorf("agent -config without a value: exit %d, stderr %q", code, errs)
	}
}

func TestMissingConfig(t *testing.T) {
	for _, name := range []string{"agent", "status", "pause", "resume", "switchover"} {
		code, _, errs := runCLI(name)
		if code != 1 || !strings.HasPrefix(errs, name+": -config is required") {
			t.Errorf("%s without -config: exit %d, stderr %q", name, code, errs)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	old := Version
	Version = "v9.8.7"
	t.Cleanup(func() { Version = old })
	for _, args := range [][]string{{"-v"}, {"-version"}, {"--version"}, {"-v", "agent"}} {
		code, out, errs := runCLI(args...)
		if code != 0 || out != "" || errs != "v9.8.7\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

func TestDispatchRunsTheNamedCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ran  []string
	}{
		{[]string{"mid"}, []string{"mid"}},
		{[]string{"alpha", "-x", "1", "rest"}, []string{"alpha", "-x", "1", "rest"}},
		// Past "--", -help is the command's argument, not a help request.
		{[]string{"zeta", "--", "-help"}, []string{"zeta", "--", "-help"}},
		{[]string{"", "mid", "-v"}, []string{"mid", "-v"}},
	} {
		var ran [][]string
		var errb bytes.Buffer
		code := dispatch(fakeTable(&ran), tc.args, &errb)
		if code != 42 || len(ran) != 1 || !slices.Equal(ran[0], tc.ran) {
			t.Errorf("%q: exit %d, ran %q, stderr %q; want 42 and %q", tc.args, code, ran, errb.String(), tc.ran)
		}
	}
}

func TestFlagsBeforeCommand(t *testing.T) {
	var ran [][]string
	var errb bytes.Buffer
	code := dispatch(fakeTable(&ran), []string{"-config", "mid"}, &errb)
	if code != 1 || len(ran) != 0 {
		t.Fatalf("exit %d, ran %v; want 1 and nothing run", code, ran)
	}
	if want := fmt.Sprintf("please put them after the subcommand.\n\n%s\n", "Usage: eoskeeper mid"); !strings.HasSuffix(errb.String(), want) {
		t.Errorf("stderr %q, want suffix %q", errb.String(), want)
	}
}
