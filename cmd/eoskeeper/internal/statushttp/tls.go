package statushttp

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
)

// MaxPEMSize bounds each PEM file of a key pair: a certificate chain is a few KiB.
const MaxPEMSize = 1 << 20

// KeyPairError is the error LoadKeyPair returns. File is the file that could not be read,
// or "" when both were read but do not make a key pair (unparsable PEM, a key that does not
// match the certificate).
type KeyPairError struct {
	File string
	Err  error
}

func (e *KeyPairError) Error() string { return "statushttp: TLS key pair: " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *KeyPairError) Unwrap() error { return e.Err }

// KeyPair is a certificate and its private key read from PEM files. GetCertificate looks at
// the files' modification time, size and identity on every TLS handshake (a stat of each, no
// read) and reads them again when either changed, so a rotated certificate is served without
// a restart. A rotation that leaves the files unusable for a while (the certificate written,
// the key not yet) keeps the previous pair in service and is retried on the next handshake.
// Safe for concurrent use.
type KeyPair struct {
	certFile, keyFile string
	log               hclog.Logger

	mu     sync.Mutex
	cert   *tls.Certificate
	loaded stamp // the files as they were when cert was read
	// failed and failedMsg describe the last failed reload, logged once.
	failed    stamp
	failedMsg string
}

// stamp identifies a version of the two files.
type stamp struct {
	cert, key os.FileInfo
}

// same reports whether s and o describe the same versions of the files.
func (s stamp) same(o stamp) bool {
	return sameFile(s.cert, o.cert) && sameFile(s.key, o.key)
}

func sameFile(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == b
	}
	return os.SameFile(a, b) && a.ModTime().Equal(b.ModTime()) && a.Size() == b.Size()
}

// LoadKeyPair reads the PEM certificate (with its chain) in certFile and the private key in
// keyFile. It fails when either cannot be read (a regular file of at most MaxPEMSize) or they
// do not make a pair. The logger (nil for none) hears of reloads and failed reloads.
func LoadKeyPair(certFile, keyFile string, logger hclog.Logger) (*KeyPair, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	k := &KeyPair{certFile: certFile, keyFile: keyFile, log: logger}
	st, err := k.stat()
	if err != nil {
		return nil, err
	}
	cert, err := k.read()
	if err != nil {
		return nil, err
	}
	k.cert, k.loaded = cert, st
	return k, nil
}

// stat returns the current stamp of the files.
func (k *KeyPair) stat() (stamp, error) {
	c, err := os.Stat(k.certFile)
	if err != nil {
		return stamp{}, &KeyPairError{File: k.certFile, Err: err}
	}
	kf, err := os.Stat(k.keyFile)
	if err != nil {
		return stamp{}, &KeyPairError{File: k.keyFile, Err: err}
	}
	return stamp{c, kf}, nil
}

// read reads and parses both files.
func (k *KeyPair) read() (*tls.Certificate, error) {
	certPEM, err := hclconf.ReadFile(k.certFile, MaxPEMSize)
	if err != nil {
		return nil, &KeyPairError{File: k.certFile, Err: err}
	}
	keyPEM, err := hclconf.ReadFile(k.keyFile, MaxPEMSize)
	if err != nil {
		return nil, &KeyPairError{File: k.keyFile, Err: err}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, &KeyPairError{Err: fmt.Errorf("%s and %s: %w", k.certFile, k.keyFile, err)}
	}
	return &cert, nil
}

// GetCertificate returns the current certificate, reading the files again first when they
// changed since they were last read. It is a tls.Config.GetCertificate.
func (k *KeyPair) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	st, err := k.stat()
	if err != nil {
		k.reloadFailed(stamp{}, err)
		return k.cert, nil
	}
	if st.same(k.loaded) {
		return k.cert, nil
	}
	cert, err := k.read()
	if err != nil {
		k.reloadFailed(st, err)
		return k.cert, nil
	}
	k.cert, k.loaded, k.failed, k.failedMsg = cert, st, stamp{}, ""
	k.log.Info("TLS certificate reloaded", "cert_file", k.certFile, "key_file", k.keyFile)
	return k.cert, nil
}

// reloadFailed logs a failed reload once per version of the files and error.
func (k *KeyPair) reloadFailed(st stamp, err error) {
	if k.failedMsg == err.Error() && st.same(k.failed) {
		return
	}
	k.failed, k.failedMsg = st, err.Error()
	k.log.Warn("cannot reload the TLS certificate: still serving the previous one", "error", err)
}

// TLSConfig returns the server TLS configuration for k: TLS 1.2 at least, the certificate
// from k.GetCertificate.
func TLSConfig(k *KeyPair) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: k.GetCertificate}
}

// NewTLSListener returns l serving TLS with k's certificate (TLSConfig). Closing it closes l.
func NewTLSListener(l net.Listener, k *KeyPair) net.Listener {
	return tls.NewListener(l, TLSConfig(k))
}
