package hclconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// MaxFileSize bounds what file() reads: it is meant for a token or a key, not a data file.
const MaxFileSize = 64 << 10

// EvalContext returns the evaluation context for keeper.hcl. It offers two functions, so that
// secrets can stay out of a file that is committed to version control:
//
//	env("NAME")            the environment variable NAME; an error if it is unset or empty
//	env("NAME", "default") the same, with a fallback
//	file("path")           the file's contents with surrounding white space trimmed; a
//	                       relative path is taken from baseDir (the config file's directory);
//	                       only a regular file of at most MaxFileSize bytes (see ReadFile)
//
// file() is meant for secrets: a file its group or others can read (ReadableByOthers) gives a
// value marked as such, which a Decoder turns into a warning at the call, naming the path and
// its mode (SecretModeAdvice). Evaluate expressions that may call file() through a Decoder:
// a marked value must be unmarked before it is read.
//
// lookup reads the environment; nil means os.LookupEnv. Errors name the variable or the path,
// never a value.
func EvalContext(baseDir string, lookup func(string) (string, bool)) *hcl.EvalContext {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	return &hcl.EvalContext{
		Functions: map[string]function.Function{
			"env":  envFunc(lookup),
			"file": fileFunc(baseDir),
		},
	}
}

func envFunc(lookup func(string) (string, bool)) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		VarParam:    &function.Parameter{Name: "default", Type: cty.String},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 2 {
				return cty.NilVal, fmt.Errorf("env takes a name and at most one default, got %d arguments", len(args))
			}
			name := args[0].AsString()
			if v, ok := lookup(name); ok && v != "" {
				return cty.StringVal(v), nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return cty.NilVal, fmt.Errorf("environment variable %q is not set", name)
		},
	})
}

func fileFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the trimmed contents of a file.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			if p == "" {
				return cty.NilVal, fmt.Errorf("empty path")
			}
			if !filepath.IsAbs(p) && baseDir != "" {
				p = filepath.Join(baseDir, p)
			}
			b, mode, err := readFile(p, MaxFileSize)
			if err != nil {
				return cty.NilVal, err
			}
			v := cty.StringVal(strings.TrimSpace(string(b)))
			if ReadableByOthers(mode) {
				v = v.Mark(looseFile{Arg: args[0].AsString(), Path: p, Mode: mode.Perm()})
			}
			return v, nil
		},
	})
}

// unwrapPathError drops the path from an *os.PathError, which the message already names.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
