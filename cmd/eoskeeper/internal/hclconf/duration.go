package hclconf

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// FormatDuration spells d the short way: "30m" rather than "30m0s", "1h30m" rather than
// "1h30m0s".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Error builds an error diagnostic at rng.
func Error(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}
}

// FileError builds an error diagnostic about the file as a whole (it cannot be read, or is
// too large to parse), placed at its start so that it prints as "file:1,1-1: ...".
func FileError(filename, summary, detail string) *hcl.Diagnostic {
	return Error(hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}, summary, detail)
}
