package main

import (
	"runtime"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	oldV, oldC, oldD := Version, Commit, Date
	Version, Commit, Date = "v1.2.3", "0123456789abcdef", "2026-01-02T03:04:05Z"
	t.Cleanup(func() { Version, Commit, Date = oldV, oldC, oldD })
	ui := newTestUI()
	if code := (&VersionCommand{UI: ui}).Run(nil); code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := "eoskeeper v1.2.3 (commit 0123456789ab, 2026-01-02T03:04:05Z) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out := ui.OutputWriter.String(); out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if code := (&VersionCommand{UI: newTestUI()}).Run([]string{"extra"}); code != 1 {
		t.Errorf("extra argument: exit %d, want 1", code)
	}
}

// TestVersionWithoutOverrides: a build without -X flags reports the build information's
// version, or "dev".
func TestVersionWithoutOverrides(t *testing.T) {
	oldV, oldC, oldD := Version, Commit, Date
	Version, Commit, Date = "", "", ""
	t.Cleanup(func() { Version, Commit, Date = oldV, oldC, oldD })
	if b := currentBuild(); b.Version == "" || b.GoVersion != runtime.Version() {
		t.Errorf("build %+v: want a version and %s", b, runtime.Version())
	}
}
