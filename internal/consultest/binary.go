package consultest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvBinary names the environment variable that points at a consul binary.
const EnvBinary = "EOSKEEPER_CONSUL"

// EnvIntegration names the environment variable that, set to "required",
// turns a missing consul binary into a test failure instead of a skip.
const EnvIntegration = "EOSKEEPER_INTEGRATION"

// errNoBinary reports that no consul binary could be found.
var errNoBinary = errors.New("consultest: no consul binary")

// Binary returns the path of the consul binary the tests should run. When
// none is found it skips the test with the reason, or fails it when
// EOSKEEPER_INTEGRATION=required.
func Binary(t testing.TB) string {
	t.Helper()
	path, err := findBinary()
	if err == nil {
		return path
	}
	if os.Getenv(EnvIntegration) == "required" {
		t.Fatalf("%v (%s=required)", err, EnvIntegration)
	}
	t.Skipf("%v; run `make consul` or set %s", err, EnvBinary)
	return ""
}

// findBinary looks in $EOSKEEPER_CONSUL, <module root>/bin/consul and $PATH.
func findBinary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("%w: %s=%q is not an executable file", errNoBinary, EnvBinary, p)
	}
	if root, ok := moduleRoot(); ok {
		p := filepath.Join(root, "bin", "consul")
		if isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("consul"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: not in $%s, <module root>/bin/consul or $PATH", errNoBinary, EnvBinary)
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
