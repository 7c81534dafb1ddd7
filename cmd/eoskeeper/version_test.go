package main

import (
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	old := Version
	Version, Commit = "v1.2.3", "abc123"
	t.Cleanup(func() { Version, Commit = old, "" })
	ui := newTestUI()
	if code := (&VersionCommand{UI: ui}).Run(nil); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if out := ui.OutputWriter.String(); !strings.HasPrefix(out, "eoskeeper v1.2.3 (abc123) go") {
		t.Errorf("output %q", out)
	}
	if code := (&VersionCommand{UI: newTestUI()}).Run([]string{"extra"}); code != 1 {
		t.Errorf("extra argument: exit %d, want 1", code)
	}
}
