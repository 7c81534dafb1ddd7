package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
)

// tokenFileInterval is how often the agent looks at consul.token_file for a new token (a
// variable for tests).
var tokenFileInterval = 3 * time.Second

// consulTokenHeader is the header that carries the ACL token of a Consul request.
const consulTokenHeader = "X-Consul-Token"

// newConsulClient builds the agent's Consul client from the consul block. It warns when
// certificate verification is off, and when the token file or the TLS client key can be read
// by their group or by others. With consul.token_file it also returns the token file, whose
// Watch the caller runs so a rotated token is used without a restart; otherwise the token
// file is nil.
func newConsulClient(cfg *Config, logger hclog.Logger) (*api.Client, *tokenFile, error) {
	if t := cfg.Consul.TLS; t != nil && t.InsecureSkipVerify {
		logger.Warn("consul.tls.insecure_skip_verify is set: the Consul server's certificate is not verified, so anyone on the path can act as Consul")
	}
	if t := cfg.Consul.TLS; t != nil && t.KeyFile != "" {
		if fi, err := os.Stat(t.KeyFile); err == nil {
			warnSecretMode(logger, "consul.tls.key_file", t.KeyFile, fi.Mode())
		}
	}
	if err := cfg.Consul.checkToken(); err != nil {
		return nil, nil, err
	}
	cc := cfg.ConsulAPIConfig()
	client, err := api.NewClient(cc)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Consul.TokenFile == "" {
		return client, nil, nil
	}
	tf, err := newTokenFile(cfg.Consul.TokenFile, logger)
	if err != nil {
		return nil, nil, err
	}
	// No request has been made yet: the client shares cc.HttpClient, and every request it
	// sends from now on carries the token file's current token.
	cc.HttpClient.Transport = &tokenTransport{next: cc.HttpClient.Transport, tokens: tf}
	return client, tf, nil
}

// checkToken refuses token and token_file set together: which one the client would send is
// Consul's rule, not the file's.
func (s *ConsulConfig) checkToken() error {
	if s.Token.IsSet() && s.TokenFile != "" {
		return errors.New("consul: token and token_file exclude each other")
	}
	return nil
}

// tokenFile follows a file holding a Consul ACL token: Watch re-reads it when its
// modification time or size changes. The token itself is never logged.
type tokenFile struct {
	path     string
	interval time.Duration
	log      hclog.Logger
	token    atomic.Pointer[string]

	// modTime and size are the file's as last read; only Watch uses them after creation.
	modTime time.Time
	size    int64
}

// newTokenFile reads the token file at path; an unreadable or empty file is an error.
func newTokenFile(path string, logger hclog.Logger) (*tokenFile, error) {
	tf := &tokenFile{path: path, interval: tokenFileInterval, log: logger}
	fi, tok, err := tf.read()
	if err != nil {
		return nil, err
	}
	if tok == "" {
		return nil, fmt.Errorf("consul token_file %s is empty", path)
	}
	tf.modTime, tf.size = fi.ModTime(), fi.Size()
	tf.token.Store(&tok)
	warnSecretMode(logger, "consul.token_file", path, fi.Mode())
	return tf, nil
}

// warnSecretMode logs a warning when the file at path, which holds the secret of the setting
// named attr, can be read by its group or by others. It names the path and the mode, never
// the contents.
func warnSecretMode(logger hclog.Logger, attr, path string, mode os.FileMode) {
	if !hclconf.ReadableByOthers(mode) {
		return
	}
	logger.Warn(attr+" is readable by other users than the agent's: "+hclconf.SecretModeAdvice(path, mode),
		"path", path, "mode", fmt.Sprintf("%#o", mode.Perm()))
}

// Current returns the token last read.
func (tf *tokenFile) Current() string { return *tf.token.Load() }

// read returns the file's information and its content, trimmed.
func (tf *tokenFile) read() (os.FileInfo, string, error) {
	fi, err := os.Stat(tf.path)
	if err != nil {
		return nil, "", fmt.Errorf("consul token_file: %w", err)
	}
	b, err := os.ReadFile(tf.path)
	if err != nil {
		return nil, "", fmt.Errorf("consul token_file: %w", err)
	}
	return fi, strings.TrimSpace(string(b)), nil
}

// Watch looks at the file every interval until ctx ends and swaps the token in when the
// file changed. A file that cannot be read or is empty keeps the previous token, with a
// warning. It returns nil when ctx ends.
func (tf *tokenFile) Watch(ctx context.Context) error {
	t := time.NewTicker(tf.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		fi, err := os.Stat(tf.path)
		if err != nil {
			tf.log.Warn("cannot read the consul token file; keeping the current token", "path", tf.path, "error", err)
			continue
		}
		if fi.ModTime().Equal(tf.modTime) && fi.Size() == tf.size {
			continue
		}
		fi, tok, err := tf.read()
		switch {
		case err != nil:
			tf.log.Warn("cannot read the consul token file; keeping the current token", "path", tf.path, "error", err)
			continue
		case tok == "":
			tf.log.Warn("the consul token file is empty; keeping the current token", "path", tf.path)
			continue
		}
		tf.modTime, tf.size = fi.ModTime(), fi.Size()
		warnSecretMode(tf.log, "consul.token_file", tf.path, fi.Mode())
		if tok != tf.Current() {
			tf.token.Store(&tok)
			tf.log.Info("consul token changed in the token file; using the new token", "path", tf.path)
		}
	}
}

// tokenTransport sends every request with the token file's current token.
type tokenTransport struct {
	next   http.RoundTripper
	tokens *tokenFile
}

// RoundTrip sets the token header on a copy of req and sends it on.
func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok := t.tokens.Current()
	if req.Header.Get(consulTokenHeader) == tok {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set(consulTokenHeader, tok)
	return t.next.RoundTrip(r)
}
