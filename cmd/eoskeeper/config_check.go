package main

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/keeper"
)

var (
	nodeNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	producerRE = regexp.MustCompile(`^[a-z1-5.]{1,12}$`)
	clockRE    = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// set reports whether an attribute was present in the file (its range was recorded).
func set(r hcl.Range) bool { return r.Filename != "" }

// finish is the one post-pass after decoding: it fills absent blocks, applies defaults,
// converts durations and checks every field and the relations between them. Every
// diagnostic carries the position of the attribute it is about (or of its block when the
// attribute is absent).
func (c *Config) finish() hcl.Diagnostics {
	var d hcl.Diagnostics
	errAt := func(r hcl.Range, summary, format string, args ...any) {
		d = append(d, hclconf.Error(r, summary, fmt.Sprintf(format, args...)))
	}
	warnAt := func(r hcl.Range, summary, format string, args ...any) {
		x := hclconf.Error(r, summary, fmt.Sprintf(format, args...))
		x.Severity = hcl.DiagWarning
		d = append(d, x)
	}

	// node, producer
	if !nodeNameRE.MatchString(c.Node.Name) {
		errAt(c.Node.NameRange, "Invalid node name",
			"%q must start with a letter or digit and hold only letters, digits, '_', '.' or '-' (at most 63).", c.Node.Name)
	}
	if !c.Node.Role.Valid() {
		errAt(c.Node.RoleRange, "Invalid role", "%q is not a role: use \"A\", \"B\" or \"C\" for producing hosts, \"F\" for a full node.", c.Node.Role)
	}
	if !producerRE.MatchString(c.Producer) || strings.HasSuffix(c.Producer, ".") {
		errAt(c.ProducerRange, "Invalid producer name", "%q is not an account name: 1 to 12 of a-z, 1-5 and '.', not ending in '.'.", c.Producer)
	}
	producing := c.Node.Role.Producer()

	// nodeos
	if c.Nodeos == nil {
		c.Nodeos = &NodeosConfig{DefRange: c.Node.DefRange}
	}
	n := c.Nodeos
	if n.URL == "" {
		n.URL = DefaultNodeosURL
	} else if err := checkHTTPURL(n.URL); err != "" {
		errAt(n.URLRange, "Invalid nodeos URL", "%s", err)
	}
	if !set(n.P2PPortRange) {
		n.P2PPort = DefaultP2PPort
	} else if n.P2PPort < 1 || n.P2PPort > 65535 {
		errAt(n.P2PPortRange, "Invalid port", "p2p_port %d must be between 1 and 65535.", n.P2PPort)
	}
	if producing && n.LogFile == "" {
		warnAt(n.DefRange, "No nodeos log file",
			"Role %s without nodeos.log_file: \"Produced block\" lines cannot be followed, so this node's own production is known only from the chain.", c.Node.Role)
	}
	d = append(d, hclconf.Duration(&n.Timeout, &n.TimeoutHCL, n.TimeoutRange, DefaultNodeosTimeout)...)
	d = append(d, hclconf.Duration(&n.PollInterval, &n.PollIntervalHCL, n.PollIntervalRange, DefaultPollInterval)...)
	if n.Timeout == 0 && set(n.TimeoutRange) {
		errAt(n.TimeoutRange, "Invalid timeout", "nodeos timeout must be positive.")
	}
	if n.PollInterval < minPollInterval && set(n.PollIntervalRange) {
		errAt(n.PollIntervalRange, "Invalid poll interval", "poll_interval must be at least %s.", minPollInterval)
	}

	d = append(d, c.finishConsul(errAt)...)
	d = append(d, c.finishFailover(errAt, warnAt)...)
	d = append(d, c.finishAlerts(errAt)...)

	// logging
	if c.Logging == nil {
		c.Logging = &LoggingConfig{}
	}
	if c.Logging.Level == "" {
		c.Logging.Level = DefaultLogLevel
	} else if hclog.LevelFromString(c.Logging.Level) == hclog.NoLevel {
		errAt(c.Logging.LevelRange, "Invalid log level", "%q is not a level: use trace, debug, info, warn or error.", c.Logging.Level)
	}

	c.finishFinalizer(errAt)
	d = append(d, c.finishOutputs(errAt)...)
	return d
}

// Pick is hclconf.Pick, named here for brevity.
func Pick(rngs ...hcl.Range) hcl.Range { return hclconf.Pick(rngs...) }

type reportFunc func(r hcl.Range, summary, format string, args ...any)

func (c *Config) finishConsul(errAt reportFunc) hcl.Diagnostics {
	var d hcl.Diagnostics
	if c.Consul == nil {
		c.Consul = &ConsulConfig{DefRange: c.Node.DefRange}
	}
	k := c.Consul
	if k.Address == "" {
		k.Address = DefaultConsulAddress
	}
	if k.KeyPrefix == "" {
		k.KeyPrefix = DefaultKeyPrefix
	} else if strings.HasPrefix(k.KeyPrefix, "/") || strings.HasSuffix(k.KeyPrefix, "/") {
		errAt(k.KeyPrefixRange, "Invalid key prefix", "key_prefix %q must not start or end with '/'.", k.KeyPrefix)
	}
	if k.Register == nil {
		t := true
		k.Register = &t
	}
	if k.TLS != nil && (k.TLS.CertFile == "") != (k.TLS.KeyFile == "") {
		errAt(k.TLS.DefRange, "Incomplete TLS client certificate", "cert_file and key_file must be given together.")
	}
	d = append(d, hclconf.Duration(&k.SessionTTL, &k.SessionTTLHCL, k.SessionTTLRange, DefaultSessionTTL)...)
	d = append(d, hclconf.Duration(&k.LockDelay, &k.LockDelayHCL, k.LockDelayRange, DefaultLockDelay)...)
	d = append(d, hclconf.Duration(&k.LostAfter, &k.LostAfterHCL, k.LostAfterRange, DefaultLostAfter(k.SessionTTL))...)
	if d.HasErrors() {
		return d
	}
	if k.SessionTTL < minSessionTTL || k.SessionTTL > maxSessionTTL {
		errAt(Pick(k.SessionTTLRange, k.DefRange), "Invalid session TTL", "session_ttl %s must be between %s and %s (Consul's limits).",
			k.SessionTTLHCL, minSessionTTL, maxSessionTTL)
	}
	if k.LockDelay > maxLockDelay {
		errAt(Pick(k.LockDelayRange, k.DefRange), "Invalid lock delay", "lock_delay %s must be at most %s (Consul's limit).", k.LockDelayHCL, maxLockDelay)
	}
	if k.LostAfter <= 0 {
		errAt(Pick(k.LostAfterRange, k.DefRange), "Invalid lost_after", "lost_after must be positive.")
	} else if k.LostAfter >= k.SessionTTL {
		errAt(Pick(k.LostAfterRange, k.SessionTTLRange, k.DefRange), "Invalid lost_after",
			"lost_after (%s) must be shorter than session_ttl (%s): a holder must fence before Consul can give the lock away.",
			k.LostAfterHCL, k.SessionTTLHCL)
	} else if renew := k.SessionTTL / 3; k.LostAfter <= renew {
		errAt(Pick(k.LostAfterRange, k.SessionTTLRange, k.DefRange), "Invalid lost_after",
			"lost_after (%s) must be longer than the session renewal interval (session_ttl/3 = %s), or one late renewal would fence.",
			k.LostAfterHCL, hclconf.FormatDuration(renew))
	} else if k.LostAfter > k.LockDelay {
		errAt(Pick(k.LostAfterRange, k.LockDelayRange, k.DefRange), "Invalid lost_after",
			"lost_after (%s) must not exceed lock_delay (%s): the lock-delay is the margin that covers a holder still fencing.",
			k.LostAfterHCL, k.LockDelayHCL)
	}
	return d
}

func (c *Config) finishFailover(errAt, warnAt reportFunc) hcl.Diagnostics {
	if c.Failover == nil {
		c.Failover = &FailoverConfig{DefRange: c.Node.DefRange}
	}
	f := c.Failover
	prio := DefaultPriority()
	for role, n := range f.Priority {
		if !keeper.Role(role).Producer() {
			errAt(f.PriorityRange, "Invalid priority", "priority key %q is not a producing role: use A, B and C.", role)
			continue
		}
		if n < 1 {
			errAt(f.PriorityRange, "Invalid priority", "priority for %s is %d: a role waits for at least 1 missed turn.", role, n)
			continue
		}
		prio[role] = n
	}
	f.Priority = prio
	if prio["A"] >= prio["B"] || prio["B"] >= prio["C"] {
		warnAt(Pick(f.PriorityRange, f.DefRange), "Priorities not increasing",
			"A %d, B %d, C %d: standbys with equal delays race for the lock (still safe, but the order is left to chance).",
			prio["A"], prio["B"], prio["C"])
	}
	role := c.Node.Role
	if role == keeper.RoleF {
		if set(f.DelaySlotsRange) {
			errAt(f.DelaySlotsRange, "Not for role F", "delay_slots has no meaning on a full node, which never produces.")
		}
		if set(f.FenceCommandRange) {
			errAt(f.FenceCommandRange, "Not for role F", "fence_command has no meaning on a full node, which never produces.")
		}
		return nil
	}
	if set(f.DelaySlotsRange) && f.DelaySlots < 1 {
		errAt(f.DelaySlotsRange, "Invalid delay_slots", "delay_slots is %d: a node waits for at least 1 missed turn.", f.DelaySlots)
	}
	if !set(f.DelaySlotsRange) && role.Producer() {
		f.DelaySlots = prio[string(role)]
	}
	if set(f.FenceCommandRange) && (len(f.FenceCommand) == 0 || f.FenceCommand[0] == "") {
		errAt(f.FenceCommandRange, "Invalid fence_command", "fence_command is an argv list whose first element is the program, e.g. [\"systemctl\", \"kill\", \"nodeos\"].")
	}
	return nil
}

func (c *Config) finishAlerts(errAt reportFunc) hcl.Diagnostics {
	var d hcl.Diagnostics
	if c.Alerts == nil {
		c.Alerts = &AlertsConfig{}
	}
	a := c.Alerts
	intDefault := func(v *int, r hcl.Range, def, min int, name string) {
		if !set(r) {
			*v = def
		} else if *v < min {
			errAt(r, "Invalid threshold", "%s is %d; it must be at least %d.", name, *v, min)
		}
	}
	intDefault(&a.MinPeers, a.MinPeersRange, DefaultMinPeers, 0, "min_peers")
	intDefault(&a.APIFailures, a.APIFailuresRange, DefaultAPIFailures, 1, "api_failures")
	intDefault(&a.MinProducers, a.MinProducersRange, DefaultMinProducers, 0, "min_producers")
	if a.Lang == "" {
		a.Lang = DefaultLang
	} else if a.Lang != "zh" && a.Lang != "en" {
		errAt(a.LangRange, "Invalid language", "lang %q: use \"zh\" or \"en\".", a.Lang)
	}
	if !set(a.DigestRange) {
		a.Digest = DefaultDigest(c.Node.Role)
	}
	for _, t := range a.Digest {
		if !clockRE.MatchString(t) {
			errAt(a.DigestRange, "Invalid digest time", "%q is not a time of day: use \"HH:MM\", such as \"07:00\".", t)
		}
	}
	sort.Strings(a.Digest)
	a.Location = time.Local
	if a.Timezone != "" {
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			errAt(a.TimezoneRange, "Invalid time zone", "%q is not a known time zone, such as \"Asia/Shanghai\" or \"UTC\".", a.Timezone)
		} else {
			a.Location = loc
		}
	}
	positive := []struct {
		dst   *time.Duration
		raw   *string
		r     hcl.Range
		def   time.Duration
		label string
	}{
		{&a.HeadStall, &a.HeadStallHCL, a.HeadStallRange, DefaultHeadStall, "head_stall"},
		{&a.LIBStall, &a.LIBStallHCL, a.LIBStallRange, DefaultLIBStall, "lib_stall"},
		{&a.ProducersWindow, &a.ProducersWindowHCL, a.ProducersWindowRange, DefaultProducersWindow, "producers_window"},
		{&a.Repeat, &a.RepeatHCL, a.RepeatRange, DefaultRepeat, "repeat"},
	}
	for _, p := range positive {
		dd := hclconf.Duration(p.dst, p.raw, p.r, p.def)
		d = append(d, dd...)
		if !dd.HasErrors() && *p.dst == 0 {
			errAt(p.r, "Invalid duration", "%s must be positive.", p.label)
		}
	}
	return d
}

func (c *Config) finishOutputs(errAt reportFunc) hcl.Diagnostics {
	var d hcl.Diagnostics
	h := c.HTTP
	if h.Listen == "" {
		h.Listen = DefaultHTTPListen
	} else if _, port, err := net.SplitHostPort(h.Listen); err != nil || port == "" {
		errAt(h.ListenRange, "Invalid listen address", "%q is not host:port, such as \"127.0.0.1:9273\".", h.Listen)
	}
	for _, o := range c.InfluxDB {
		if err := checkHTTPURL(o.URL); err != "" {
			errAt(o.URLRange, "Invalid InfluxDB URL", "%s", err)
		}
		if !set(o.VersionRange) {
			o.Version = 1
		}
		switch o.Version {
		case 1:
			if o.Database == "" {
				errAt(o.DefRange, "Missing database", "InfluxDB 1.x output needs \"database\".")
			}
			if o.Org != "" || o.Bucket != "" || o.Token.IsSet() {
				errAt(o.DefRange, "Settings of another version", "org, bucket and token are for version = 2; version 1 uses database, username and password.")
			}
			if (o.Username == "") != (o.Password == "") {
				errAt(o.DefRange, "Incomplete credentials", "username and password must be given together.")
			}
		case 2:
			if o.Org == "" || o.Bucket == "" || !o.Token.IsSet() {
				errAt(o.DefRange, "Missing InfluxDB 2.x settings", "version = 2 needs org, bucket and token.")
			}
			if o.Database != "" || o.Username != "" || o.Password != "" {
				errAt(o.DefRange, "Settings of another version", "database, username and password are for version = 1; version 2 uses org, bucket and token.")
			}
		default:
			errAt(o.VersionRange, "Invalid InfluxDB version", "version %d: use 1 or 2.", o.Version)
		}
		if !set(o.BatchRange) {
			o.Batch = DefaultInfluxBatch
		} else if o.Batch < 1 || o.Batch > maxInfluxPointsPerRequest {
			errAt(o.BatchRange, "Invalid batch", "batch %d must be between 1 and %d.", o.Batch, maxInfluxPointsPerRequest)
		}
		if !set(o.BufferRange) {
			o.Buffer = DefaultInfluxBuffer
		} else if o.Buffer < o.Batch {
			errAt(o.BufferRange, "Invalid buffer", "buffer %d must hold at least one batch (%d).", o.Buffer, o.Batch)
		}
		for _, dd := range []hcl.Diagnostics{
			hclconf.Duration(&o.FlushInterval, &o.FlushIntervalHCL, o.FlushIntervalRange, DefaultInfluxFlush),
			hclconf.Duration(&o.Timeout, &o.TimeoutHCL, o.TimeoutRange, DefaultInfluxTimeout),
		} {
			d = append(d, dd...)
		}
		if o.FlushInterval == 0 && set(o.FlushIntervalRange) {
			errAt(o.FlushIntervalRange, "Invalid duration", "flush_interval must be positive.")
		}
		if o.Timeout == 0 && set(o.TimeoutRange) {
			errAt(o.TimeoutRange, "Invalid duration", "timeout must be positive.")
		}
	}
	return d
}

// checkHTTPURL returns why s is not an http(s) URL with a host, or "".
func checkHTTPURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an http:// or https:// URL with a host.", redactURL(s))
	}
	return ""
}

// redactURL drops the user information and query of a URL, where credentials tend to hide.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparsable URL>"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "..."
	}
	return u.String()
}
