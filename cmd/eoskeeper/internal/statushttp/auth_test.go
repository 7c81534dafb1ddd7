package statushttp

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/metrics"
)

// authServer serves a healthy standby with /status and /metrics behind a.
func authServer(t *testing.T, a *Auth) *httptest.Server {
	t.Helper()
	f := &fixed{s: healthyStandby()}
	reg, err := metrics.NewRegistry(f.get, metrics.Build{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Status: f.get, Metrics: metrics.Handler(reg), Now: func() time.Time { return now }, Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// do sends GET url with the header set (when not empty) and returns the status code and the
// WWW-Authenticate header.
func do(t *testing.T, url, header string, set func(*http.Request)) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	if set != nil {
		set(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

func TestBearerAuth(t *testing.T) {
	a, err := NewBearerAuth("s3cret-token")
	if err != nil {
		t.Fatal(err)
	}
	srv := authServer(t, a)
	for _, path := range []string{"/status", "/metrics"} {
		for _, tc := range []struct {
			name, header string
			code         int
			challenge    string
		}{
			{"no credentials", "", 401, `Bearer realm="eoskeeper"`},
			{"wrong token", "Bearer s3cret-tokem", 401, `Bearer realm="eoskeeper", error="invalid_token"`},
			{"token prefix", "Bearer s3cret", 401, `Bearer realm="eoskeeper", error="invalid_token"`},
			{"empty token", "Bearer ", 401, `Bearer realm="eoskeeper", error="invalid_token"`},
			{"other scheme", "Basic czNjcmV0LXRva2Vu", 401, `Bearer realm="eoskeeper", error="invalid_token"`},
			{"token without scheme", "s3cret-token", 401, `Bearer realm="eoskeeper", error="invalid_token"`},
			{"correct token", "Bearer s3cret-token", 200, ""},
			{"scheme in lower case", "bearer s3cret-token", 200, ""},
		} {
			code, challenge := do(t, srv.URL+path, tc.header, nil)
			if code != tc.code || challenge != tc.challenge {
				t.Errorf("%s, %s: %d %q, want %d %q", path, tc.name, code, challenge, tc.code, tc.challenge)
			}
		}
	}
	checkRoleEndpointsOpen(t, srv)
}

func TestBasicAuth(t *testing.T) {
	a, err := NewBasicAuth("prometheus", "pa:ss word")
	if err != nil {
		t.Fatal(err)
	}
	srv := authServer(t, a)
	basic := func(user, pass string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(user, pass) }
	}
	const challenge = `Basic realm="eoskeeper", charset="UTF-8"`
	for _, path := range []string{"/status", "/metrics"} {
		for _, tc := range []struct {
			name, header string
			set          func(*http.Request)
			code         int
		}{
			{"no credentials", "", nil, 401},
			{"wrong password", "", basic("prometheus", "pa:ss wore"), 401},
			{"wrong user", "", basic("prometheut", "pa:ss word"), 401},
			{"both wrong", "", basic("x", "y"), 401},
			{"password as bearer token", "Bearer pa:ss word", nil, 401},
			{"correct", "", basic("prometheus", "pa:ss word"), 200},
		} {
			code, got := do(t, srv.URL+path, tc.header, tc.set)
			want := ""
			if tc.code == 401 {
				want = challenge
			}
			if code != tc.code || got != want {
				t.Errorf("%s, %s: %d %q, want %d %q", path, tc.name, code, got, tc.code, want)
			}
		}
	}
	checkRoleEndpointsOpen(t, srv)
}

// checkRoleEndpointsOpen: the role endpoints answer without credentials, as without Auth.
func checkRoleEndpointsOpen(t *testing.T, srv *httptest.Server) {
	t.Helper()
	if code, _ := do(t, srv.URL+"/v1/producing", "", nil); code != http.StatusTooManyRequests {
		t.Errorf("/v1/producing without credentials = %d, want 429 (standby)", code)
	}
	if code, _ := do(t, srv.URL+"/v1/health", "", nil); code != http.StatusOK {
		t.Errorf("/v1/health without credentials = %d, want 200", code)
	}
	// Wrong credentials do not close them either.
	if code, _ := do(t, srv.URL+"/v1/health", "Bearer wrong", nil); code != http.StatusOK {
		t.Errorf("/v1/health with wrong credentials = %d, want 200", code)
	}
}

func TestNoAuthLeavesEverythingOpen(t *testing.T) {
	srv := authServer(t, nil)
	for _, path := range []string{"/status", "/metrics", "/v1/health"} {
		if code, challenge := do(t, srv.URL+path, "", nil); code != 200 || challenge != "" {
			t.Errorf("%s without Auth: %d %q, want 200 without a challenge", path, code, challenge)
		}
	}
}

func TestAuthRefusesUnusableCredentials(t *testing.T) {
	long := strings.Repeat("x", MaxCredentialSize+1)
	for _, tc := range []struct {
		name, field string
		f           func() (*Auth, error)
	}{
		{"empty token", "token", func() (*Auth, error) { return NewBearerAuth("") }},
		{"token with a space", "token", func() (*Auth, error) { return NewBearerAuth("a b") }},
		{"token with a newline", "token", func() (*Auth, error) { return NewBearerAuth("ab\n") }},
		{"token too long", "token", func() (*Auth, error) { return NewBearerAuth(long) }},
		{"empty user", "username", func() (*Auth, error) { return NewBasicAuth("", "pw") }},
		{"user with ':'", "username", func() (*Auth, error) { return NewBasicAuth("u:v", "pw") }},
		{"user too long", "username", func() (*Auth, error) { return NewBasicAuth(long, "pw") }},
		{"empty password", "password", func() (*Auth, error) { return NewBasicAuth("u", "") }},
		{"password too long", "password", func() (*Auth, error) { return NewBasicAuth("u", long) }},
	} {
		a, err := tc.f()
		var ce *CredentialError
		if a != nil || !errors.Is(err, ErrCredentials) || !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: %v, %v; want a CredentialError about the %s", tc.name, a, err, tc.field)
		}
	}
	// At the bound, and a password with a space and ':', are accepted.
	if _, err := NewBearerAuth(long[1:]); err != nil {
		t.Errorf("token of %d bytes: %v", MaxCredentialSize, err)
	}
	if _, err := NewBasicAuth(long[1:], "p w:"); err != nil {
		t.Errorf("user of %d bytes, password with a space and ':': %v", MaxCredentialSize, err)
	}
}

// TestAuthNeverPrintsSecrets: no fmt verb shows a secret or its digest, nor does a Config
// holding the Auth.
func TestAuthNeverPrintsSecrets(t *testing.T) {
	bearer, _ := NewBearerAuth("s3cret-token")
	basic, _ := NewBasicAuth("prometheus-user", "s3cret-pass")
	for _, a := range []*Auth{bearer, basic} {
		cfg := Config{Auth: a}
		for _, s := range []string{fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), fmt.Sprintf("%s", a),
			fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
			for _, secret := range []string{"s3cret", "prometheus-user", fmt.Sprintf("%x", a.secret[:4])} {
				if strings.Contains(s, secret) {
					t.Errorf("printed %q, which shows %q", s, secret)
				}
			}
		}
	}
	if got := fmt.Sprint(bearer) + " " + fmt.Sprint(basic) + " " + (*Auth)(nil).String(); got != "bearer basic none" {
		t.Errorf("String = %q", got)
	}
}
