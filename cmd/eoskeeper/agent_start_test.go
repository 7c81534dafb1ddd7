package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// TestAgentListenInUseIsFatal: an agent whose status address is taken stops at start with the
// listen error, instead of running without /metrics and /v1/producing.
func TestAgentListenInUseIsFatal(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	src := fmt.Sprintf(`
node {
  name = "f1"
  role = "F"
}
producer = "eosstorebest"
nodeos {
  url = "http://127.0.0.1:1"
}
consul {
  address  = "127.0.0.1:1"
  register = false
}
output "http" {
  listen = %q
}
`, taken.Addr().String())
	cfg, diags := ParseConfig("keeper.hcl", []byte(src), t.TempDir(), noEnv)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err = runAgent(ctx, "keeper.hcl", cfg, hclog.NewNullLogger())
	if err == nil || !strings.Contains(err.Error(), "listen "+taken.Addr().String()) {
		t.Fatalf("runAgent = %v, want the listen error for %s", err, taken.Addr())
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the listen error came after %s, not at start", took)
	}
}
