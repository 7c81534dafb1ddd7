package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// testFinKey is a well-formed K1 private key that signs nothing real.
const testFinKey = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"

// writeMode writes content to dir/name with exactly mode perm (whatever the umask).
func writeMode(t *testing.T, dir, name, content string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValidateWarnsSecretFileMode: a finalizer private key read with file() from a file its
// group or others can read is a warning of `eoskeeper validate` (and of the agent's start,
// which loads through the same loadForCommand) at the file() call, with the path, the mode
// and the chmod that fixes it, never the key; the same file at 0600 gives no warning.
func TestValidateWarnsSecretFileMode(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		warn string
	}{
		{0o644, "mode 0644 lets its group and every user on this host read it;"},
		{0o640, "mode 0640 lets its group read it; unless only the agent's user belongs to that group,"},
		{0o600, ""},
	} {
		dir := t.TempDir()
		keyPath := writeMode(t, dir, "finkey", testFinKey+"\n", tc.mode)
		src := minimalHCL + `
finalizer {
  key         = "PUB_BLS_b"
  permission  = "eosstorebest@finkey"
  private_key = file("finkey")
}
`
		path := writeMode(t, dir, "keeper.hcl", src, 0o600)
		for _, run := range []struct {
			name string
			f    func(UI) bool
		}{
			{"validate", func(ui UI) bool { return (&ValidateCommand{UI: ui}).Run([]string{"-config", path}) == 0 }},
			{"agent", func(ui UI) bool { _, ok := loadForCommand(ui, path); return ok }},
		} {
			ui := newTestUI()
			if !run.f(ui) {
				t.Fatalf("%s, mode %#o: refused:\n%s", run.name, tc.mode, ui.ErrorWriter.String())
			}
			stderr := ui.ErrorWriter.String()
			if strings.Contains(stderr+ui.OutputWriter.String(), testFinKey) {
				t.Errorf("%s, mode %#o: the private key was printed:\n%s", run.name, tc.mode, stderr)
			}
			if tc.warn == "" {
				if strings.Contains(stderr, "Secret file") {
					t.Errorf("%s, mode 0600: warned:\n%s", run.name, stderr)
				}
				continue
			}
			want := "Warning: " + path + ":14,17-31: Secret file readable by others; file(\"finkey\") reads " + keyPath +
				", whose " + tc.warn + " run \"chmod 600 " + keyPath + "\""
			if !strings.Contains(stderr, want) {
				t.Errorf("%s, mode %#o: stderr:\n%s\nwant it to contain:\n%s", run.name, tc.mode, stderr, want)
			}
		}
	}
}

// TestConsulSecretFileModeWarning: a consul.token_file or consul.tls.key_file its group or
// others can read is logged at WARN when the agent builds its Consul client, naming the path,
// the mode and the chmod, never the token; a 0600 file is not.
func TestConsulSecretFileModeWarning(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o604, 0o600} {
		dir := t.TempDir()
		tokenPath := writeMode(t, dir, "token", "t0k3n-secret\n", mode)
		var logs bytes.Buffer
		cfg := &Config{Consul: &ConsulConfig{Address: "127.0.0.1:1", TokenFile: tokenPath}}
		if _, _, err := newConsulClient(cfg, hclog.New(&hclog.LoggerOptions{Output: &logs})); err != nil {
			t.Fatal(err)
		}
		out := logs.String()
		if strings.Contains(out, "t0k3n-secret") {
			t.Errorf("mode %#o: the token was logged:\n%s", mode, out)
		}
		warned := strings.Contains(out, "[WARN]") && strings.Contains(out, "consul.token_file is readable by other users") &&
			strings.Contains(out, "path="+tokenPath) && strings.Contains(out, `"chmod 600 `+tokenPath+`"`)
		if want := mode != 0o600; warned != want {
			t.Errorf("mode %#o: warned %t, want %t:\n%s", mode, warned, want, out)
		}
	}

	// The client key: the warning comes before the client loads the (here unusable) pair.
	dir := t.TempDir()
	keyPath := writeMode(t, dir, "client.key", "not a key", 0o644)
	certPath := writeMode(t, dir, "client.crt", "not a certificate", 0o644)
	var logs bytes.Buffer
	cfg := &Config{Consul: &ConsulConfig{Address: "127.0.0.1:1", TLS: &TLSConfig{CertFile: certPath, KeyFile: keyPath}}}
	newConsulClient(cfg, hclog.New(&hclog.LoggerOptions{Output: &logs}))
	if out := logs.String(); !strings.Contains(out, "[WARN]") || !strings.Contains(out, "consul.tls.key_file is readable by other users") ||
		!strings.Contains(out, "mode=0644") || strings.Contains(out, "consul.tls.cert_file") {
		t.Errorf("a 0644 client key:\n%s", out)
	}
}
