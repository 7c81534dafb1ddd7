package notify

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

// Secret holds a credential such as a webhook key, token or password. It prints as
// "<redacted>" through fmt (String and GoString) and encoding/json, so a Secret that ends up in a
// log line or a dumped configuration does not leak. Use Reveal to get the value.
type Secret string

const redacted = "<redacted>"

// String returns "<redacted>".
func (Secret) String() string { return redacted }

// GoString returns "<redacted>", so %#v does not print the value either.
func (Secret) GoString() string { return redacted }

// MarshalJSON encodes the secret as the string "<redacted>".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// Reveal returns the secret value. Only code that builds a request should call it.
func (s Secret) Reveal() string { return string(s) }

// scrubber removes credentials from text that may reach an error or a log line.
type scrubber []string

// newScrubber returns a scrubber for the values of secrets, including their URL query-escaped
// and path-escaped forms. A secret URL also contributes its query values, password and long
// path segments, and a secret header value such as "Bearer X" its long words, since a
// provider may echo those parts alone.
func newScrubber(secrets ...Secret) scrubber {
	var s scrubber
	add := func(v string, min int) {
		if len(v) < min { // too short to redact without mangling ordinary text
			return
		}
		s = append(s, v)
		if q := url.QueryEscape(v); q != v {
			s = append(s, q)
		}
		if p := url.PathEscape(v); p != v {
			s = append(s, p)
		}
	}
	for _, v := range secrets {
		raw := string(v)
		add(raw, 4)
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			for _, vs := range u.Query() {
				for _, q := range vs {
					add(q, 6)
				}
			}
			if pw, ok := u.User.Password(); ok {
				add(pw, 4)
			}
			for _, seg := range strings.Split(u.Path, "/") {
				add(seg, 16)
			}
			continue
		}
		for _, f := range strings.Fields(raw) {
			add(f, 8)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	return s
}

// text returns t with every secret replaced by "<redacted>".
func (s scrubber) text(t string) string {
	for _, v := range s {
		t = strings.ReplaceAll(t, v, redacted)
	}
	return t
}

// err returns err without the URL that *url.Error carries, and with any secret in the
// remaining text replaced. The result keeps Timeout() so timeouts stay recognisable.
func (s scrubber) err(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &scrubbedError{msg: s.text(ue.Op + ": " + ue.Err.Error()), cause: ue.Err, timeout: ue.Timeout()}
	}
	return &scrubbedError{msg: s.text(err.Error()), cause: err, timeout: isTimeout(err)}
}

// scrubbedError is a transport error whose text has had URLs and credentials removed.
type scrubbedError struct {
	msg     string
	cause   error
	timeout bool
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Timeout() bool { return e.timeout }

// Is lets errors.Is match context errors of the original cause without exposing its text.
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.cause, target) }
