package influx

import (
	"testing"
	"time"
)

func TestPointLine(t *testing.T) {
	ts := time.Unix(1700000000, 0)
	for _, tc := range []struct {
		name string
		p    Point
		want string
	}{
		{"types", Point{Measurement: "m", Fields: []Field{{"i", 5}, {"i64", int64(-3)}, {"u", uint32(7)}, {"f", 1.5}, {"b", true}, {"s", "x"}}, Time: ts},
			`m i=5i,i64=-3i,u=7i,f=1.5,b=true,s="x" 1700000000`},
		{"tags sorted, empty dropped", Point{Measurement: "m", Tags: map[string]string{"z": "1", "a": "2", "e": ""}, Fields: []Field{{"v", 1}}, Time: ts},
			`m,a=2,z=1 v=1i 1700000000`},
		{"measurement escaping", Point{Measurement: "my meas,x=y", Fields: []Field{{"v", 1}}},
			`my\ meas\,x=y v=1i`},
		{"tag escaping", Point{Measurement: "m", Tags: map[string]string{"ho st": "a,b=c d"}, Fields: []Field{{"v", 1}}},
			`m,ho\ st=a\,b\=c\ d v=1i`},
		{"field key escaping", Point{Measurement: "m", Fields: []Field{{"a b,c=d", 1}}},
			`m a\ b\,c\=d=1i`},
		{"string escaping", Point{Measurement: "m", Fields: []Field{{"s", `say "hi" \ bye\`}}},
			`m s="say \"hi\" \\ bye\\"`},
		{"line breaks", Point{Measurement: "m", Tags: map[string]string{"t": "a\nb"}, Fields: []Field{{"s", "one\ntwo"}}},
			`m,t=a\ b s="one two"`},
		{"utf-8", Point{Measurement: "eosbpinfo", Fields: []Field{{"lpbt", "10秒前"}, {"paused", "是"}}},
			`eosbpinfo lpbt="10秒前",paused="是"`},
		{"unsupported field skipped", Point{Measurement: "m", Fields: []Field{{"x", struct{}{}}, {"v", 1}}},
			`m v=1i`},
		{"no fields", Point{Measurement: "m", Fields: []Field{{"x", nil}}}, ``},
		{"no measurement", Point{Fields: []Field{{"v", 1}}}, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Line(); got != tc.want {
				t.Errorf("Line() =\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}
