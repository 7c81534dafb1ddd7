package main

import (
	"flag"
	"runtime"
	"strings"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/buildinfo"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/metrics"
)

// Version is the release version, set at build time with -ldflags "-X main.Version=v1.2.3";
// when empty, the main module's version from the binary's build information.
var Version = ""

// Commit is the source revision, set at build time with -ldflags "-X main.Commit=<sha>";
// when empty, the vcs.revision the Go toolchain stamped (and vcs.modified).
var Commit = ""

// Date is when the release was built (RFC 3339), set at build time with
// -ldflags "-X main.Date=2026-01-02T03:04:05Z"; when empty, the vcs.time of the revision.
var Date = ""

// currentBuild describes the running binary.
func currentBuild() buildinfo.Info {
	return buildinfo.Read(buildinfo.Info{Version: Version, Commit: Commit, Date: Date})
}

// metricsBuild is the build for the eoskeeper_build_info metric.
func metricsBuild(b buildinfo.Info) metrics.Build {
	return metrics.Build{Version: b.Version, Commit: b.ShortCommit(), GoVersion: b.GoVersion}
}

// VersionCommand prints the version.
type VersionCommand struct {
	UI UI
}

// Help returns the command's usage text.
func (c *VersionCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper version

  Prints the eoskeeper version, its source revision ("+dirty" when built from a tree with
  local changes) and build date when known, the Go version and the platform. Agents publish
  the same version and commit in their status (eoskeeper status, /status) and as the
  eoskeeper_build_info metric.
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

// versionString is the one-line version: "eoskeeper v1.2.3 (commit 0123456789ab,
// 2026-01-02T03:04:05Z) go1.26.8 linux/amd64".
func versionString() string {
	return "eoskeeper " + currentBuild().String() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
