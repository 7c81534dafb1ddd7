package statushttp

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// Realm is the realm the WWW-Authenticate header of a refused request names.
const Realm = "eoskeeper"

// Auth checks the credentials of requests to /status and /metrics: a bearer token
// ("Authorization: Bearer <token>") or a user name and password (HTTP basic authentication),
// as Prometheus sends them from a scrape config's authorization or basic_auth. It keeps only
// SHA-256 digests of the secrets, compares them in constant time, and never prints them: String
// and GoString name the scheme only. A nil *Auth lets every request through. Safe for
// concurrent use.
type Auth struct {
	scheme string // "Bearer" or "Basic"
	// user and secret are the digests of the user name (basic only) and of the token or
	// password.
	user, secret [sha256.Size]byte
}

// MaxCredentialSize bounds a bearer token, a user name and a password, in bytes: they travel
// in one request header.
const MaxCredentialSize = 4096

// ErrCredentials is wrapped by the errors NewBearerAuth and NewBasicAuth return.
var ErrCredentials = errors.New("statushttp: invalid credentials")

// CredentialError is the error NewBearerAuth and NewBasicAuth return for an unusable
// credential. It never holds the credential itself.
type CredentialError struct {
	// Field is "token", "username" or "password".
	Field string
	// Reason says what the credential lacks.
	Reason string
}

func (e *CredentialError) Error() string { return "statushttp: invalid " + e.Field + ": " + e.Reason }

// Unwrap returns ErrCredentials.
func (e *CredentialError) Unwrap() error { return ErrCredentials }

// hasSpaceOrControl reports whether s holds white space or a control character.
func hasSpaceOrControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
}

// NewBearerAuth returns an Auth that accepts "Authorization: Bearer <token>". The token must
// be 1 to MaxCredentialSize bytes without white space or control characters.
func NewBearerAuth(token string) (*Auth, error) {
	switch {
	case token == "" || len(token) > MaxCredentialSize:
		return nil, &CredentialError{"token", fmt.Sprintf("a bearer token is 1 to %d bytes", MaxCredentialSize)}
	case hasSpaceOrControl(token):
		return nil, &CredentialError{"token", "a bearer token holds no spaces or control characters"}
	}
	return &Auth{scheme: "Bearer", secret: sha256.Sum256([]byte(token))}, nil
}

// NewBasicAuth returns an Auth that accepts HTTP basic authentication with username and
// password, each 1 to MaxCredentialSize bytes; the user name holds no ':' (RFC 7617) and no
// control characters.
func NewBasicAuth(username, password string) (*Auth, error) {
	switch {
	case username == "" || len(username) > MaxCredentialSize:
		return nil, &CredentialError{"username", fmt.Sprintf("a user name is 1 to %d bytes", MaxCredentialSize)}
	case strings.Contains(username, ":") || strings.IndexFunc(username, unicode.IsControl) >= 0:
		return nil, &CredentialError{"username", "a user name holds no ':' and no control characters"}
	case password == "" || len(password) > MaxCredentialSize:
		return nil, &CredentialError{"password", fmt.Sprintf("a password is 1 to %d bytes", MaxCredentialSize)}
	}
	return &Auth{scheme: "Basic", user: sha256.Sum256([]byte(username)), secret: sha256.Sum256([]byte(password))}, nil
}

// String names the scheme, never the secret.
func (a *Auth) String() string {
	if a == nil {
		return "none"
	}
	return strings.ToLower(a.scheme)
}

// GoString is String, so %#v prints no digest either.
func (a *Auth) GoString() string { return `statushttp.Auth("` + a.String() + `")` }

// Allow reports whether r carries the expected credentials.
func (a *Auth) Allow(r *http.Request) bool {
	if a == nil {
		return true
	}
	if a.scheme == "Basic" {
		user, pass, ok := r.BasicAuth()
		if !ok {
			return false
		}
		u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
		// Both compared every time: which of the two was wrong takes no longer to learn.
		return subtle.ConstantTimeCompare(u[:], a.user[:])&subtle.ConstantTimeCompare(p[:], a.secret[:]) == 1
	}
	token, ok := bearerToken(r)
	if !ok {
		return false
	}
	t := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(t[:], a.secret[:]) == 1
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header; the scheme is
// case-insensitive (RFC 7235).
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// Wrap returns h behind the check: a request without the expected credentials gets 401 with
// a WWW-Authenticate header naming the scheme, and h never sees it. A nil *Auth returns h.
func (a *Auth) Wrap(h http.Handler) http.Handler {
	if a == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.Allow(r) {
			h.ServeHTTP(w, r)
			return
		}
		challenge := a.scheme + ` realm="` + Realm + `"`
		switch {
		case a.scheme == "Basic":
			challenge += `, charset="UTF-8"`
		case r.Header.Get("Authorization") != "":
			// RFC 6750: credentials were sent and refused.
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	})
}
