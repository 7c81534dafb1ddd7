package hclconf

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// decodeIn decodes src with file() reading from dir.
func decodeIn(t *testing.T, dir, src string) (*testConfig, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "k.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d := &Decoder{Ctx: EvalContext(dir, func(string) (string, bool) { return "", false })}
	var c testConfig
	diags = d.Decode(f.Body, "", &c)
	return &c, diags
}

// writeSecret writes content to dir/name with exactly mode perm (whatever the umask).
func writeSecret(t *testing.T, dir, name, content string, perm os.FileMode) string {
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

func warnings(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			out = append(out, d)
		}
	}
	return out
}

// TestFileReadableByOthers: file() on a secret its group or others can read decodes, with a
// warning at the call naming the path, the mode and the chmod; a 0600 file gives none. The
// contents are never in the warning.
func TestFileReadableByOthers(t *testing.T) {
	dir := t.TempDir()
	open := writeSecret(t, dir, "open", "s3cret-open\n", 0o644)
	group := writeSecret(t, dir, "group", "s3cret-group", 0o640)
	writeSecret(t, dir, "closed", "s3cret-closed", 0o600)
	writeSecret(t, dir, "world", "10s", 0o604)

	for _, tc := range []struct {
		name, src, token, want string
	}{
		{"0600", `token = file("closed")`, "s3cret-closed", ""},
		{"0644", `token = file("open")`, "s3cret-open",
			`k.hcl:2,9-21: Secret file readable by others; file("open") reads ` + open + `, whose mode 0644 lets its group and every user on this host read it; run "chmod 600 ` + open + `" (or "chmod 640" with a group that only the agent's user belongs to).`},
		{"0640", `token = file("group")`, "s3cret-group",
			`k.hcl:2,9-22: Secret file readable by others; file("group") reads ` + group + `, whose mode 0640 lets its group read it; unless only the agent's user belongs to that group, run "chmod 600 ` + group + `"`},
		{"the loose call of two", `token = "${file("closed")}:${file("open")}"`, "s3cret-closed:s3cret-open",
			`k.hcl:2,30-42: Secret file readable by others; file("open") reads ` + open},
		{"an absolute path", `token = file("` + open + `")`, "s3cret-open",
			`k.hcl:2,9-` + strconv.Itoa(17+len(open)) + `: Secret file readable by others; file("` + open + `") reads ` + open + `, whose mode 0644`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, diags := decodeIn(t, dir, "name = \"x\"\n"+tc.src+"\n")
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if c.Token.Reveal() != tc.token {
				t.Errorf("token = %q, want %q", c.Token.Reveal(), tc.token)
			}
			w := warnings(diags)
			if tc.want == "" {
				if len(w) != 0 {
					t.Errorf("warnings for a 0600 file: %v", w)
				}
				return
			}
			if len(w) != 1 || !strings.HasPrefix(w[0].Error(), tc.want) {
				t.Fatalf("warnings %v, want one starting %q", w, tc.want)
			}
			if strings.Contains(w[0].Error(), "s3cret") {
				t.Errorf("the warning shows the file's contents: %v", w[0])
			}
		})
	}

	// A duration read from a file others can read: the warning survives the duration's
	// conversion, and so does the value.
	c, diags := decodeIn(t, dir, "name = \"x\"\ntimeout = file(\"world\")\n")
	if diags.HasErrors() || c.Timeout != 10*time.Second {
		t.Fatalf("timeout = %s, %v", c.Timeout, diags)
	}
	if w := warnings(diags); len(w) != 1 || !strings.Contains(w[0].Error(), "mode 0604 lets every user on this host read it") {
		t.Errorf("warnings %v", w)
	}
}

func TestReadableByOthers(t *testing.T) {
	for m, want := range map[os.FileMode]bool{
		0o600: false, 0o400: false, 0o700: false, 0o620: false, 0o602: false,
		0o640: true, 0o604: true, 0o644: true, 0o444: true, 0o755: true,
	} {
		if got := ReadableByOthers(m); got != want {
			t.Errorf("ReadableByOthers(%#o) = %t, want %t", m, got, want)
		}
	}
}
