package hclconf

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("hunter2")
	type holder struct {
		Token Secret
		Map   map[string]Secret
	}
	h := holder{Token: s, Map: map[string]Secret{"a": s}}
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Token string
		Map   map[string]string
	}
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{s.String(), s.GoString(), fmt.Sprintf("%v %s %q %+v %#v", s, s, s, h, h), string(js), back.Token, back.Map["a"]} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("secret printed: %s", out)
		}
		if !strings.Contains(out, Redacted) && !strings.Contains(out, `\u003credacted\u003e`) {
			t.Errorf("no %s in %s", Redacted, out)
		}
	}
	if s.Reveal() != "hunter2" || !s.IsSet() {
		t.Error("Reveal lost the value")
	}
	if Secret("").String() != "" || Secret("").IsSet() {
		t.Error("an empty secret must print empty")
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Second: "15s", 30 * time.Minute: "30m", 90 * time.Second: "1m30s",
		2 * time.Hour: "2h", 150 * time.Minute: "2h30m", 500 * time.Millisecond: "500ms", 0: "0s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func eval(t *testing.T, ctx *hcl.EvalContext, src string) (string, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "t.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return "", diags
	}
	return v.AsString(), nil
}

func TestFunctions(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tok"), []byte("\n  abc \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := EvalContext(dir, func(k string) (string, bool) {
		v, ok := map[string]string{"SET": "value", "EMPTY": ""}[k]
		return v, ok
	})
	for _, tc := range []struct{ src, want, err string }{
		{`env("SET")`, "value", ""},
		{`env("SET", "d")`, "value", ""},
		{`env("UNSET", "d")`, "d", ""},
		{`env("EMPTY", "d")`, "d", ""},
		{`env("UNSET")`, "", `environment variable "UNSET" is not set`},
		{`env("A", "b", "c")`, "", "at most one default"},
		{`file("tok")`, "abc", ""},
		{`file("` + filepath.Join(dir, "tok") + `")`, "abc", ""},
		{`file("absent")`, "", "no such file or directory"},
		{`file("big")`, "", "larger than"},
		{`file(".")`, "", "is a directory"},
	} {
		got, diags := eval(t, ctx, tc.src)
		if tc.err == "" {
			if diags.HasErrors() || got != tc.want {
				t.Errorf("%s = %q (%v), want %q", tc.src, got, diags, tc.want)
			}
			continue
		}
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.err) {
			t.Errorf("%s: diagnostics %v, want one containing %q", tc.src, diags, tc.err)
		}
	}
}

type testInner struct {
	Wait  time.Duration `hcl:"wait,optional"`
	Label string        `hcl:"label,label"`
}

type testConfig struct {
	Name    string        `hcl:"name"`
	Timeout time.Duration `hcl:"timeout,optional"`
	Token   Secret        `hcl:"token,optional"`
	Count   int           `hcl:"count,optional"`
	One     *testInner    `hcl:"one,block"`
	Many    []*testInner  `hcl:"many,block"`
}

func decode(t *testing.T, src string) (*testConfig, *Decoder, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "k.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d := &Decoder{}
	var c testConfig
	diags = d.Decode(f.Body, "", &c)
	return &c, d, diags
}

func TestDecoderDurationsAndRanges(t *testing.T) {
	c, d, diags := decode(t, `name = "x"
timeout = " 1m30s "
token = "hunter2"
one "a" {
  wait = "500ms"
}
many "b" {
}
many "c" {
  wait = "2h"
}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if c.Timeout != 90*time.Second || c.One.Wait != 500*time.Millisecond || c.Many[1].Wait != 2*time.Hour || c.Many[0].Wait != 0 {
		t.Errorf("decoded %+v one %+v many %+v %+v", c, c.One, c.Many[0], c.Many[1])
	}
	for path, want := range map[string]string{
		"name": "k.hcl:1,8-11", "timeout": "k.hcl:2,11-20", "one": "k.hcl:4,1-8", "one.wait": "k.hcl:5,10-17",
		"many[0]": "k.hcl:7,1-9", "many[1]": "k.hcl:9,1-9", "many[1].wait": "k.hcl:10,10-14",
	} {
		if got := d.Ranges[path].String(); got != want {
			t.Errorf("range of %s = %s, want %s", path, got, want)
		}
	}
	if d.Ranges.Has("count") || d.Ranges.Has("many[0].wait") {
		t.Error("an absent attribute has a range")
	}
	if got := d.Ranges.Of("count", "many[1].wait", "name").String(); got != "k.hcl:10,10-14" {
		t.Errorf("Of picked %s", got)
	}
	out, err := MarshalIndent(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "name": "x",
  "timeout": "1m30s",
  "token": "<redacted>",
  "one": {
    "wait": "500ms"
  },
  "many": [
    {},
    {
      "wait": "2h"
    }
  ]
}`
	if string(out) != want {
		t.Errorf("MarshalIndent:\n%s\nwant\n%s", out, want)
	}
}

func TestDecoderDurationErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`timeout = "fast"`, `k.hcl:2,11-17: Invalid duration; "fast" is not a duration: write a number and a unit, such as "15s", "500ms" or "2m".`},
		{`timeout = "-1s"`, `k.hcl:2,11-16: Invalid duration; "-1s" is negative.`},
		{`timeout = 15`, `k.hcl:2,11-13: Invalid duration; "15" is not a duration`},
		{`timeout = ["1s"]`, `k.hcl:2,11-17: Invalid duration; A duration is a string`},
	} {
		_, _, diags := decode(t, "name = \"x\"\n"+tc.src+"\n")
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.src, diags, tc.want)
		}
		if len(diags) != 1 {
			t.Errorf("%s: %d diagnostics, want 1: %v", tc.src, len(diags), diags)
		}
	}
	c, d, diags := decode(t, "name = \"x\"\ntimeout = \"\"\n")
	if diags.HasErrors() || c.Timeout != 0 || d.Ranges.Has("timeout") {
		t.Errorf("an empty duration must count as absent: %v %s %v", diags, c.Timeout, d.Ranges)
	}
}
