package hclconf

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxDepth bounds how deeply a configuration may nest blocks, brackets, parentheses,
// template interpolations and directives, conditionals and unary operators. The HCL parser
// recurses once per level, so without a bound a crafted file could exhaust the stack; a
// real keeper.hcl nests four or five levels.
const MaxDepth = 32

// CheckDepth scans src, the HCL source of filename, token by token (the scanner does not
// recurse) and reports an error at the first token nested deeper than max, before the
// parser sees the file. It counts as one level each of:
//
//   - an open block, object, tuple, parenthesis, "${" or "%{" until its closing token;
//   - a template directive "%{ if }" or "%{ for }" until its "%{ endif }" or "%{ endfor }";
//   - a conditional's "?" until the end of the expression (a comma, the closing bracket, or
//     a newline where newlines end expressions);
//   - a unary "!" or "-" applied to another unary operator.
func CheckDepth(src []byte, filename string, max int) hcl.Diagnostics {
	tokens, diags := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		// The parser reports these with its own words; depth is only checked on a clean scan.
		return nil
	}
	type frame struct {
		open hclsyntax.TokenType
		// newlines says whether a newline ends an expression inside this frame: at the top
		// level and in braces, not inside brackets, parentheses or interpolations.
		newlines bool
		// pending counts the conditionals of the current expression.
		pending int
	}
	stack := []frame{{newlines: true}}
	pending := 0 // the sum of the frames' pending counts
	unary := 0   // the current run of unary operators
	var prev hclsyntax.TokenType
	directive := false // the previous token opened a template directive
	for _, tok := range tokens {
		top := &stack[len(stack)-1]
		depth := len(stack) - 1 + pending
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl, hclsyntax.TokenOHeredoc:
			stack = append(stack, frame{open: tok.Type, newlines: tok.Type == hclsyntax.TokenOBrace})
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				pending -= top.pending
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenComma:
			pending -= top.pending
			top.pending = 0
		case hclsyntax.TokenNewline:
			if top.newlines {
				pending -= top.pending
				top.pending = 0
			}
		case hclsyntax.TokenQuestion:
			top.pending++
			pending++
			depth++
		case hclsyntax.TokenIdent:
			if directive {
				switch string(tok.Bytes) {
				case "if", "for":
					// The directive's body nests until its end directive: a frame under
					// the "%{" frame, which its "}" pops.
					n := len(stack)
					stack = append(stack[:n-1], frame{open: hclsyntax.TokenTemplateControl}, stack[n-1])
					depth++
				case "endif", "endfor":
					if n := len(stack); n > 2 && stack[n-2].open == hclsyntax.TokenTemplateControl {
						pending -= stack[n-2].pending
						stack = append(stack[:n-2], stack[n-1])
					}
				}
			}
		}
		if (tok.Type == hclsyntax.TokenBang || tok.Type == hclsyntax.TokenMinus) && !endsOperand(prev) {
			unary++
			depth += unary
		} else if tok.Type != hclsyntax.TokenComment {
			unary = 0
		}
		directive = tok.Type == hclsyntax.TokenTemplateControl
		if tok.Type != hclsyntax.TokenComment {
			prev = tok.Type
		}
		if depth > max {
			return hcl.Diagnostics{Error(tok.Range, "Nested too deeply",
				fmt.Sprintf("The configuration nests more than %d levels here (blocks, brackets, interpolations, conditionals or unary operators).", max))}
		}
	}
	return nil
}

// endsOperand reports whether a token of type t can end an operand, so that a "-" after it
// is a subtraction rather than a negation.
func endsOperand(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenStar:
		return true
	}
	return false
}
