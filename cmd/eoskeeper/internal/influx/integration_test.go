package influx

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/influxtest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// TestRealInfluxDB1 writes the seed's tables to a real InfluxDB 1.x and reads them back.
func TestRealInfluxDB1(t *testing.T) {
	srv := influxtest.Start(t)
	srv.CreateDatabase(t, "eosmonitor")

	w, err := New(Config{URL: srv.URL, Database: "eosmonitor", Batch: 3, FlushInterval: 50 * time.Millisecond, RetryInitial: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)

	now := time.Unix(1700000000, 0)
	w.Publish(keeper.Status{Node: "bp-a", Role: keeper.RoleA, Time: now, State: keeper.Leader, Reachable: true,
		Head: 123456, LIB: 123120, Peers: 17, PausedKnown: true, Producing: true, LastProducedAt: now.Add(-10 * time.Second)})
	w.Publish(keeper.Status{Node: "bp-b", Role: keeper.RoleB, Time: now, State: keeper.Standby, Reachable: true,
		Head: 123455, LIB: 123120, Peers: 4, Paused: true, PausedKnown: true, HealthProblems: []string{"peers 4<5"}})
	w.Publish(keeper.Status{Node: "fn 1,x=y", Role: keeper.RoleF, Time: now, State: keeper.Watching, Reachable: true,
		Head: 123450, LIB: 123100, Peers: 30})
	// A point whose strings need every kind of escaping.
	w.Write(Point{Measurement: "escape test", Tags: map[string]string{"host": `a b,c=d\e`}, Time: now,
		Fields: []Field{{"s", "quote \" backslash \\ end\\"}, {"k v", 1}}})
	waitFor(t, "all points written", func() bool { return w.Stats().Written == 4 })

	bp := srv.Query(t, "eosmonitor", `SELECT hbn, lib, linkn, lpbt, lpbt_s, paused, info FROM eosbpinfo GROUP BY host`)
	if len(bp) != 2 {
		t.Fatalf("eosbpinfo: %d series, want 2 (bp-a, bp-b): %+v", len(bp), bp)
	}
	rows := map[string]map[string]any{}
	for _, s := range bp {
		r := s.Rows()
		if len(r) != 1 {
			t.Fatalf("host %s: %d rows", s.Tags["host"], len(r))
		}
		rows[s.Tags["host"]] = r[0]
	}
	checkRow(t, "bp-a", rows["bp-a"], map[string]any{"time": "1700000000", "hbn": "123456", "lib": "123120", "linkn": "17",
		"lpbt": "10秒前", "lpbt_s": "10", "paused": "否", "info": "leader producing"})
	checkRow(t, "bp-b", rows["bp-b"], map[string]any{"hbn": "123455", "linkn": "4", "lpbt": "无", "lpbt_s": nil,
		"paused": "是", "info": "standby: peers 4<5"})

	fn := srv.Query(t, "eosmonitor", `SELECT * FROM eosfninfo`)
	if len(fn) != 1 || len(fn[0].Rows()) != 1 {
		t.Fatalf("eosfninfo: %+v", fn)
	}
	checkRow(t, "fn", fn[0].Rows()[0], map[string]any{"host": "fn 1,x=y", "hbn": "123450", "lib": "123100", "linkn": "30", "info": "watching"})

	// Field types as InfluxDB stored them: integers for the numbers (the seed's schema).
	keys := srv.Query(t, "eosmonitor", `SHOW FIELD KEYS FROM eosbpinfo`)
	types := map[string]any{}
	for _, r := range keys[0].Rows() {
		types[r["fieldKey"].(string)] = r["fieldType"]
	}
	checkRow(t, "field types", types, map[string]any{"hbn": "integer", "lib": "integer", "linkn": "integer", "lpbt": "string",
		"lpbt_s": "integer", "paused": "string", "info": "string"})

	esc := srv.Query(t, "eosmonitor", `SELECT * FROM "escape test"`)
	if len(esc) != 1 {
		t.Fatalf("escape test: %+v", esc)
	}
	checkRow(t, "escaping", esc[0].Rows()[0], map[string]any{"host": `a b,c=d\e`, "s": "quote \" backslash \\ end\\", "k v": "1"})
}

// TestRealInfluxDB1Errors: a missing database is a permanent error (dropped, not retried),
// and a stopped server keeps points buffered and counts the failures.
func TestRealInfluxDB1Errors(t *testing.T) {
	srv := influxtest.Start(t)
	w, err := New(Config{URL: srv.URL, Database: "absent", Batch: 1, FlushInterval: time.Hour, RetryInitial: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	w.Write(point(1))
	waitFor(t, "rejection of a write to a missing database", func() bool { return w.Stats().Rejected == 1 })

	srv.CreateDatabase(t, "absent")
	srv.Stop()
	w.Write(point(2))
	waitFor(t, "failures while InfluxDB is down", func() bool { return w.Stats().Failures >= 3 })
	if s := w.Stats(); s.Buffered != 1 || s.Written != 0 {
		t.Errorf("stats while down %+v, want the point kept", s)
	}
}

func checkRow(t *testing.T, name string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g := got[k]
		if n, ok := g.(json.Number); ok {
			g = n.String()
		}
		if g != w {
			t.Errorf("%s: %s = %v (%T), want %v", name, k, got[k], got[k], w)
		}
	}
}
