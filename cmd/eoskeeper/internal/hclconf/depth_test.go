package hclconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
)

func TestCheckDepthRefusesDeepNesting(t *testing.T) {
	const n = 10000
	for name, src := range map[string]string{
		"tuple":       "a = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n",
		"parens":      "a = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "\n",
		"object":      "a = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n) + "\n",
		"blocks":      strings.Repeat("b {\n", n) + strings.Repeat("}\n", n),
		"calls":       "a = " + strings.Repeat("env(", n) + `"X"` + strings.Repeat(")", n) + "\n",
		"interp":      "a = " + strings.Repeat(`"${`, n) + "1" + strings.Repeat(`}"`, n) + "\n",
		"not":         "a = " + strings.Repeat("!", n) + "true\n",
		"negate":      "a = " + strings.Repeat("-", n) + "1\n",
		"negate-sp":   "a = " + strings.Repeat("- ", n) + "1\n",
		"conditional": "a = " + strings.Repeat("true ? 1 : ", n) + "2\n",
		"cond-lines":  "a = (" + strings.Repeat("true ? 1 :\n", n) + "2)\n",
		"directives":  "a = \"" + strings.Repeat("%{if true}", n) + "x" + strings.Repeat("%{endif}", n) + "\"\n",
		"for":         "a = " + strings.Repeat("[for x in ", n) + "[]" + strings.Repeat(": x]", n) + "\n",
	} {
		diags := CheckDepth([]byte("node {}\n"+src), "k.hcl", MaxDepth)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), "Nested too deeply") || !strings.HasPrefix(diags.Error(), "k.hcl:") {
			t.Errorf("%s: %v, want a depth error at k.hcl:line", name, diags)
		}
	}
}

func TestCheckDepthAcceptsOrdinaryFiles(t *testing.T) {
	deep := func(n int) string { return "a = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }
	for name, src := range map[string]string{
		"at-limit":    deep(MaxDepth),
		"sums":        "a = 1" + strings.Repeat(" - 1", 1000) + "\n",
		"many-conds":  strings.Repeat("a = true ? 1 : 2\n", 1000),
		"list-conds":  "a = [" + strings.Repeat("true ? 1 : 2, ", 1000) + "]\n",
		"many-nots":   "a = " + strings.Repeat("!x && ", 1000) + "y\n",
		"negatives":   "a = [" + strings.Repeat("-1, ", 1000) + "]\n",
		"directives":  "a = \"" + strings.Repeat("%{if true}x%{endif}", 1000) + "\"\n",
		"strip":       "a = <<EOT\n" + strings.Repeat("%{~ if true ~}x%{~ endif ~}\n", 1000) + "EOT\n",
		"blocks-seq":  strings.Repeat("b {\n c {\n  d = 1\n }\n}\n", 1000),
		"comment-neg": "a = 1 # - - -\nb = -1\n",
	} {
		if diags := CheckDepth([]byte(src), "k.hcl", MaxDepth); diags.HasErrors() {
			t.Errorf("%s: %v", name, diags)
		}
	}
	if diags := CheckDepth([]byte(deep(MaxDepth+1)), "k.hcl", MaxDepth); !diags.HasErrors() {
		t.Error("one level past the limit was accepted")
	}
	matches, _ := filepath.Glob("../../../../examples/*/*.hcl")
	more, _ := filepath.Glob("../../../../examples/*.hcl")
	for _, p := range append(matches, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, d := hclparse.NewParser().ParseHCL(src, p); d.HasErrors() {
			continue
		}
		if diags := CheckDepth(src, p, MaxDepth); diags.HasErrors() {
			t.Errorf("%s: %v", p, diags)
		}
	}
}
