package main

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
)

// Version is the release version, set at build time with
// -ldflags "-X main.Version=v1.2.3".
var Version = "dev"

// Commit is the source revision, set at build time with -ldflags "-X main.Commit=<sha>".
var Commit = ""

// VersionCommand prints the version.
type VersionCommand struct {
	UI UI
}

// Help returns the command's usage text.
func (c *VersionCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper version

  Prints the eoskeeper version, its source revision when known, and the Go version.
`)
}

// Synopsis returns the one-line summary.
func (c *VersionCommand) Synopsis() string { return "Print the eoskeeper version" }

// Run prints the version and returns 0.
func (c *VersionCommand) Run(args []string) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if !parseFlags(c.UI, fs, args, c.Help()) {
		return 1
	}
	if fs.NArg() != 0 {
		c.UI.Error("version takes no arguments")
		c.UI.Error(c.Help())
		return 1
	}
	c.UI.Output(versionString())
	return 0
}

func versionString() string {
	s := "eoskeeper " + Version
	if Commit != "" {
		s += " (" + Commit + ")"
	}
	return fmt.Sprintf("%s %s %s/%s", s, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
