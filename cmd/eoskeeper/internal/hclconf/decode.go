package hclconf

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Decoder decodes HCL bodies into structs with hcl tags through gohcl, adding two things
// gohcl lacks:
//
//   - a field of type time.Duration takes a duration string such as "15s" or "500ms"; a bad
//     or negative duration is an error at the attribute's value, and an empty string counts
//     as absent;
//   - the value range of every attribute decoded, and the definition range of every block, is
//     recorded in Ranges under its path: "producer", "consul.session_ttl", "consul.tls",
//     "notify[0].key" (the index counts the blocks of that type).
//
// So a configuration struct needs one field per setting: no string twin for a duration and no
// range field for its error messages. Besides, a value that file() read from a file its group
// or others can read decodes with a warning at the file() call (see EvalContext).
type Decoder struct {
	// Ctx evaluates expressions (variables and functions); nil allows constants only.
	Ctx *hcl.EvalContext
	// Ranges receives the positions; Decode creates it when nil.
	Ranges Ranges
}

// Decode decodes body into target, a pointer to a struct, recording positions under path
// ("" at the top level of a file).
func (d *Decoder) Decode(body hcl.Body, path string, target any) hcl.Diagnostics {
	if d.Ranges == nil {
		d.Ranges = Ranges{}
	}
	return gohcl.DecodeBody(d.wrap(body, path, reflect.TypeOf(target).Elem()), d.Ctx, target)
}

// Ranges maps attribute and block paths to their positions in the file.
type Ranges map[string]hcl.Range

// Has reports whether the attribute or block at path was in the file.
func (r Ranges) Has(path string) bool {
	_, ok := r[path]
	return ok
}

// Of returns the range of the first path that was in the file: the attribute an error is
// about, then the blocks around it. It returns the zero range when none was.
func (r Ranges) Of(paths ...string) hcl.Range {
	for _, p := range paths {
		if rng, ok := r[p]; ok {
			return rng
		}
	}
	return hcl.Range{}
}

// Join returns path and name joined with a dot ("consul" and "tls" give "consul.tls").
func Join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

var durationType = reflect.TypeOf(time.Duration(0))

// body wraps a body to convert duration attributes and record positions while gohcl decodes.
type body struct {
	hcl.Body
	d    *Decoder
	path string
	typ  reflect.Type // the struct the body decodes into
}

func (d *Decoder) wrap(b hcl.Body, path string, typ reflect.Type) hcl.Body {
	if typ.Kind() != reflect.Struct {
		return b
	}
	return &body{Body: b, d: d, path: path, typ: typ}
}

func (b *body) Content(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	content, diags := b.Body.Content(schema)
	return b.wrapContent(content), diags
}

func (b *body) PartialContent(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	content, rest, diags := b.Body.PartialContent(schema)
	return b.wrapContent(content), rest, diags
}

// wrapContent records the positions of the attributes and blocks in c and wraps duration
// attributes and nested blocks.
func (b *body) wrapContent(c *hcl.BodyContent) *hcl.BodyContent {
	if c == nil {
		return nil
	}
	fields := tagged(b.typ)
	out := &hcl.BodyContent{Attributes: make(hcl.Attributes, len(c.Attributes)), MissingItemRange: c.MissingItemRange}
	for name, a := range c.Attributes {
		path := Join(b.path, name)
		b.d.Ranges[path] = a.Expr.Range()
		wa := *a
		wa.Expr = &secretModeExpr{Expression: a.Expr}
		if f, ok := fields[name]; ok && f.Type == durationType {
			wa.Expr = &durationExpr{Expression: wa.Expr, d: b.d, path: path}
		}
		out.Attributes[name] = &wa
	}
	count := map[string]int{}
	for _, blk := range c.Blocks {
		f, ok := fields[blk.Type]
		if !ok {
			out.Blocks = append(out.Blocks, blk)
			continue
		}
		ty, path := f.Type, Join(b.path, blk.Type)
		if ty.Kind() == reflect.Slice {
			ty = ty.Elem()
			path = fmt.Sprintf("%s[%d]", path, count[blk.Type])
			count[blk.Type]++
		}
		if ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		b.d.Ranges[path] = blk.DefRange
		wb := *blk
		wb.Body = b.d.wrap(blk.Body, path, ty)
		out.Blocks = append(out.Blocks, &wb)
	}
	return out
}

// tagged returns the struct fields of typ by the name in their hcl tag.
func tagged(typ reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("hcl"), ",")
		if name != "" {
			out[name] = f
		}
	}
	return out
}

// durationExpr evaluates a duration string to its nanoseconds, which gohcl stores in a
// time.Duration field.
type durationExpr struct {
	hcl.Expression
	d    *Decoder
	path string
}

func (e *durationExpr) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	zero := cty.NumberIntVal(0)
	v, diags := e.Expression.Value(ctx)
	if diags.HasErrors() || v.IsNull() || !v.IsWhollyKnown() {
		return zero, diags
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return zero, append(diags, Error(e.Range(), "Invalid duration",
			"A duration is a string: a number and a unit, such as \"15s\", \"500ms\" or \"2m\"."))
	}
	raw := s.AsString()
	if strings.TrimSpace(raw) == "" {
		delete(e.d.Ranges, e.path) // absent: the default applies
		return zero, diags
	}
	d, err := time.ParseDuration(strings.TrimSpace(raw))
	if err != nil {
		return zero, append(diags, Error(e.Range(), "Invalid duration",
			fmt.Sprintf("%q is not a duration: write a number and a unit, such as \"15s\", \"500ms\" or \"2m\".", raw)))
	}
	if d < 0 {
		return zero, append(diags, Error(e.Range(), "Invalid duration", fmt.Sprintf("%q is negative.", raw)))
	}
	return cty.NumberIntVal(int64(d)), diags
}
