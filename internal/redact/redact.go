// Package redact keeps credentials out of what eoskeeper prints: URLs in logs, errors and the
// effective configuration lose their user information and query values.
package redact

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

// Marker replaces every value redacted.
const Marker = "<redacted>"

// URL returns raw with its user information and the values of its query and fragment
// replaced by Marker, so a URL can be printed whatever it carries:
// "https://<redacted>@influx:8086/path?token=<redacted>". The query keys are kept, sorted.
// A string that does not parse as a URL is redacted the same way by its punctuation, so
// a malformed URL is still shown rather than hidden.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return byPunctuation(raw)
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + ":")
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil {
		b.WriteString("//")
	}
	if u.User != nil {
		b.WriteString(Marker + "@")
	}
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?" + query(u.RawQuery))
	}
	if u.Fragment != "" {
		b.WriteString("#" + Marker)
	}
	return b.String()
}

// query redacts the values of a raw query, keeping its keys.
func query(raw string) string {
	var keys []string
	for _, kv := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		k, _, hasValue := strings.Cut(kv, "=")
		if k, err := url.QueryUnescape(k); err == nil && k != "" && hasValue {
			keys = append(keys, url.QueryEscape(k)+"="+Marker)
		} else {
			keys = append(keys, Marker)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, "&")
}

// byPunctuation redacts a string that is not a parsable URL: anything after '?' or '#', and
// anything before the '@' of its authority.
func byPunctuation(raw string) string {
	s, tail := raw, ""
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s, tail = s[:i], s[i:i+1]+Marker
	}
	rest := s
	prefix := ""
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = Marker + authority[i:]
	}
	return prefix + authority + path + tail
}

// Error redacts the URL of the first *url.Error in err's chain (the net/http client returns
// one for every failed request, naming the URL it called) and returns err. The url.Error is
// changed in place: it belongs to the failed request alone.
func Error(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = URL(ue.URL)
	}
	return err
}

// Env returns "KEY=value" environment entries with each value replaced by Marker.
func Env(env []string) []string {
	out := make([]string, len(env))
	for i, kv := range env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok {
			out[i] = Marker
			continue
		}
		out[i] = k + "=" + Marker
	}
	return out
}
