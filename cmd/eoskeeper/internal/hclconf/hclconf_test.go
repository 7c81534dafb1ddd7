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

func TestDurationDiagnostics(t *testing.T) {
	rng := hcl.Range{Filename: "k.hcl", Start: hcl.Pos{Line: 3, Column: 5, Byte: 20}, End: hcl.Pos{Line: 3, Column: 10, Byte: 25}}
	var d time.Duration
	raw := ""
	if diags := Duration(&d, &raw, hcl.Range{}, 7*time.Second); diags.HasErrors() || d != 7*time.Second || raw != "7s" {
		t.Errorf("default: %s %q %v", d, raw, diags)
	}
	raw = " 1m30s "
	if diags := Duration(&d, &raw, rng, 0); diags.HasErrors() || d != 90*time.Second || raw != "1m30s" {
		t.Errorf("parse: %s %q %v", d, raw, diags)
	}
	raw = "fast"
	diags := Duration(&d, &raw, rng, 0)
	if !diags.HasErrors() || diags[0].Error() != `k.hcl:3,5-10: Invalid duration; "fast" is not a duration: write a number and a unit, such as "15s", "500ms" or "2m".` {
		t.Errorf("diagnostic %v", diags)
	}
}
