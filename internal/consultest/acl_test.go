package consultest

import (
	"errors"
	"testing"

	"github.com/hashicorp/consul/api"
)

// TestWithACL: an agent started with WithACL refuses a request without a token and accepts
// one with the management token, which Server.Client sends.
func TestWithACL(t *testing.T) {
	const mgmt = "4d0f2f8a-6b4e-4c1e-9c43-1d2b7f5e6a01"
	s := Start(t, WithACL(mgmt))
	if s.Token != mgmt {
		t.Fatalf("Server.Token = %q", s.Token)
	}
	if _, err := s.Client().KV().Put(&api.KVPair{Key: "consultest/acl", Value: []byte("x")}, nil); err != nil {
		t.Fatalf("write with the management token: %v", err)
	}
	_, err := NewClientWithToken(t, s.HTTPAddr, "").KV().Put(&api.KVPair{Key: "consultest/acl", Value: []byte("y")}, nil)
	var se api.StatusError
	if !errors.As(err, &se) || se.Code != 403 {
		t.Fatalf("write without a token: err = %v, want a 403", err)
	}
}
