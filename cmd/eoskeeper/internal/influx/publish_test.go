package influx

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/eoskeeper/eoskeeper/keeper"
)

func TestStatusPoint(t *testing.T) {
	now := time.Unix(1700000000, 0)
	bp := keeper.Status{
		Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Leader, Reachable: true,
		Head: 1000, LIB: 700, Peers: 12, Paused: false, PausedKnown: true,
		Producing: true, LastProducedAt: now.Add(-10 * time.Second),
	}
	fn := keeper.Status{Node: "fn-1", Role: keeper.RoleF, Time: now, State: keeper.Watching, Reachable: true, Head: 999, LIB: 690, Peers: 3,
		HealthProblems: []string{"peers 3<5"}}
	for _, tc := range []struct {
		name string
		s    keeper.Status
		want string
	}{
		{"leader", bp, `eosbpinfo,host=bp-a hbn=1000i,lib=700i,linkn=12i,lpbt="10秒前",lpbt_s=10i,paused="否",info="leader producing" 1700000000`},
		{"full node", fn, `eosfninfo,host=fn-1 hbn=999i,lib=690i,linkn=3i,info="watching: peers 3<5" 1700000000`},
		{"standby never produced", keeper.Status{Node: "bp-b", Role: keeper.RoleB, Time: now, State: keeper.Standby, Reachable: true, Paused: true, PausedKnown: true},
			`eosbpinfo,host=bp-b hbn=0i,lib=0i,linkn=0i,lpbt="无",paused="是",info="standby" 1700000000`},
		{"unreachable", keeper.Status{Node: "bp-c", Role: keeper.RoleC, Time: now, State: keeper.Fencing, StateReason: "lock lost"},
			`eosbpinfo,host=bp-c hbn=0i,lib=0i,linkn=0i,lpbt="无",paused="未知",info="fencing: nodeos unreachable" 1700000000`},
		{"reason shown", keeper.Status{Node: "bp-c", Role: keeper.RoleC, Time: now, State: keeper.Fencing, StateReason: "lock lost", Reachable: true, PausedKnown: true},
			`eosbpinfo,host=bp-c hbn=0i,lib=0i,linkn=0i,lpbt="无",paused="否",info="fencing: lock lost" 1700000000`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StatusPoint(tc.s).Line(); got != tc.want {
				t.Errorf("got\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}

func TestInfoTruncated(t *testing.T) {
	s := keeper.Status{State: keeper.Standby, Reachable: true, HealthProblems: []string{
		strings.Repeat("头块停滞", 10), strings.Repeat("x", 50)}}
	got := Info(s)
	if n := utf8.RuneCountInString(got); n != MaxInfo {
		t.Errorf("info has %d characters, want %d: %q", n, MaxInfo, got)
	}
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "standby: 头块停滞") {
		t.Errorf("info = %q", got)
	}
}
