package consulreg

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// TestProducingCheckSkipsVerifyOnlyWhenAsked: the registration carries the flag to the
// producing check, and only there.
func TestProducingCheckSkipsVerifyOnlyWhenAsked(t *testing.T) {
	for _, skip := range []bool{false, true} {
		reg, err := New(Config{Client: &api.Client{}, Node: "bp-a", Role: keeper.RoleA,
			ProducingURL: "https://127.0.0.1:9273/v1/producing", ProducingTLSSkipVerify: skip})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range reg.registration().Checks {
			if c.CheckID == reg.ProducingCheckID() {
				found = true
				if c.TLSSkipVerify != skip || c.HTTP != "https://127.0.0.1:9273/v1/producing" {
					t.Errorf("skip %t: producing check %+v", skip, c)
				}
			} else if c.TLSSkipVerify {
				t.Errorf("check %s skips TLS verification", c.CheckID)
			}
		}
		if !found {
			t.Errorf("skip %t: no producing check", skip)
		}
	}
}

// TestProducingCheckOverTLS: a real Consul agent's HTTP check reads a role endpoint served
// with a self-signed certificate when the registration skips verification, and finds it
// critical when it does not.
func TestProducingCheckOverTLS(t *testing.T) {
	srv := consultest.Start(t)
	client := srv.Client()
	role := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer role.Close()

	for _, tc := range []struct {
		node, status string
		skip         bool
	}{
		{"bp-a", Warning, true},
		{"bp-b", Critical, false},
	} {
		reg, err := New(Config{Client: client, Node: tc.node, Role: keeper.RoleA, ProducingURL: role.URL + "/v1/producing",
			ProducingTLSSkipVerify: tc.skip, CheckInterval: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := reg.Register(context.Background()); err != nil {
			t.Fatal(err)
		}
		out := ""
		if !tc.skip {
			out = "certificate"
		}
		waitFor(t, tc.node+" producing check "+tc.status, checkStatus(client, reg.ProducingCheckID(), tc.status, out))
	}
}
