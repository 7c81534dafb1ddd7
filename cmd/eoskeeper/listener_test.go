package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/statushttp"
	"github.com/eoskeeper/eoskeeper/internal/testlog"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// writeTestKeyPair writes a self-signed certificate for 127.0.0.1 and its key as PEM files in
// dir and returns their paths and the certificate.
func writeTestKeyPair(t *testing.T, dir, name string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

// httpOutput returns minimalHCL with an http output of the given body lines.
func httpOutput(lines ...string) string {
	return minimalHCL + "output \"http\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// lineOf returns the line of src on which text first appears.
func lineOf(t *testing.T, src, text string) int {
	t.Helper()
	i := strings.Index(src, text)
	if i < 0 {
		t.Fatalf("%q not in the configuration", text)
	}
	return strings.Count(src[:i], "\n") + 1
}

// diagAt returns the diagnostics of severity sev whose summary is summary, and fails unless
// one of them is at the line of src holding at.
func diagAt(t *testing.T, diags hcl.Diagnostics, sev hcl.DiagnosticSeverity, summary, src, at string) *hcl.Diagnostic {
	t.Helper()
	want := lineOf(t, src, at)
	for _, d := range diags {
		if d.Severity == sev && d.Summary == summary && d.Subject != nil && d.Subject.Start.Line == want &&
			strings.HasPrefix(d.Error(), fmt.Sprintf("keeper.hcl:%d,", want)) {
			return d
		}
	}
	t.Errorf("no %q at keeper.hcl:%d (%s); diagnostics: %v", summary, want, at, diags)
	return nil
}

func TestHTTPOutputTLSBothOrNeither(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := writeTestKeyPair(t, dir, "a")
	cert := fmt.Sprintf("tls_cert_file = %q", certFile)
	key := fmt.Sprintf("tls_key_file = %q", keyFile)

	for _, tc := range []struct {
		name, summary, at string
		lines             []string
	}{
		{"certificate without key", "Incomplete TLS settings", "tls_cert_file", []string{cert}},
		{"key without certificate", "Incomplete TLS settings", "tls_key_file", []string{`listen = "127.0.0.1:9273"`, key}},
		{"empty certificate", "Empty tls_cert_file", "tls_cert_file", []string{`tls_cert_file = ""`, key}},
		{"empty key", "Empty tls_key_file", "tls_key_file", []string{cert, `tls_key_file = ""`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := httpOutput(tc.lines...)
			cfg, diags := parse(t, src, noEnv)
			if cfg != nil || !diags.HasErrors() {
				t.Fatalf("accepted: %v", diags)
			}
			diagAt(t, diags, hcl.DiagError, tc.summary, src, tc.at)
		})
	}

	// Both: HTTPS, and the Consul check follows it over https without verifying.
	cfg, diags := parse(t, httpOutput(cert, key), noEnv)
	if diags.HasErrors() {
		t.Fatalf("both files: %v", diags)
	}
	rc := cfg.RegistrationConfig(nil, nil)
	if rc.ProducingURL != "https://127.0.0.1:9273/v1/producing" || !rc.ProducingTLSSkipVerify {
		t.Errorf("with TLS: check %q, skip verify %t; want https and true", rc.ProducingURL, rc.ProducingTLSSkipVerify)
	}
	// Neither: plain HTTP, verification untouched.
	cfg, diags = parse(t, httpOutput(`listen = ":9273"`, `bearer_token = "t"`), noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rc = cfg.RegistrationConfig(nil, nil)
	if rc.ProducingURL != "http://127.0.0.1:9273/v1/producing" || rc.ProducingTLSSkipVerify {
		t.Errorf("without TLS: check %q, skip verify %t; want http and false", rc.ProducingURL, rc.ProducingTLSSkipVerify)
	}
}

func TestHTTPOutputAuthRules(t *testing.T) {
	basic := "basic_auth {\n    username = \"prometheus\"\n    password = \"pw\"\n  }"
	for _, tc := range []struct {
		name, summary, at string
		lines             []string
	}{
		{"bearer and basic", "Two ways of authentication", "bearer_token", []string{basic, `bearer_token = "s3cret"`}},
		{"empty bearer token", "Empty bearer_token", "bearer_token", []string{`bearer_token = ""`}},
		{"bearer token with a space", "Invalid credentials", "bearer_token", []string{`bearer_token = "s3 cret"`}},
		{"user name with ':'", "Invalid credentials", "username", []string{"basic_auth {\n    username = \"a:b\"\n    password = \"pw\"\n  }"}},
		{"empty password", "Invalid credentials", "password", []string{"basic_auth {\n    username = \"prometheus\"\n    password = \"\"\n  }"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := httpOutput(tc.lines...)
			cfg, diags := parse(t, src, noEnv)
			if cfg != nil || !diags.HasErrors() {
				t.Fatalf("accepted: %v", diags)
			}
			if d := diagAt(t, diags, hcl.DiagError, tc.summary, src, tc.at); d != nil && strings.Contains(d.Detail, "s3") {
				t.Errorf("the diagnostic shows the secret: %s", d.Detail)
			}
		})
	}
	for _, lines := range [][]string{{basic}, {`bearer_token = "s3cret"`}} {
		if _, diags := parse(t, httpOutput(lines...), noEnv); diags.HasErrors() {
			t.Errorf("%v refused: %v", lines, diags)
		}
	}
}

// TestHTTPOutputBadKeyPair: a certificate that cannot be served fails the load at the
// attribute at fault, so `eoskeeper validate` refuses it, and the agent, handed it anyway,
// refuses to start with the same message.
func TestHTTPOutputBadKeyPair(t *testing.T) {
	dir := t.TempDir()
	certA, keyA, _ := writeTestKeyPair(t, dir, "a")
	_, keyB, _ := writeTestKeyPair(t, dir, "b")
	for i, tc := range []struct {
		name, cert, key, at string
	}{
		{"key of another certificate", certA, keyB, "tls_cert_file"},
		{"key file absent", certA, filepath.Join(dir, "absent.key"), "tls_key_file"},
		{"certificate file absent", filepath.Join(dir, "absent.crt"), keyA, "tls_cert_file"},
		{"certificate and key swapped", keyA, certA, "tls_cert_file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := httpOutput(fmt.Sprintf("tls_cert_file = %q", tc.cert), fmt.Sprintf("tls_key_file = %q", tc.key))
			_, diags := parse(t, src, noEnv)
			diagAt(t, diags, hcl.DiagError, "Invalid TLS certificate", src, tc.at)

			path := filepath.Join(dir, fmt.Sprintf("keeper-%d.hcl", i))
			if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			ui := newTestUI()
			if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 1 {
				t.Fatalf("validate exit %d, want 1", code)
			}
			cfg, diags := parseConfig(path, []byte(src), dir, noEnv, false)
			if diags.HasErrors() {
				t.Fatalf("fails before the constructors: %v", diags)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			agentErr := runAgent(ctx, path, cfg, hclog.NewNullLogger())
			if agentErr == nil || errors.Is(agentErr, context.DeadlineExceeded) {
				t.Fatalf("the agent started: %v", agentErr)
			}
			if !strings.Contains(ui.ErrorWriter.String(), agentErr.Error()) {
				t.Errorf("validate:\n%s\ndoes not say what the agent said:\n%s", ui.ErrorWriter.String(), agentErr)
			}
		})
	}
}

// TestExposedListenerWarning: an http output beyond loopback without TLS or credentials is a
// warning of the load, at its listen attribute, printed by validate, and logged by the agent
// when it opens the listener; loopback, TLS or credentials silence it.
func TestExposedListenerWarning(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := writeTestKeyPair(t, dir, "a")
	const summary = "Status listener open to the network"
	for _, tc := range []struct {
		lines []string
		warn  bool
	}{
		{[]string{`listen = "0.0.0.0:9273"`}, true},
		{[]string{`listen = ":9273"`}, true},
		{[]string{`listen = "[::]:9273"`}, true},
		{[]string{`listen = "10.0.0.5:9273"`}, true},
		{[]string{`listen = "127.0.0.1:9273"`}, false},
		{[]string{`listen = "[::1]:9273"`}, false},
		{[]string{`listen = "localhost:9273"`}, false},
		{[]string{`listen = "0.0.0.0:9273"`, `bearer_token = "s3cret"`}, false},
		{[]string{`listen = "0.0.0.0:9273"`, "basic_auth {\n    username = \"u\"\n    password = \"s3cret\"\n  }"}, false},
		{[]string{`listen = "0.0.0.0:9273"`, fmt.Sprintf("tls_cert_file = %q", certFile), fmt.Sprintf("tls_key_file = %q", keyFile)}, false},
	} {
		src := httpOutput(tc.lines...)
		cfg, diags := parse(t, src, noEnv)
		if diags.HasErrors() {
			t.Fatalf("%v: %v", tc.lines, diags)
		}
		var got *hcl.Diagnostic
		for _, d := range diags {
			if d.Summary == summary {
				got = d
			}
		}
		switch {
		case tc.warn && got == nil:
			t.Errorf("%v: no warning", tc.lines)
		case tc.warn:
			diagAt(t, diags, hcl.DiagWarning, summary, src, "listen =")
			for _, want := range []string{"/status", "/metrics", "tls_cert_file", "bearer_token", "basic_auth"} {
				if !strings.Contains(got.Detail, want) {
					t.Errorf("%v: warning %q does not name %s", tc.lines, got.Detail, want)
				}
			}
		case got != nil:
			t.Errorf("%v: warned %q", tc.lines, got.Detail)
		}
		if w := cfg.HTTP.exposed(); (w != "") != tc.warn || (got != nil && w != got.Detail) {
			t.Errorf("%v: agent warning %q, load warning %v", tc.lines, w, got)
		}
	}

	// validate prints it.
	src := httpOutput(`listen = "0.0.0.0:9273"`)
	path := filepath.Join(dir, "keeper.hcl")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ui := newTestUI()
	if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 0 {
		t.Fatalf("validate exit %d: %s", code, ui.ErrorWriter.String())
	}
	if want := fmt.Sprintf("Warning: %s:%d,", path, lineOf(t, src, "listen =")); !strings.Contains(ui.ErrorWriter.String(), want) ||
		!strings.Contains(ui.ErrorWriter.String(), summary) {
		t.Errorf("validate stderr:\n%s\nwant %q ... %q", ui.ErrorWriter.String(), want, summary)
	}

	// The agent logs it at WARN when it opens the listener.
	cfg, diags := parse(t, src, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cfg.HTTP.Listen = "0.0.0.0:0"
	var log testlog.Buffer
	ln, _, err := listenStatus(cfg, hclog.New(&hclog.LoggerOptions{Output: &log, Level: hclog.Info}))
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if !strings.Contains(log.String(), "[WARN]") || !strings.Contains(log.String(), "without TLS or authentication") {
		t.Errorf("agent log:\n%s\nwant the exposure warning", log.String())
	}
	var quiet testlog.Buffer
	cfg.HTTP.Listen = "127.0.0.1:0"
	if ln, _, err = listenStatus(cfg, hclog.New(&hclog.LoggerOptions{Output: &quiet, Level: hclog.Info})); err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if strings.Contains(quiet.String(), "WARN") {
		t.Errorf("loopback listener warned:\n%s", quiet.String())
	}
}

// TestListenStatusServesHTTPSWithAuth: the listener the agent opens from the configuration
// serves TLS with the configured certificate, and the handler built with its check refuses
// /metrics without the token while /v1/producing stays open.
func TestListenStatusServesHTTPSWithAuth(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, cert := writeTestKeyPair(t, dir, "a")
	src := httpOutput(fmt.Sprintf("tls_cert_file = %q", certFile), fmt.Sprintf("tls_key_file = %q", keyFile), `bearer_token = "s3cret-token"`)
	cfg, diags := parse(t, src, noEnv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cfg.HTTP.Listen = "127.0.0.1:0"
	ln, auth, err := listenStatus(cfg, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	status := keeper.Status{Node: "bp-a", Role: keeper.RoleA, Time: time.Now(), State: keeper.Standby, Reachable: true, Healthy: true}
	h, err := statushttp.NewHandler(statushttp.Config{Status: func() keeper.Status { return status }, Auth: auth,
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "eoskeeper_up 1") })})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = statushttp.ServeListener(ctx, ln, h) }()
	t.Cleanup(func() { cancel(); wg.Wait() })

	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	base := "https://" + ln.Addr().String()
	get := func(path, token string) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		path, token string
		code        int
	}{
		{"/metrics", "", 401},
		{"/metrics", "wrong", 401},
		{"/metrics", "s3cret-token", 200},
		{"/status", "", 401},
		{"/status", "s3cret-token", 200},
		{"/v1/producing", "", 429},
		{"/v1/health", "", 200},
	} {
		if got := get(tc.path, tc.token); got != tc.code {
			t.Errorf("GET %s (token %q) = %d, want %d", tc.path, tc.token, got, tc.code)
		}
	}
}

// TestValidateRedactsListenerSecrets: validate prints the http output's token and password
// as "<redacted>" and the rest of it as set.
func TestValidateRedactsListenerSecrets(t *testing.T) {
	dir := t.TempDir()
	for _, lines := range [][]string{
		{`listen = "0.0.0.0:9273"`, `bearer_token = "s3cret-token"`},
		{`listen = "0.0.0.0:9273"`, "basic_auth {\n    username = \"prometheus\"\n    password = \"s3cret-pass\"\n  }"},
	} {
		path := filepath.Join(dir, "keeper.hcl")
		if err := os.WriteFile(path, []byte(httpOutput(lines...)), 0o600); err != nil {
			t.Fatal(err)
		}
		ui := newTestUI()
		if code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path}); code != 0 {
			t.Fatalf("validate exit %d: %s", code, ui.ErrorWriter.String())
		}
		out := ui.OutputWriter.String() + ui.ErrorWriter.String()
		if strings.Contains(out, "s3cret") {
			t.Errorf("validate printed a secret:\n%s", out)
		}
		var printed struct {
			HTTP map[string]any `json:"http"`
		}
		if err := json.Unmarshal(ui.OutputWriter.Bytes(), &printed); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		got := fmt.Sprint(printed.HTTP)
		if !strings.Contains(got, "<redacted>") || !strings.Contains(got, "0.0.0.0:9273") {
			t.Errorf("printed http output %s, want the listen address and <redacted>", got)
		}
	}
}

// TestListenStatusWarnsLooseKeyFile: a TLS key file its group or others can read is a warning at
// start that names the file and its mode; a 0600 one is not.
func TestListenStatusWarnsLooseKeyFile(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o600} {
		dir := t.TempDir()
		certFile, keyFile, _ := writeTestKeyPair(t, dir, "a")
		if err := os.Chmod(keyFile, mode); err != nil {
			t.Fatal(err)
		}
		cfg, diags := parse(t, httpOutput(fmt.Sprintf("tls_cert_file = %q", certFile), fmt.Sprintf("tls_key_file = %q", keyFile)), noEnv)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		cfg.HTTP.Listen = "127.0.0.1:0"
		var logs strings.Builder
		ln, _, err := listenStatus(cfg, hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Warn}))
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		warned := strings.Contains(logs.String(), "tls_key_file is readable by other users") && strings.Contains(logs.String(), keyFile)
		if warned != (mode == 0o644) {
			t.Errorf("key file mode %#o: warned %t; log:\n%s", mode, warned, logs.String())
		}
	}
}
