package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// collectorMetrics reads the agent's collector source (collector.go) and returns every metric
// it declares, by full name, with the labels of each. It understands the file's one way of
// declaring a metric, desc("name", "help", labels...), prefixed with its namespace constant,
// and fails on a desc call it cannot read rather than skip it.
func collectorMetrics(path string) (map[string][]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("parse collector: %w", err)
	}
	namespace := ""
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if name.Name == "namespace" && i < len(vs.Values) {
				if s, ok := stringLit(vs.Values[i]); ok {
					namespace = s
				}
			}
		}
		return true
	})
	if namespace == "" {
		return nil, fmt.Errorf("%s: no string constant namespace", path)
	}

	metrics := map[string][]string{}
	var bad error
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || bad != nil {
			return bad == nil
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "desc" {
			return true
		}
		var args []string
		for _, a := range call.Args {
			s, ok := stringLit(a)
			if !ok {
				bad = fmt.Errorf("%s: desc call with a non-literal argument", fset.Position(call.Pos()))
				return false
			}
			args = append(args, s)
		}
		if len(args) < 2 {
			bad = fmt.Errorf("%s: desc call without a name and help", fset.Position(call.Pos()))
			return false
		}
		metrics[namespace+"_"+args[0]] = args[2:]
		return true
	})
	if bad != nil {
		return nil, bad
	}
	if len(metrics) == 0 {
		return nil, fmt.Errorf("%s: no desc calls found", path)
	}
	return metrics, nil
}

// stringLit returns the value of a string literal expression.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
