package notify

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
)

// ChannelSettings is one channel kind's configuration as a configuration file gives it: a
// pointer to the kind's config struct (WebhookConfig, SlackConfig, ...), whose fields carry
// hcl tags naming the file's attributes. A program that reads such files decodes a block
// into the value NewSettings returns, then calls SetDefaults, Validate and NewChannel.
type ChannelSettings interface {
	// SetDefaults fills the zero fields that have a default, so the settings show the values
	// in effect.
	SetDefaults()
	// Validate reports every problem of the settings, each as a *FieldError, joined in one
	// error that wraps ErrConfig.
	Validate() error
	// NewChannel builds the channel, named name.
	NewChannel(name string) (Channel, error)
}

// FieldError is a configuration problem with one field of a config struct.
type FieldError struct {
	// Field is the name of the struct field, e.g. "URL".
	Field string
	// Err says what is wrong.
	Err error
}

// Error returns the problem's text.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

var kinds = struct {
	sync.Mutex
	m map[string]func() ChannelSettings
}{m: map[string]func() ChannelSettings{}}

// RegisterKind makes a channel kind known to NewSettings and Kinds: settings returns a new
// zero value of the kind's settings. Each kind of this package registers itself from an init
// function in its own file; registering a name twice panics.
func RegisterKind(kind string, settings func() ChannelSettings) {
	kinds.Lock()
	defer kinds.Unlock()
	if _, dup := kinds.m[kind]; dup {
		panic(fmt.Sprintf("notify: channel kind %q registered twice", kind))
	}
	kinds.m[kind] = settings
}

// NewSettings returns zero settings of kind, or false when no such kind is registered.
func NewSettings(kind string) (ChannelSettings, bool) {
	kinds.Lock()
	f, ok := kinds.m[kind]
	kinds.Unlock()
	if !ok {
		return nil, false
	}
	return f(), true
}

// Kinds returns the names of the registered channel kinds, sorted.
func Kinds() []string {
	kinds.Lock()
	defer kinds.Unlock()
	out := make([]string, 0, len(kinds.m))
	for k := range kinds.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// problems collects FieldErrors for a Validate method.
type problems []error

// add records a problem with field.
func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Err: fmt.Errorf(format, args...)})
}

// err returns the problems joined and wrapping ErrConfig, or nil.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrConfig, errors.Join(p...))
}

// isHTTPURL reports whether s is an http or https URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// MaxTextLimit bounds a channel's max_text setting, in bytes.
const MaxTextLimit = 64 << 10

// checkBaseURL checks a channel's API base URL: http or https, with a host, and no query or
// fragment (the channel appends its own path and query).
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return errors.New("is not an http:// or https:// URL with a host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return errors.New("must not have a query or fragment")
	}
	return nil
}

// validMethod reports whether m is a method an HTTP gateway is sent with.
func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}
