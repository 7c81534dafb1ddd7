package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/consulreg"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/influx"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

// This file turns a loaded Config into the plain configuration structs of the library
// packages. Each builder only copies and converts; the libraries fill their own defaults
// and validate.

// NewLogger builds the agent's logger from the logging block.
func (c *Config) NewLogger(w io.Writer) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       "eoskeeper",
		Level:      hclog.LevelFromString(c.Logging.Level),
		JSONFormat: c.Logging.JSON,
		Output:     w,
	})
}

// ConsulAPIConfig returns the Consul client configuration. The token is revealed here, into
// the client only; with token_file, api.NewClient reads the file (newConsulClient then follows
// its changes).
func (c *Config) ConsulAPIConfig() *api.Config {
	cc := api.DefaultNonPooledConfig()
	cc.Address = c.Consul.Address
	cc.Datacenter = c.Consul.Datacenter
	cc.Token = c.Consul.Token.Reveal()
	cc.TokenFile = c.Consul.TokenFile
	if t := c.Consul.TLS; t != nil {
		cc.TLSConfig = api.TLSConfig{Address: t.ServerName, CAFile: t.CAFile, CAPath: t.CAPath,
			CertFile: t.CertFile, KeyFile: t.KeyFile, InsecureSkipVerify: t.InsecureSkipVerify}
		if !strings.Contains(cc.Address, "://") {
			cc.Scheme = "https"
		}
	}
	return cc
}

// KeeperConfig returns the keeper's configuration.
func (c *Config) KeeperConfig(logger hclog.Logger) keeper.Config {
	k := keeper.DefaultConfig()
	k.Producer = c.Producer
	k.Node = c.Node.Name
	k.Role = c.Node.Role
	k.PriorityDelays = make(map[keeper.Role]int, len(c.Failover.Priority))
	for r, n := range c.Failover.Priority {
		k.PriorityDelays[keeper.Role(r)] = n
	}
	if c.Node.Role.Producer() && c.Failover.DelaySlots > 0 {
		k.PriorityDelays[c.Node.Role] = c.Failover.DelaySlots
	}
	k.PollInterval = c.Nodeos.PollInterval
	k.CallTimeout = c.Nodeos.Timeout
	k.MinPeers = c.Alerts.MinPeers
	k.APIFailures = c.Alerts.APIFailures
	k.HeadStall = c.Alerts.HeadStall
	k.LIBStall = c.Alerts.LIBStall
	k.MinProducers = c.Alerts.MinProducers
	k.ProducersWindow = c.Alerts.ProducersWindow
	k.FenceCommand = append([]string(nil), c.Failover.FenceCommand...)
	if c.Hooks != nil {
		k.OnPromote = append([]string(nil), c.Hooks.OnPromote...)
		k.OnDemote = append([]string(nil), c.Hooks.OnDemote...)
	}
	k.Logger = logger
	return k
}

// ElectionConfig returns the election's configuration. serviceChecks are the check IDs the
// session binds to (the nodeos health check of the registration), if any.
func (c *Config) ElectionConfig(client *api.Client, serviceChecks []string, logger hclog.Logger) election.Config {
	return election.Config{
		Client:        client,
		Producer:      c.Producer,
		Prefix:        c.Consul.KeyPrefix,
		Node:          c.Node.Name,
		SessionTTL:    c.Consul.SessionTTL,
		LostAfter:     c.Consul.LostAfter,
		LockDelay:     c.Consul.LockDelay,
		ServiceChecks: serviceChecks,
		Logger:        logger,
	}
}

// RegistrationConfig returns the Consul service registration's configuration, with the
// producing check on this agent's /v1/producing endpoint: over https when the listener serves
// TLS, without verifying the certificate. The check dials the listener where the local Consul
// agent reaches it (loopback for a wildcard address), a name the certificate usually does not
// carry; it sends no credentials and reads an endpoint that is open without them and reveals
// only a verdict, so verification would protect nothing.
func (c *Config) RegistrationConfig(client *api.Client, logger hclog.Logger) consulreg.Config {
	scheme := "http://"
	if c.HTTP.servesTLS() {
		scheme = "https://"
	}
	rc := consulreg.Config{
		Client:                 client,
		Node:                   c.Node.Name,
		Role:                   c.Node.Role,
		Producer:               c.Producer,
		ProducingURL:           scheme + checkAddr(c.HTTP.Listen) + "/v1/producing",
		ProducingTLSSkipVerify: c.HTTP.servesTLS(),
		Meta:                   map[string]string{"version": Version},
		Logger:                 logger,
	}
	if host, port, err := net.SplitHostPort(c.HTTP.Listen); err == nil {
		rc.Address = host
		fmt.Sscanf(port, "%d", &rc.Port)
	}
	return rc
}

// checkAddr turns a listen address into one the local Consul agent can dial: a wildcard host
// becomes loopback.
func checkAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// InfluxConfigs returns one writer configuration per InfluxDB output.
func (c *Config) InfluxConfigs(logger hclog.Logger) []influx.Config {
	out := make([]influx.Config, 0, len(c.InfluxDB))
	for _, o := range c.InfluxDB {
		out = append(out, influx.Config{
			URL:           o.URL,
			Version:       o.Version,
			Database:      o.Database,
			Username:      o.Username,
			Password:      o.Password.Reveal(),
			Org:           o.Org,
			Bucket:        o.Bucket,
			Token:         o.Token.Reveal(),
			Batch:         o.Batch,
			Buffer:        o.Buffer,
			FlushInterval: o.FlushInterval,
			Timeout:       o.Timeout,
			Logger:        logger,
		})
	}
	return out
}

// NotifyChannels builds the alert channels with their routes, in file order.
func (c *Config) NotifyChannels() ([]notify.ChannelConfig, error) {
	out := make([]notify.ChannelConfig, 0, len(c.Notify))
	for _, ch := range c.Notify {
		channel, err := ch.Settings.NewChannel(ch.Name)
		if err != nil {
			return nil, fmt.Errorf("notify %q %q (%s): %w", ch.Kind, ch.Name, c.Ranges[ch.Path], err)
		}
		sev, err := notify.ParseSeverity(ch.MinSeverity)
		if err != nil {
			return nil, fmt.Errorf("notify %q %q (%s): %w", ch.Kind, ch.Name, c.Ranges[ch.Path], err)
		}
		out = append(out, notify.ChannelConfig{Channel: channel, Route: notify.Route{MinSeverity: sev, After: ch.After}})
	}
	return out, nil
}

// DispatcherConfig returns the alert dispatcher's configuration, or ok false when no notify
// channel is configured. status renders the digest text.
func (c *Config) DispatcherConfig(status func() string, logger hclog.Logger) (cfg notify.DispatcherConfig, ok bool, err error) {
	channels, err := c.NotifyChannels()
	if err != nil || len(channels) == 0 {
		return notify.DispatcherConfig{}, false, err
	}
	cfg = notify.DispatcherConfig{
		Channels:       channels,
		RepeatInterval: c.Alerts.Repeat,
		Lang:           notify.Lang(c.Alerts.Lang),
		Location:       c.Alerts.Location,
		Node:           c.Node.Name,
		Role:           string(c.Node.Role),
		Producer:       c.Producer,
		Logger:         logger,
	}
	if len(c.Alerts.Digest) > 0 && status != nil {
		var names []string
		for _, ch := range c.Notify {
			if ch.Digest {
				names = append(names, ch.Name)
			}
		}
		if len(names) > 0 {
			cfg.Digest = &notify.DigestConfig{Times: c.Alerts.Digest, Status: status, Channels: names}
		}
	}
	return cfg, true, nil
}

// CheckLibraries validates the keeper configuration built from c and calls, without network
// I/O, every constructor the agent calls at start (constructionProblems), returning their
// errors joined. LoadConfig has already reported the same problems at their attributes, so
// for a configuration it loaded this returns nil.
func (c *Config) CheckLibraries() error {
	var errs []error
	if err := c.KeeperConfig(nil).Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Consul.checkToken(); err != nil {
		errs = append(errs, fmt.Errorf("consul (%s): %w", c.Ranges.Of("consul.token_file", "consul"), err))
	}
	for _, p := range c.constructionProblems() {
		errs = append(errs, p.err)
	}
	return errors.Join(errs...)
}
