package main

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/statushttp"
)

// This file holds what the agent does with `output "http"` beyond the address: TLS, the
// credentials of /status and /metrics, and the warning about a listener open to the network.

// servesTLS reports whether the listener serves HTTPS.
func (h *HTTPOutput) servesTLS() bool { return h.TLSCertFile != "" && h.TLSKeyFile != "" }

// auth returns the check of /status and /metrics the output asks for, nil for none.
func (h *HTTPOutput) auth() (*statushttp.Auth, error) {
	switch {
	case h.BearerToken.IsSet() && h.BasicAuth != nil:
		return nil, errors.New("output \"http\": bearer_token and basic_auth exclude each other")
	case h.BearerToken.IsSet():
		return statushttp.NewBearerAuth(h.BearerToken.Reveal())
	case h.BasicAuth != nil:
		return statushttp.NewBasicAuth(h.BasicAuth.Username, h.BasicAuth.Password.Reveal())
	}
	return nil, nil
}

// exposed returns the warning for a listener reachable beyond this host that serves plain
// HTTP to anyone, or "" when it listens on loopback or has TLS or credentials.
func (h *HTTPOutput) exposed() string {
	if h.servesTLS() || h.BearerToken.IsSet() || h.BasicAuth != nil {
		return ""
	}
	host, _, err := net.SplitHostPort(h.Listen)
	if err != nil || loopbackHost(host) {
		return ""
	}
	return fmt.Sprintf("output \"http\" listens on %s without TLS or authentication: anyone who can reach it reads /status "+
		"(this node's whole status) and /metrics in clear text. Set tls_cert_file and tls_key_file, and bearer_token or "+
		"basic_auth { username, password }, or listen on 127.0.0.1.", h.Listen)
}

// loopbackHost reports whether a listen host is loopback only: "localhost" or a loopback IP.
// An empty host, 0.0.0.0 and :: listen on every interface.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listenStatus opens the status listener of the http output: the certificate is read (a bad
// one stops the agent here, as it fails `eoskeeper validate`), the address bound, and the
// listener wrapped in TLS when configured. It returns the check of /status and /metrics for
// the handler, and warns when the listener is open to the network without TLS or credentials.
func listenStatus(cfg *Config, logger hclog.Logger) (net.Listener, *statushttp.Auth, error) {
	h := cfg.HTTP
	auth, err := h.auth()
	if err != nil {
		return nil, nil, err
	}
	var kp *statushttp.KeyPair
	if h.servesTLS() {
		if kp, err = statushttp.LoadKeyPair(h.TLSCertFile, h.TLSKeyFile, logger.Named("http")); err != nil {
			return nil, nil, err
		}
		if fi, err := os.Stat(h.TLSKeyFile); err == nil {
			warnSecretMode(logger, "output \"http\" tls_key_file", h.TLSKeyFile, fi.Mode())
		}
	}
	if w := h.exposed(); w != "" {
		logger.Warn(w)
	}
	ln, err := statushttp.Listen(h.Listen)
	if err != nil {
		return nil, nil, err
	}
	if kp != nil {
		ln = statushttp.NewTLSListener(ln, kp)
	}
	logger.Debug("status listener open", "listen", h.Listen, "tls", kp != nil, "auth", auth.String())
	return ln, auth, nil
}
