package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// loadWithin runs LoadConfig(path) and fails the test when it does not return within 5 s.
func loadWithin(t *testing.T, path string) hcl.Diagnostics {
	t.Helper()
	done := make(chan hcl.Diagnostics, 1)
	go func() {
		_, diags := LoadConfig(path)
		done <- diags
	}()
	select {
	case diags := <-done:
		return diags
	case <-time.After(5 * time.Second):
		t.Fatalf("LoadConfig(%s) still reading after 5s", path)
		return nil
	}
}

// TestLoadConfigReadsOnlyBoundedRegularFiles: the configuration and the files file() reads
// must be regular files under their size caps; a FIFO, /dev/zero, an oversized file and a
// nesting bomb are refused promptly with an error naming the file.
func TestLoadConfigReadsOnlyBoundedRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.hcl")
	if err := os.WriteFile(big, []byte(minimalHCL+strings.Repeat("# padding\n", 2<<20/10)), 0o600); err != nil {
		t.Fatal(err)
	}
	bigToken := filepath.Join(dir, "big.token")
	if err := os.WriteFile(bigToken, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	withToken := func(name, file string) string {
		return write(name, minimalHCL+"consul {\n  token = file(\""+file+"\")\n}\n")
	}
	const n = 10000
	for _, tc := range []struct {
		name, path, want string
	}{
		{"config FIFO", fifo, "not a regular file (a FIFO)"},
		{"config /dev/zero", "/dev/zero", "not a regular file (a character device)"},
		{"config 2 MiB", big, "is larger than 1048576 bytes"},
		{"config directory", dir, "is a directory"},
		{"file() FIFO", withToken("fifo.hcl", fifo), "keeper.hcl"},
		{"file() /dev/zero", withToken("zero.hcl", "/dev/zero"), "not a regular file (a character device)"},
		{"file() 2 MiB", withToken("bigtok.hcl", bigToken), "is larger than 65536 bytes"},
		{"nested tuple", write("deep.hcl", minimalHCL+"alerts {\n  digest = "+strings.Repeat("[", n)+strings.Repeat("]", n)+"\n}\n"), "Nested too deeply"},
		{"nested negation", write("neg.hcl", minimalHCL+"alerts {\n  min_peers = "+strings.Repeat("-", n)+"1\n}\n"), "Nested too deeply"},
	} {
		diags := loadWithin(t, tc.path)
		if !diags.HasErrors() {
			t.Errorf("%s: loaded", tc.name)
			continue
		}
		msg := diags.Error()
		want := tc.want
		if tc.name == "file() FIFO" {
			want = "not a regular file (a FIFO)"
		}
		if !strings.Contains(msg, want) {
			t.Errorf("%s: %s, want %q", tc.name, msg, want)
		}
		if strings.Contains(msg, "<nil>") {
			t.Errorf("%s: %s", tc.name, msg)
		}
		if strings.HasPrefix(tc.name, "nested") && !strings.HasPrefix(msg, tc.path+":") {
			t.Errorf("%s: %s, want the position in %s", tc.name, msg, tc.path)
		}
	}
}

// TestLoadConfigReadsProcFiles: a file that reports size 0 (as /proc files do) is read to its
// end, within the cap.
func TestLoadConfigReadsProcFiles(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	diags := loadWithin(t, "/proc/self/status")
	if !diags.HasErrors() || strings.Contains(diags.Error(), "Cannot read configuration") {
		t.Errorf("/proc/self/status: %v, want it read and refused as HCL", diags)
	}
}

// TestFormatDiagnosticWithoutPosition: a diagnostic without a position prints its text, not
// "<nil>".
func TestFormatDiagnosticWithoutPosition(t *testing.T) {
	got := formatDiagnostic(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read configuration", Detail: "x.hcl: gone."})
	if got != "Error: Cannot read configuration; x.hcl: gone." {
		t.Errorf("formatDiagnostic = %q", got)
	}
}
