package nodeostest

import (
	"strings"
	"testing"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

func TestLogFormats(t *testing.T) {
	all := LogFormats()
	if len(all) != len(nodeosfmt.Versions) {
		t.Fatalf("LogFormats() = %v, want one per release (%d)", all, len(nodeosfmt.Versions))
	}
	for f, name := range map[LogFormat]string{Spring: "spring", Leap5: "leap5", EOSIO2: "eosio2"} {
		if f.String() != name || f.version() != nodeosfmt.Versions[f] {
			t.Errorf("LogFormat %d is %q, want %q", f, f, name)
		}
	}
	if LogFormat(len(all)).String() != "spring" || LogFormat(-1).String() != "spring" {
		t.Errorf("an unknown LogFormat does not fall back to Spring")
	}
}

// TestConnectionsEveryMember checks that each release's /v1/net/connections entries have every
// member the release lists, in its order, each with a value.
func TestConnectionsEveryMember(t *testing.T) {
	for _, f := range LogFormats() {
		t.Run(f.String(), func(t *testing.T) {
			_, nodes := manualNet(t, Config{Producers: 2, LogFormat: f}, NodeConfig{Name: "A", Peers: 1})
			status, body := post(t, nodes[0].URL+"/v1/net/connections", "")
			if status != 201 || strings.Contains(body, "null") {
				t.Fatalf("connections = %d %s", status, body)
			}
			v := f.version()
			at := 0
			for _, name := range append(append([]string{}, v.Connection[:len(v.Connection)-1]...), append([]string{"last_handshake"}, v.Handshake...)...) {
				i := strings.Index(body[at:], `"`+name+`":`)
				if i < 0 {
					t.Fatalf("member %q missing or out of order in %s", name, body)
				}
				at += i
			}
			if got, want := strings.Count(body, `":`), len(v.Connection)+len(v.Handshake); got != want {
				t.Errorf("%d members, want %d: %s", got, want, body)
			}
		})
	}
}
