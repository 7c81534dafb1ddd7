package consultest

import (
	"testing"

	"github.com/hashicorp/consul/api"
)

func TestStartRestart(t *testing.T) {
	s := Start(t)
	kv := s.Client().KV()
	if _, err := kv.Put(&api.KVPair{Key: "consultest/probe", Value: []byte("1")}, nil); err != nil {
		t.Fatalf("put on a started agent: %v", err)
	}
	pair, _, err := kv.Get("consultest/probe", nil)
	if err != nil || pair == nil || string(pair.Value) != "1" {
		t.Fatalf("get = %v, %v; want value 1", pair, err)
	}

	s.Stop()
	if s.Running() {
		t.Fatal("agent still running after Stop")
	}
	if _, _, err := kv.Get("consultest/probe", nil); err == nil {
		t.Fatal("get on a stopped agent succeeded; want a connection error")
	}

	s.Restart()
	// A dev agent keeps its data in memory: it comes back empty.
	pair, _, err = s.Client().KV().Get("consultest/probe", nil)
	if err != nil || pair != nil {
		t.Fatalf("get after restart = %v, %v; want no key and no error", pair, err)
	}
}

func TestBinaryFromEnv(t *testing.T) {
	t.Setenv(EnvBinary, "/nonexistent/consul")
	if _, err := findBinary(); err == nil {
		t.Fatal("findBinary accepted a missing $EOSKEEPER_CONSUL")
	}
}
