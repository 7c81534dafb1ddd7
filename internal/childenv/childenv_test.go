package childenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func lookupIn(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestBuild(t *testing.T) {
	agent := map[string]string{
		"PATH":               "/opt/bin:/usr/bin",
		"HOME":               "/var/lib/eoskeeper",
		"LANG":               "C.UTF-8",
		"TZ":                 "Asia/Shanghai",
		"FINKEY_PRIVATE_KEY": "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3",
		"CONSUL_HTTP_TOKEN":  "token",
		"USER":               "eoskeeper",
	}
	for _, tc := range []struct {
		name  string
		agent map[string]string
		extra []string
		want  []string
	}{
		{"inherits the named variables only", agent, nil,
			[]string{"PATH=/opt/bin:/usr/bin", "HOME=/var/lib/eoskeeper", "LANG=C.UTF-8", "TZ=Asia/Shanghai"}},
		{"extra entries follow", agent, []string{"EOSKEEPER_PRODUCER=eosstorebest", "A=1"},
			[]string{"PATH=/opt/bin:/usr/bin", "HOME=/var/lib/eoskeeper", "LANG=C.UTF-8", "TZ=Asia/Shanghai", "EOSKEEPER_PRODUCER=eosstorebest", "A=1"}},
		{"an extra entry replaces an inherited one and an earlier extra", agent, []string{"LANG=en_US.UTF-8", "A=1", "A=2"},
			[]string{"PATH=/opt/bin:/usr/bin", "HOME=/var/lib/eoskeeper", "LANG=en_US.UTF-8", "TZ=Asia/Shanghai", "A=2"}},
		{"no PATH gives the default", map[string]string{}, nil, []string{"PATH=" + DefaultPath}},
		{"an empty PATH gives the default", map[string]string{"PATH": "", "LC_ALL": ""}, nil, []string{"PATH=" + DefaultPath, "LC_ALL="}},
		{"an explicitly passed variable of the agent's goes through", agent, []string{"CONSUL_HTTP_TOKEN=t2"},
			[]string{"PATH=/opt/bin:/usr/bin", "HOME=/var/lib/eoskeeper", "LANG=C.UTF-8", "TZ=Asia/Shanghai", "CONSUL_HTTP_TOKEN=t2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := build(lookupIn(tc.agent), tc.extra)
			if !slices.Equal(got, tc.want) {
				t.Errorf("build = %q\nwant    %q", got, tc.want)
			}
		})
	}
}

// TestChildSeesNoSecret runs a real child with Env and reads back its whole environment.
func TestChildSeesNoSecret(t *testing.T) {
	const secret = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
	t.Setenv("FINKEY_PRIVATE_KEY", secret)
	t.Setenv("HOME", "/home/test")
	out := filepath.Join(t.TempDir(), "env")
	cmd := exec.Command("/bin/sh", "-c", `env > "$1"`, "sh", out)
	cmd.Env = Env("EOSKEEPER_PRODUCER=eosstorebest")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := string(b)
	if strings.Contains(env, secret) || strings.Contains(env, "FINKEY_PRIVATE_KEY") {
		t.Errorf("the child saw the agent's secret:\n%s", env)
	}
	for _, want := range []string{"EOSKEEPER_PRODUCER=eosstorebest\n", "HOME=/home/test\n", "PATH="} {
		if !strings.Contains(env, want) {
			t.Errorf("the child's environment lacks %q:\n%s", want, env)
		}
	}
}
