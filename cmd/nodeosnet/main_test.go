package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

func TestNodeFlags(t *testing.T) {
	var f nodeFlags
	if err := f.Set("a,producer,127.0.0.1:8801"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("f,full,127.0.0.1:8804"); err != nil {
		t.Fatal(err)
	}
	if len(f) != 2 || f[0].Name != "a" || !f[0].ProducerNode || f[1].ProducerNode || f[1].Addr != "127.0.0.1:8804" {
		t.Fatalf("parsed %+v", f)
	}
	for _, bad := range []string{"a,producer", "a,signer,127.0.0.1:1", ",full,127.0.0.1:1", "a,full,nohost"} {
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) succeeded", bad)
		}
	}
}

func TestCtlKillsNode(t *testing.T) {
	n := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 2, BlockInterval: 20 * time.Millisecond})
	t.Cleanup(n.Close)
	a := n.AddNode(nodeostest.NodeConfig{Name: "a", ProducerNode: true})
	n.Start()
	srv := httptest.NewServer(n.ControlHandler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	if err := run([]string{"ctl", "-control", addr, "kill", "a"}); err != nil {
		t.Fatal(err)
	}
	if a.Status().Alive {
		t.Fatal("node a still alive after ctl kill")
	}
	if err := run([]string{"ctl", "-control", addr, "kill", "nosuch"}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("ctl on an unknown node: %v, want a 404 error", err)
	}
	if err := run([]string{"ctl", "kill", "a"}); err == nil {
		t.Fatal("ctl without -control succeeded")
	}
}
