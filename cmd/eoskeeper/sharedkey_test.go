package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

type alertRecorder struct{ got []notify.Alert }

func (r *alertRecorder) Notify(a notify.Alert) { r.got = append(r.got, a) }

func TestSharedFinalizerKeyAlert(t *testing.T) {
	srv := consultest.Start(t)
	kv := srv.Client().KV()
	put := func(node, key string) {
		b, _ := json.Marshal(keeper.Status{Node: node, FinalizerKey: key})
		if _, err := kv.Put(&api.KVPair{Key: "eoskeeper/eosstorebest/nodes/" + node, Value: b}, nil); err != nil {
			t.Fatal(err)
		}
	}
	rec := &alertRecorder{}
	c := &sharedKeyCheck{kv: kv, prefix: "eoskeeper/eosstorebest/nodes/", self: "b", sink: rec}
	own := keeper.Status{Node: "b", FinalizerKey: "PUB_BLS_b"}
	put("b", "PUB_BLS_b")
	put("a", "PUB_BLS_a")
	ctx := context.Background()
	if err := c.check(ctx, own); err != nil || len(rec.got) != 0 {
		t.Fatalf("distinct keys: err %v, alerts %+v; want none", err, rec.got)
	}
	put("c", "PUB_BLS_b")
	if err := c.check(ctx, own); err != nil || len(rec.got) != 1 || rec.got[0].State != notify.Fired ||
		!strings.Contains(rec.got[0].Message, "also configured on c") {
		t.Fatalf("shared key: err %v, alerts %+v; want one fired naming c", err, rec.got)
	}
	if err := c.check(ctx, own); err != nil || len(rec.got) != 1 {
		t.Fatalf("still shared: %d alerts, want no repeat", len(rec.got))
	}
	put("c", "PUB_BLS_c")
	if err := c.check(ctx, own); err != nil || len(rec.got) != 2 || rec.got[1].State != notify.Resolved {
		t.Fatalf("unshared: err %v, alerts %+v; want a resolved notice", err, rec.got)
	}
}
