// Package buildinfo identifies the running eoskeeper binary: the module version, the source
// revision with its time and whether the tree had local changes, and the Go version. The Go
// toolchain stamps them into every binary it builds from a repository (runtime/debug's build
// information); a release build may override them with -ldflags -X on the main package's
// Version, Commit and Date variables.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Info describes one build of eoskeeper.
type Info struct {
	// Version is the release version (v1.2.3, or a pseudo-version), "dev" when unknown.
	Version string `json:"version"`
	// Commit is the source revision, empty when unknown.
	Commit string `json:"commit,omitempty"`
	// Date is when the build was made or its revision committed (RFC 3339), empty when unknown.
	Date string `json:"date,omitempty"`
	// Modified reports that the tree had uncommitted changes when the binary was built.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the Go release the binary was built with.
	GoVersion string `json:"go_version"`
}

// develVersion is what the toolchain reports as the main module's version when it has none.
const develVersion = "(devel)"

// Read returns the running binary's Info: the fields set in override, and the others from
// the binary's build information.
func Read(override Info) Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(bi, override)
}

// FromBuildInfo returns the fields set in override, and the others from bi (which may be
// nil): the main module's version, and the vcs.revision, vcs.time and vcs.modified settings.
// A version of "(devel)" or none reads as "dev"; the Go version defaults to the running one.
func FromBuildInfo(bi *debug.BuildInfo, override Info) Info {
	i := Info{GoVersion: runtime.Version()}
	if bi != nil {
		if bi.GoVersion != "" {
			i.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; v != "" && v != develVersion {
			i.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				i.Commit = s.Value
			case "vcs.time":
				i.Date = s.Value
			case "vcs.modified":
				i.Modified = s.Value == "true"
			}
		}
	}
	if override.Version != "" {
		i.Version = override.Version
	}
	if override.Commit != "" {
		i.Commit, i.Modified = override.Commit, override.Modified
	}
	if override.Date != "" {
		i.Date = override.Date
	}
	if override.GoVersion != "" {
		i.GoVersion = override.GoVersion
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	return i
}

// ShortCommit is the first 12 characters of the commit (all of it when shorter), with
// "+dirty" when the tree was modified; empty when the commit is unknown.
func (i Info) ShortCommit() string {
	c := i.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if c != "" && i.Modified {
		c += "+dirty"
	}
	return c
}

// String renders the Info on one line: "v1.2.3 (commit 0123456789ab, 2026-01-02T03:04:05Z) go1.26.8".
func (i Info) String() string {
	var extra []string
	if c := i.ShortCommit(); c != "" {
		extra = append(extra, "commit "+c)
	}
	if i.Date != "" {
		extra = append(extra, i.Date)
	}
	s := i.Version
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s + " " + i.GoVersion
}

// Stamped is a keeper status with the build of the agent that published it: what an agent
// writes to Consul and serves at /status. Its JSON is the status's, plus "version" and
// "commit".
type Stamped struct {
	keeper.Status
	Version string `json:"version,omitempty"`
	Commit  string `json:"commit,omitempty"`
}

// Stamp returns s stamped with this build.
func (i Info) Stamp(s keeper.Status) Stamped {
	return Stamped{Status: s, Version: i.Version, Commit: i.ShortCommit()}
}
