package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

func finalizerConfig(t *testing.T, url, block string, env map[string]string) *Config {
	t.Helper()
	src := strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  url = \""+url+"\"", 1) + block
	cfg, diags := parse(t, src, envOf(env))
	if diags.HasErrors() {
		t.Fatalf("config: %s", diags.Error())
	}
	return cfg
}

func TestFinalizerPushesSignedActfinkey(t *testing.T) {
	net := nodeostest.NewNetwork(nodeostest.Config{Producers: 4, BlockInterval: 10 * time.Millisecond,
		Finalizers: true, ActiveFinalizerKey: "PUB_BLS_a"})
	t.Cleanup(net.Close)
	nd := net.AddNode(nodeostest.NodeConfig{Name: "b", ProducerNode: true, FinalizerKey: "PUB_BLS_b"})
	if err := net.SetPermissionKey(net.Ours(), "finkey", "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"); err != nil {
		t.Fatal(err)
	}
	cfg := finalizerConfig(t, nd.URL, `
finalizer {
  key         = "PUB_BLS_b"
  permission  = "eosstorebest@finkey"
  private_key = env("FINKEY")
}
`, map[string]string{"FINKEY": "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"})
	nc, err := nodeos.NewClient(nodeos.Config{URL: nd.URL})
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFinalizer(cfg, nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Activate(context.Background()); err != nil {
		t.Fatalf("activate: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := net.WaitFor(ctx, func() bool { return net.ActiveFinalizerKey() == "PUB_BLS_b" }); err != nil {
		t.Fatalf("active key never became B's: %v (active %q)", err, net.ActiveFinalizerKey())
	}
	active, _, savanna, err := f.Keys(ctx)
	if err != nil || !savanna || len(active) != 1 || active[0] != "PUB_BLS_b" {
		t.Fatalf("Keys() = %v, savanna %t, %v; want [PUB_BLS_b]", active, savanna, err)
	}
}

func TestFinalizerCommandAndBadKey(t *testing.T) {
	out := filepath.Join(t.TempDir(), "key")
	cfg := finalizerConfig(t, "http://127.0.0.1:1", `
finalizer {
  key     = "PUB_BLS_b"
  command = ["sh", "-c", "echo $EOSKEEPER_FINALIZER_KEY > `+out+`"]
}
`, nil)
	f, err := newFinalizer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Activate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); strings.TrimSpace(string(b)) != "PUB_BLS_b" {
		t.Fatalf("command saw key %q, want PUB_BLS_b", b)
	}

	// A bad key is refused when the configuration is loaded, at the attribute, without the key.
	src := strings.Replace(minimalHCL, "nodeos {", "nodeos {\n  url = \"http://127.0.0.1:1\"", 1) + `
finalizer {
  key         = "PUB_BLS_b"
  permission  = "eosstorebest@finkey"
  private_key = env("FINKEY")
}
`
	_, diags := parse(t, src, envOf(map[string]string{"FINKEY": "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD4"}))
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "keeper.hcl:15,17-30: Invalid finalizer setting; finalizer private_key: eostx: invalid key: WIF private key: checksum mismatch") {
		t.Fatalf("a private key with a bad checksum: %v", diags)
	}
	if strings.Contains(diags.Error(), "5KQwrP") {
		t.Fatalf("error leaks the private key: %v", diags)
	}
	bad, _ := parseConfig("keeper.hcl", []byte(src), t.TempDir(), envOf(map[string]string{"FINKEY": "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD4"}), false)
	if _, err := newFinalizer(bad, nil); err == nil || strings.Contains(err.Error(), "5KQwrP") {
		t.Fatalf("newFinalizer on a bad key: %v", err)
	}
}

// TestFinalizerCommandGrandchildHoldsOutput: a finalizer command killed at its deadline while
// its child holds the output returns within the deadline plus keeper.CommandWaitDelay.
func TestFinalizerCommandGrandchildHoldsOutput(t *testing.T) {
	const deadline = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	err := finalizerCommand([]string{"sh", "-c", "sleep 30 & wait"})(ctx)
	if err == nil {
		t.Fatal("a finalizer command killed at its deadline reported success")
	}
	if took, limit := time.Since(start), deadline+keeper.CommandWaitDelay+time.Second; took > limit {
		t.Errorf("finalizer command returned after %s, want at most %s", took, limit)
	}
	if err := finalizerCommand([]string{"sh", "-c", `test "$K" = v`}, "K=v")(context.Background()); err != nil {
		t.Errorf("the command did not get its environment: %v", err)
	}
}
