package buildinfo

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func TestFromBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/eoskeeper/eoskeeper", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-04T14:28:19Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	devel := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		override Info
		want     string
	}{
		{"stamped", stamped, Info{}, "v0.3.0 (commit 0123456789ab+dirty, 2026-12-04T14:28:19Z) go1.26.8"},
		{"overridden", stamped, Info{Version: "1.2.3", Commit: "abc", Date: "2027-01-01T00:00:00Z"}, "1.2.3 (commit abc, 2027-01-01T00:00:00Z) go1.26.8"},
		{"version only", stamped, Info{Version: "1.2.3"}, "1.2.3 (commit 0123456789ab+dirty, 2026-12-04T14:28:19Z) go1.26.8"},
		{"devel", devel, Info{}, "dev go1.26.8"},
		{"none", nil, Info{GoVersion: "go1.0"}, "dev go1.0"},
	} {
		if got := FromBuildInfo(tc.bi, tc.override).String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestStampJSON: a stamped status is the status's JSON object plus version and commit, and
// still decodes as a keeper.Status.
func TestStampJSON(t *testing.T) {
	st := keeper.Status{Node: "a", State: keeper.Leader, Head: 7}
	b, err := json.Marshal(Info{Version: "v1", Commit: "0123456789abcdef"}.Stamp(st))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"version":"v1","commit":"0123456789ab"`) || !strings.HasPrefix(string(b), `{"node":"a"`) {
		t.Errorf("JSON %s", b)
	}
	var back keeper.Status
	if err := json.Unmarshal(b, &back); err != nil || back.Node != "a" || back.Head != 7 || back.State != keeper.Leader {
		t.Errorf("decoded as a keeper.Status: %+v (%v)", back, err)
	}
}
