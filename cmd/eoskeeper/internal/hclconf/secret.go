package hclconf

// Redacted is what a non-empty Secret prints as.
const Redacted = "<redacted>"

// Secret is a string that must never be printed: a token, a key, a password. String,
// GoString, MarshalText and MarshalJSON all return "<redacted>" (or "" when the secret is
// empty, so an unset secret can be told from a set one). Reveal returns the value for the one
// place that needs it.
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// String returns "<redacted>", or "" for an empty secret.
func (s Secret) String() string { return s.redacted() }

// GoString returns the quoted redacted form, so %#v never shows the value.
func (s Secret) GoString() string { return `"` + s.redacted() + `"` }

// MarshalText returns the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalJSON returns the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.redacted() + `"`), nil }
