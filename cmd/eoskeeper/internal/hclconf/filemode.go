package hclconf

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// secretModeMask are the permission bits that let a user other than the file's owner read it:
// group read and other read. A file that holds a secret should have none of them, as ssh
// demands of a private key.
const secretModeMask os.FileMode = 0o044

// ReadableByOthers reports whether a file of mode m, meant to hold a secret, can be read by
// its group or by every user (mode & 0o044).
func ReadableByOthers(m os.FileMode) bool { return m.Perm()&secretModeMask != 0 }

// SecretModeAdvice says who besides the owner can read the secret file at path, of mode m,
// and how to stop it, e.g. `mode 0644 lets its group and every user on this host read it;
// run "chmod 600 /etc/eoskeeper/token" (or "chmod 640" with a group that only the agent's
// user belongs to)`. It names the path and the mode, never the contents.
func SecretModeAdvice(path string, m os.FileMode) string {
	p := m.Perm()
	switch {
	case p&0o004 == 0:
		return fmt.Sprintf("mode %#o lets its group read it; unless only the agent's user belongs to that group, run \"chmod 600 %s\"", p, path)
	case p&0o040 != 0:
		return fmt.Sprintf("mode %#o lets its group and every user on this host read it; run \"chmod 600 %s\" (or \"chmod 640\" with a group that only the agent's user belongs to)", p, path)
	}
	return fmt.Sprintf("mode %#o lets every user on this host read it; run \"chmod 600 %s\" (or \"chmod 640\" with a group that only the agent's user belongs to)", p, path)
}

// looseFile marks a value that file() read from a file its group or others can read. Arg is
// the path as the call gave it, Path the file read (Arg resolved against the base directory).
type looseFile struct {
	Arg, Path string
	Mode      os.FileMode
}

// secretModeExpr is an attribute's expression as the Decoder hands it to gohcl: its value
// loses the looseFile marks that file() put on it (gohcl cannot decode a marked value), and
// each mark becomes a warning at the file() call.
type secretModeExpr struct {
	hcl.Expression
}

// Value evaluates the expression, strips the marks and reports the files read loosely.
func (e *secretModeExpr) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, diags := e.Expression.Value(ctx)
	if !v.ContainsMarked() {
		return v, diags
	}
	v, marks := v.UnmarkDeep()
	for m := range marks {
		lf, ok := m.(looseFile)
		if !ok {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Secret file readable by others",
			Detail:   fmt.Sprintf("file(%q) reads %s, whose %s.", lf.Arg, lf.Path, SecretModeAdvice(lf.Path, lf.Mode)),
			Subject:  e.callRange(ctx, lf.Arg).Ptr(),
		})
	}
	return v, diags
}

// callRange returns the range of the file() call in the expression whose argument is arg,
// or the whole expression's when there is none to be found.
func (e *secretModeExpr) callRange(ctx *hcl.EvalContext, arg string) hcl.Range {
	syn, ok := e.Expression.(hclsyntax.Expression)
	if !ok {
		return e.Range()
	}
	found := e.Range()
	done := false
	hclsyntax.VisitAll(syn, func(n hclsyntax.Node) hcl.Diagnostics {
		call, ok := n.(*hclsyntax.FunctionCallExpr)
		if done || !ok || call.Name != "file" || len(call.Args) != 1 {
			return nil
		}
		v, diags := call.Args[0].Value(ctx)
		if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
			return nil
		}
		v, _ = v.UnmarkDeep()
		if v.Type() == cty.String && v.AsString() == arg {
			found, done = call.Range(), true
		}
		return nil
	})
	return found
}
