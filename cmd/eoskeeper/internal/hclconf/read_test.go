package hclconf

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(ok, 3); err != nil || string(b) != "abc" {
		t.Errorf("ReadFile(ok, 3) = %q, %v", b, err)
	}
	for _, tc := range []struct {
		path  string
		limit int64
		want  string
	}{
		{ok, 2, "is larger than 2 bytes"},
		{fifo, 10, "not a regular file (a FIFO)"},
		{"/dev/zero", 10, "not a regular file (a character device)"},
		{dir, 10, "is a directory"},
		{filepath.Join(dir, "absent"), 10, "no such file or directory"},
	} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(tc.path, tc.limit); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("ReadFile(%s) = %v, want an error naming the path with %q", tc.path, err, tc.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("ReadFile(%s) blocked", tc.path)
		}
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		b, err := ReadFile("/proc/self/status", 1<<20)
		if err != nil || !strings.Contains(string(b), "Pid:") {
			t.Errorf("a /proc file (size 0) was not read to its end: %v", err)
		}
		if _, err := ReadFile("/proc/self/status", 16); err == nil || !strings.Contains(err.Error(), "larger than 16") {
			t.Errorf("a /proc file past the limit: %v", err)
		}
	}
}
