package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/consulreg"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/influx"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/statushttp"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// constructionProblem is one error a constructor the agent calls at start returned for this
// configuration, with the attributes it is about (the first present wins).
type constructionProblem struct {
	paths   []string
	summary string
	err     error
}

// constructionProblems calls, on the values the agent will pass them, every constructor the
// agent calls at start: the nodeos client, the Consul client, the service registration, the
// election, the log follower, the finalizer activation, the status listener's TLS key pair,
// the InfluxDB writers and the notify channels. None makes a network request. So the load
// path that `eoskeeper validate` and `eoskeeper agent` share refuses whatever the agent would
// refuse once running, with the constructor's own message.
func (c *Config) constructionProblems() []constructionProblem {
	var out []constructionProblem
	add := func(err error, summary string, paths ...string) {
		out = append(out, constructionProblem{paths, summary, err})
	}

	ncfg := nodeos.Config{URL: c.Nodeos.URL, Timeout: c.Nodeos.Timeout}
	nc, err := nodeos.NewClient(ncfg)
	if err != nil {
		for _, e := range flatten(err) {
			path := "nodeos.url"
			var fe *nodeos.FieldError
			if errors.As(e, &fe) && fe.Field == "Timeout" {
				path = "nodeos.timeout"
			}
			add(e, "Invalid nodeos setting", path)
		}
	}
	if c.Nodeos.LogFile != "" {
		if _, err := nodeos.NewFollower(nodeos.FollowerConfig{Path: c.Nodeos.LogFile, Start: nodeos.AtEnd()}); err != nil {
			add(err, "Invalid log file", "nodeos.log_file")
		}
	}

	// token with token_file is CheckLibraries' own check; the client is built without it.
	var client *api.Client
	var cerr error
	if c.Consul.checkToken() == nil {
		client, _, cerr = newConsulClient(c, hclog.NewNullLogger())
	}
	if cerr != nil {
		add(fmt.Errorf("consul client: %w", cerr), "Invalid Consul client settings", "consul.token_file", "consul.tls", "consul.address")
	}
	if client != nil && (c.Consul.Register == nil || *c.Consul.Register) {
		if _, err := consulreg.New(c.RegistrationConfig(client, nil)); err != nil {
			add(err, "Invalid service registration", hclconf.Join(c.HTTP.Path, "listen"), "node")
		}
	}
	if client != nil && c.Node.Role.Producer() {
		// The agent binds the session to the registration's nodeos check when it registers.
		var checks []string
		if c.Consul.Register == nil || *c.Consul.Register {
			checks = []string{"eoskeeper-" + c.Node.Name + ":nodeos"}
		}
		if _, err := election.New(c.ElectionConfig(client, checks, nil)); err != nil {
			for _, fe := range fieldErrors(err) {
				a := electionFields[fe.field]
				if a.paths == nil {
					a = attr{[]string{"consul"}, "Invalid Consul settings"}
				}
				add(errors.New(electionNames.Replace(fe.err.Error())), a.summary, a.paths...)
			}
		}
	}

	if nc != nil {
		if _, err := newFinalizer(c, nc); err != nil {
			path := "finalizer"
			var ae *attrError
			if errors.As(err, &ae) {
				path = ae.path
			}
			add(err, "Invalid finalizer setting", path)
		}
	}

	if h := c.HTTP; h.servesTLS() {
		if _, err := statushttp.LoadKeyPair(h.TLSCertFile, h.TLSKeyFile, nil); err != nil {
			paths := []string{hclconf.Join(h.Path, "tls_cert_file"), hclconf.Join(h.Path, "tls_key_file")}
			var kpe *statushttp.KeyPairError
			if errors.As(err, &kpe) && kpe.File == h.TLSKeyFile && kpe.File != h.TLSCertFile {
				paths[0], paths[1] = paths[1], paths[0]
			}
			add(err, "Invalid TLS certificate", paths...)
		}
	}

	for i, ic := range c.InfluxConfigs(nil) {
		if _, err := influx.New(ic); err != nil {
			o := c.InfluxDB[i]
			paths := []string{o.Path}
			if m := quotedAttr.FindStringSubmatch(err.Error()); m != nil {
				paths = []string{hclconf.Join(o.Path, m[1]), o.Path}
			}
			add(err, "Invalid InfluxDB output", paths...)
		}
	}
	for _, ch := range c.Notify {
		if _, err := ch.Settings.NewChannel(ch.Name); err != nil {
			add(err, "Invalid notify setting", ch.Path)
		}
		if _, err := notify.ParseSeverity(ch.MinSeverity); err != nil {
			add(err, "Invalid severity", ch.Path+".min_severity", ch.Path)
		}
	}
	return out
}

// quotedAttr finds the attribute an influx.New error names ("'flush_interval' ...").
var quotedAttr = regexp.MustCompile(`'([a-z_]+)'`)

// checkConstruction reports the constructors' problems at their attributes.
func (c *Config) checkConstruction(k *checker) {
	for _, p := range c.constructionProblems() {
		k.errAt(k.at(p.paths...), p.summary, "%s.", strings.TrimSuffix(p.err.Error(), "."))
	}
}

// flatten splits a joined error into its parts.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
