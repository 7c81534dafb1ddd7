package hclconf

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Duration converts one duration attribute after decoding. raw is the decoded string (empty
// when the attribute was absent, which selects def); rng is the attribute's value range, so
// an error reads `keeper.hcl:12,3-20: Invalid duration; ...`. On success *dst holds the
// duration and *raw its canonical spelling, so printing the configuration shows the value in
// effect. Negative durations are rejected.
func Duration(dst *time.Duration, raw *string, rng hcl.Range, def time.Duration) hcl.Diagnostics {
	if *raw == "" {
		*dst = def
		*raw = FormatDuration(def)
		return nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(*raw))
	if err != nil {
		return hcl.Diagnostics{Error(rng, "Invalid duration",
			fmt.Sprintf("%q is not a duration: write a number and a unit, such as \"15s\", \"500ms\" or \"2m\".", *raw))}
	}
	if d < 0 {
		return hcl.Diagnostics{Error(rng, "Invalid duration", fmt.Sprintf("%q is negative.", *raw))}
	}
	*dst = d
	*raw = FormatDuration(d)
	return nil
}

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

// Pick returns the first range that is set, for errors about an attribute that may be absent
// (then the enclosing block's range is the best position).
func Pick(rngs ...hcl.Range) hcl.Range {
	for _, r := range rngs {
		if r.Filename != "" {
			return r
		}
	}
	return hcl.Range{}
}
