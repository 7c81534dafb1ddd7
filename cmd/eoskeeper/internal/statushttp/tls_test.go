package statushttp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testPair is a self-signed certificate for 127.0.0.1 and its key, in PEM.
type testPair struct {
	cert     *x509.Certificate
	certPEM  []byte
	keyPEM   []byte
	serialNo int64
}

func newTestPair(t *testing.T, serial int64) testPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "eoskeeper test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return testPair{
		cert:     cert,
		certPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		serialNo: serial,
	}
}

// writeFile writes b to path through a rename, as certificate tools do, and dates it at
// mtime so that a rewrite within the file system's timestamp granularity still shows.
func writeFile(t *testing.T, path string, b []byte, mtime time.Time) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// serveTLS serves a healthy standby over TLS with kp on a loopback port and returns its
// address; the server stops when the test ends.
func serveTLS(t *testing.T, kp *KeyPair) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixed{s: healthyStandby()}
	h, err := NewHandler(Config{Status: f.get, MaxAge: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, NewTLSListener(l, kp), h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeListener: %v", err)
		}
	})
	return l.Addr().String()
}

// tlsClient trusts the given certificates, opens a new connection per request (so each
// request is a handshake) and speaks at most maxVersion (0: the default).
func tlsClient(maxVersion uint16, trusted ...testPair) *http.Client {
	pool := x509.NewCertPool()
	for _, p := range trusted {
		pool.AddCert(p.cert)
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{RootCAs: pool, MaxVersion: maxVersion},
	}}
}

// servedSerial fetches /v1/health over TLS and returns the serial number of the certificate
// the server presented.
func servedSerial(t *testing.T, c *http.Client, addr string) int64 {
	t.Helper()
	resp, err := c.Get("https://" + addr + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/v1/health over TLS = %d", resp.StatusCode)
	}
	return resp.TLS.PeerCertificates[0].SerialNumber.Int64()
}

func TestServeTLSAndRotate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first, second := newTestPair(t, 1), newTestPair(t, 2)
	t0 := time.Now().Add(-time.Minute)
	writeFile(t, certFile, first.certPEM, t0)
	writeFile(t, keyFile, first.keyPEM, t0)

	kp, err := LoadKeyPair(certFile, keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := serveTLS(t, kp)
	client := tlsClient(0, first, second)
	if got := servedSerial(t, client, addr); got != 1 {
		t.Fatalf("served certificate %d, want 1", got)
	}

	// Plain HTTP and TLS 1.1 are refused.
	if resp, err := http.Get("http://" + addr + "/v1/health"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP answered 200 on the TLS listener")
		}
	}
	if resp, err := tlsClient(tls.VersionTLS11, first).Get("https://" + addr + "/v1/health"); err == nil {
		resp.Body.Close()
		t.Error("a TLS 1.1 client was served")
	}

	// Half a rotation (the new certificate, the old key) keeps the old pair in service.
	writeFile(t, certFile, second.certPEM, t0.Add(time.Second))
	if got := servedSerial(t, client, addr); got != 1 {
		t.Errorf("with a certificate that does not match its key, served %d, want the previous 1", got)
	}
	// The whole rotation is picked up at the next handshake, without a restart.
	writeFile(t, keyFile, second.keyPEM, t0.Add(2*time.Second))
	if got := servedSerial(t, client, addr); got != 2 {
		t.Errorf("after the rotation, served %d, want 2", got)
	}
	// A missing file keeps the current pair too.
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if got := servedSerial(t, client, addr); got != 2 {
		t.Errorf("with the key removed, served %d, want the previous 2", got)
	}
}

func TestLoadKeyPairErrors(t *testing.T) {
	dir := t.TempDir()
	a, b := newTestPair(t, 1), newTestPair(t, 2)
	certFile, keyFile, otherKey := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "other.pem")
	now := time.Now()
	writeFile(t, certFile, a.certPEM, now)
	writeFile(t, keyFile, a.keyPEM, now)
	writeFile(t, otherKey, b.keyPEM, now)
	if _, err := LoadKeyPair(certFile, keyFile, nil); err != nil {
		t.Fatalf("a matching pair: %v", err)
	}
	for _, tc := range []struct {
		name, cert, key, file string
	}{
		{"no certificate", filepath.Join(dir, "absent.pem"), keyFile, filepath.Join(dir, "absent.pem")},
		{"no key", certFile, filepath.Join(dir, "absent.pem"), filepath.Join(dir, "absent.pem")},
		{"a directory", dir, keyFile, dir},
		{"key of another certificate", certFile, otherKey, ""},
		{"certificate and key swapped", keyFile, certFile, ""},
	} {
		kp, err := LoadKeyPair(tc.cert, tc.key, nil)
		var kpe *KeyPairError
		if kp != nil || !errors.As(err, &kpe) || kpe.File != tc.file {
			t.Errorf("%s: %v, %v; want a KeyPairError naming %q", tc.name, kp, err, tc.file)
		}
	}
}
