package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/influx"
	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/statushttp"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/internal/redact"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// Settings of keeper.hcl that belong to this program rather than to a library. Every other
// default is the library's own: election.Default*, keeper.DefaultConfig, nodeos.DefaultTimeout,
// notify.DefaultRepeatInterval and the channel kinds' SetDefaults, influx.Default*.
const (
	defaultNodeosURL     = "http://127.0.0.1:8888"
	defaultP2PPort       = 9876
	defaultConsulAddress = "127.0.0.1:8500"
	defaultLang          = "zh"
	defaultLogLevel      = "info"
	defaultHTTPListen    = "127.0.0.1:9273"
	defaultInfluxVersion = 1
	// minPollInterval keeps the agent from polling nodeos in a busy loop.
	minPollInterval = 100 * time.Millisecond
	// maxDigestTimes bounds alerts.digest: one digest an hour.
	maxDigestTimes = 24
	// maxDatacenterLen bounds consul.datacenter.
	maxDatacenterLen = 64
)

// defaultDigest returns the seed's digest times for a role: three a day on producing hosts,
// two on full nodes.
func defaultDigest(r keeper.Role) []string {
	if r == keeper.RoleF {
		return []string{"07:00", "19:00"}
	}
	return []string{"07:00", "13:00", "19:00"}
}

var (
	nodeNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	producerRE = regexp.MustCompile(`^[a-z1-5.]{1,12}$`)
	clockRE    = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	dcRE       = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// checker collects the diagnostics of the post-pass; every diagnostic carries the position of
// the attribute it is about, or of the nearest enclosing block when the attribute is absent.
type checker struct {
	r     hclconf.Ranges
	file  string
	diags hcl.Diagnostics
}

func (k *checker) errAt(r hcl.Range, summary, format string, args ...any) {
	k.diags = append(k.diags, hclconf.Error(r, summary, fmt.Sprintf(format, args...)))
}

func (k *checker) warnAt(r hcl.Range, summary, format string, args ...any) {
	x := hclconf.Error(r, summary, fmt.Sprintf(format, args...))
	x.Severity = hcl.DiagWarning
	k.diags = append(k.diags, x)
}

// at returns the range of the first path present, falling back to the enclosing blocks of
// the last one and finally to the node block.
func (k *checker) at(paths ...string) hcl.Range {
	last := paths[len(paths)-1]
	for i := strings.LastIndexByte(last, '.'); i > 0; i = strings.LastIndexByte(last, '.') {
		last = last[:i]
		paths = append(paths, last)
	}
	if r := k.r.Of(append(paths, "node")...); r.Filename != "" {
		return r
	}
	return *hclconf.FileError(k.file, "", "").Subject
}

// has reports whether the attribute at path was in the file.
func (k *checker) has(path string) bool { return k.r.Has(path) }

// finish is the one post-pass after decoding: it fills absent blocks, applies the defaults
// (the libraries' own, see the constants above), checks what only this program knows about
// (names, URLs, the shape of maps and lists) and then validates the library configurations
// built from the result, reporting each library problem at the attribute it comes from.
// With construct, it finally calls the constructors the agent calls at start
// (constructionProblems), so a configuration that loads is one the agent can start with.
func (c *Config) finish(construct bool) hcl.Diagnostics {
	k := &checker{r: c.Ranges, file: c.Path}

	if !nodeNameRE.MatchString(c.Node.Name) {
		k.errAt(k.at("node.name"), "Invalid node name",
			"%q must start with a letter or digit and hold only letters, digits, '_', '.' or '-' (at most 63).", c.Node.Name)
	}
	if !producerRE.MatchString(c.Producer) || strings.HasSuffix(c.Producer, ".") {
		k.errAt(k.at("producer"), "Invalid producer name", "%q is not an account name: 1 to 12 of a-z, 1-5 and '.', not ending in '.'.", c.Producer)
	}

	c.finishNodeos(k)
	c.finishConsul(k)
	c.finishFailover(k)
	c.finishAlerts(k)
	if c.Logging == nil {
		c.Logging = &LoggingConfig{}
	}
	if c.Logging.Level == "" {
		c.Logging.Level = defaultLogLevel
	} else if hclog.LevelFromString(c.Logging.Level) == hclog.NoLevel {
		k.errAt(k.at("logging.level"), "Invalid log level", "%q is not a level: use trace, debug, info, warn or error.", c.Logging.Level)
	}
	c.finishFinalizer(k)
	c.finishOutputs(k)
	c.finishNotify(k)

	// The libraries' own rules, on the configurations the agent will build.
	k.library(c.KeeperConfig(nil).Validate(), keeperFields)
	k.library(c.ElectionConfig(nil, nil, nil).Validate(), electionFields)
	// Then the constructors the agent calls at start, on an otherwise valid configuration
	// (their messages would repeat the problems above).
	if construct && !k.diags.HasErrors() {
		c.checkConstruction(k)
	}
	return dedupeSame(k.diags)
}

func (c *Config) finishNodeos(k *checker) {
	if c.Nodeos == nil {
		c.Nodeos = &NodeosConfig{}
	}
	n := c.Nodeos
	if n.URL == "" {
		n.URL = defaultNodeosURL
	} else if err := checkHTTPURL(n.URL); err != "" {
		k.errAt(k.at("nodeos.url"), "Invalid nodeos URL", "%s", err)
	}
	if !k.has("nodeos.p2p_port") {
		n.P2PPort = defaultP2PPort
	} else if n.P2PPort < 1 || n.P2PPort > 65535 {
		k.errAt(k.at("nodeos.p2p_port"), "Invalid port", "p2p_port %d must be between 1 and 65535.", n.P2PPort)
	}
	if c.Node.Role.Producer() && n.LogFile == "" {
		k.warnAt(k.at("nodeos"), "No nodeos log file",
			"Role %s without nodeos.log_file: \"Produced block\" lines cannot be followed, so this node's own production is known only from the chain.", c.Node.Role)
	}
	if !k.has("nodeos.timeout") {
		n.Timeout = nodeos.DefaultTimeout
	}
	if !k.has("nodeos.poll_interval") {
		n.PollInterval = keeper.DefaultConfig().PollInterval
	} else if n.PollInterval < minPollInterval {
		k.errAt(k.at("nodeos.poll_interval"), "Invalid poll interval", "poll_interval must be at least %s.", minPollInterval)
	}
}

func (c *Config) finishConsul(k *checker) {
	if c.Consul == nil {
		c.Consul = &ConsulConfig{}
	}
	s := c.Consul
	if s.Address == "" {
		s.Address = defaultConsulAddress
	} else if err := checkConsulAddress(s.Address); err != "" {
		k.errAt(k.at("consul.address"), "Invalid Consul address", "%s", err)
	}
	if s.Datacenter != "" && (len(s.Datacenter) > maxDatacenterLen || !dcRE.MatchString(s.Datacenter)) {
		k.errAt(k.at("consul.datacenter"), "Invalid datacenter", "%q must be 1 to %d letters, digits, '_' or '-'.", s.Datacenter, maxDatacenterLen)
	}
	if s.Register == nil {
		t := true
		s.Register = &t
	}
	if s.TLS != nil && (s.TLS.CertFile == "") != (s.TLS.KeyFile == "") {
		k.errAt(k.at("consul.tls"), "Incomplete TLS client certificate", "cert_file and key_file must be given together.")
	}
	// The election reads a zero duration as "use the default", so an explicit zero is refused
	// here rather than silently replaced.
	for _, v := range []struct {
		d             time.Duration
		name, summary string
	}{
		{s.SessionTTL, "session_ttl", "Invalid session TTL"},
		{s.LockDelay, "lock_delay", "Invalid lock delay"},
		{s.LostAfter, "lost_after", "Invalid lost_after"},
	} {
		if v.d == 0 && k.has("consul."+v.name) {
			k.errAt(k.at("consul."+v.name), v.summary, "%s must be positive.", v.name)
		}
	}
	// The election fills the rest; these are the values it will use.
	e := election.Config{Prefix: s.KeyPrefix, SessionTTL: s.SessionTTL, LockDelay: s.LockDelay, LostAfter: s.LostAfter}.WithDefaults()
	s.KeyPrefix, s.SessionTTL, s.LockDelay, s.LostAfter = e.Prefix, e.SessionTTL, e.LockDelay, e.LostAfter
}

func (c *Config) finishFailover(k *checker) {
	if c.Failover == nil {
		c.Failover = &FailoverConfig{}
	}
	f := c.Failover
	prio := make(map[string]int)
	for r, n := range keeper.DefaultConfig().PriorityDelays {
		prio[string(r)] = n
	}
	for role, n := range f.Priority {
		if !keeper.Role(role).Producer() {
			k.errAt(k.at("failover.priority"), "Invalid priority", "priority key %q is not a producing role: use A, B and C.", role)
			continue
		}
		if n < 1 {
			k.errAt(k.at("failover.priority"), "Invalid priority", "priority for %s is %d: a role waits for at least 1 missed turn.", role, n)
			continue
		}
		prio[role] = n
	}
	f.Priority = prio
	if prio["A"] >= prio["B"] || prio["B"] >= prio["C"] {
		k.warnAt(k.at("failover.priority", "failover"), "Priorities not increasing",
			"A %d, B %d, C %d: standbys with equal delays race for the lock (still safe, but the order is left to chance).",
			prio["A"], prio["B"], prio["C"])
	}
	role := c.Node.Role
	if role == keeper.RoleF {
		if k.has("failover.delay_slots") {
			k.errAt(k.at("failover.delay_slots"), "Not for role F", "delay_slots has no meaning on a full node, which never produces.")
		}
		if k.has("failover.fence_command") {
			k.errAt(k.at("failover.fence_command"), "Not for role F", "fence_command has no meaning on a full node, which never produces.")
		}
		return
	}
	if k.has("failover.delay_slots") && f.DelaySlots < 1 {
		k.errAt(k.at("failover.delay_slots"), "Invalid delay_slots", "delay_slots is %d: a node waits for at least 1 missed turn.", f.DelaySlots)
	}
	if !k.has("failover.delay_slots") && role.Producer() {
		f.DelaySlots = prio[string(role)]
	}
	if k.has("failover.fence_command") && (len(f.FenceCommand) == 0 || f.FenceCommand[0] == "") {
		k.errAt(k.at("failover.fence_command"), "Invalid fence_command", "fence_command is an argv list whose first element is the program, e.g. [\"systemctl\", \"kill\", \"nodeos\"].")
	}
}

func (c *Config) finishAlerts(k *checker) {
	if c.Alerts == nil {
		c.Alerts = &AlertsConfig{}
	}
	a := c.Alerts
	def := keeper.DefaultConfig()
	for _, v := range []struct {
		dst  *int
		path string
		def  int
	}{
		{&a.MinPeers, "alerts.min_peers", def.MinPeers},
		{&a.APIFailures, "alerts.api_failures", def.APIFailures},
		{&a.MinProducers, "alerts.min_producers", def.MinProducers},
	} {
		if !k.has(v.path) {
			*v.dst = v.def
		}
	}
	for _, v := range []struct {
		dst  *time.Duration
		path string
		def  time.Duration
	}{
		{&a.HeadStall, "alerts.head_stall", def.HeadStall},
		{&a.LIBStall, "alerts.lib_stall", def.LIBStall},
		{&a.ProducersWindow, "alerts.producers_window", def.ProducersWindow},
		{&a.Repeat, "alerts.repeat", notify.DefaultRepeatInterval},
	} {
		if !k.has(v.path) {
			*v.dst = v.def
		}
	}
	if a.Repeat == 0 || a.Repeat > notify.MaxRepeatInterval {
		k.errAt(k.at("alerts.repeat"), "Invalid duration", "repeat must lie within 1ns and %s, got %s.", hclconf.FormatDuration(notify.MaxRepeatInterval), hclconf.FormatDuration(a.Repeat))
	}
	if a.Lang == "" {
		a.Lang = defaultLang
	} else if a.Lang != string(notify.Chinese) && a.Lang != string(notify.English) {
		k.errAt(k.at("alerts.lang"), "Invalid language", "lang %q: use \"zh\" or \"en\".", a.Lang)
	}
	if !k.has("alerts.digest") {
		a.Digest = defaultDigest(c.Node.Role)
	}
	if len(a.Digest) > maxDigestTimes {
		k.errAt(k.at("alerts.digest"), "Too many digest times", "%d digest times; at most %d.", len(a.Digest), maxDigestTimes)
	}
	seenDigest := map[string]bool{}
	for _, t := range a.Digest {
		if seenDigest[t] {
			k.errAt(k.at("alerts.digest"), "Duplicate digest time", "%q is listed twice.", t)
		}
		seenDigest[t] = true
		if !clockRE.MatchString(t) {
			k.errAt(k.at("alerts.digest"), "Invalid digest time", "%q is not a time of day: use \"HH:MM\", such as \"07:00\".", t)
		}
	}
	sort.Strings(a.Digest)
	a.Location = time.Local
	if a.Timezone != "" {
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			k.errAt(k.at("alerts.timezone"), "Invalid time zone", "%q is not a known time zone, such as \"Asia/Shanghai\" or \"UTC\".", a.Timezone)
		} else {
			a.Location = loc
		}
	}
}

func (c *Config) finishOutputs(k *checker) {
	h := c.HTTP
	if h.Listen == "" {
		h.Listen = defaultHTTPListen
	} else if err := checkHostPort(h.Listen, true); err != "" {
		k.errAt(k.at(hclconf.Join(h.Path, "listen")), "Invalid listen address", "%q is not host:port with a port from 1 to 65535, such as \"127.0.0.1:9273\".", h.Listen)
	}
	c.checkHTTPSecurity(k)
	for _, o := range c.InfluxDB {
		at := func(name string) hcl.Range { return k.at(hclconf.Join(o.Path, name)) }
		if err := checkHTTPURL(o.URL); err != "" {
			k.errAt(at("url"), "Invalid InfluxDB URL", "%s", err)
		}
		if !k.has(hclconf.Join(o.Path, "version")) {
			o.Version = defaultInfluxVersion
		}
		switch o.Version {
		case 1:
			if o.Database == "" {
				k.errAt(k.at(o.Path), "Missing database", "InfluxDB 1.x output needs \"database\".")
			}
			if o.Org != "" || o.Bucket != "" || o.Token.IsSet() {
				k.errAt(k.at(o.Path), "Settings of another version", "org, bucket and token are for version = 2; version 1 uses database, username and password.")
			}
			if (o.Username == "") != (o.Password == "") {
				k.errAt(k.at(o.Path), "Incomplete credentials", "username and password must be given together.")
			}
		case 2:
			if o.Org == "" || o.Bucket == "" || !o.Token.IsSet() {
				k.errAt(k.at(o.Path), "Missing InfluxDB 2.x settings", "version = 2 needs org, bucket and token.")
			}
			if o.Database != "" || o.Username != "" || o.Password != "" {
				k.errAt(k.at(o.Path), "Settings of another version", "database, username and password are for version = 1; version 2 uses org, bucket and token.")
			}
		default:
			k.errAt(at("version"), "Invalid InfluxDB version", "version %d: use 1 or 2.", o.Version)
		}
		if !k.has(hclconf.Join(o.Path, "batch")) {
			o.Batch = influx.DefaultBatch
		} else if o.Batch < 1 || o.Batch > influx.MaxBatch {
			k.errAt(at("batch"), "Invalid batch", "batch %d must be between 1 and %d.", o.Batch, influx.MaxBatch)
		}
		if !k.has(hclconf.Join(o.Path, "buffer")) {
			o.Buffer = influx.DefaultBuffer
		} else if o.Buffer < o.Batch {
			k.errAt(at("buffer"), "Invalid buffer", "buffer %d must hold at least one batch (%d).", o.Buffer, o.Batch)
		}
		for _, v := range []struct {
			dst  *time.Duration
			name string
			def  time.Duration
		}{
			{&o.FlushInterval, "flush_interval", influx.DefaultFlushInterval},
			{&o.Timeout, "timeout", influx.DefaultTimeout},
		} {
			if !k.has(hclconf.Join(o.Path, v.name)) {
				*v.dst = v.def
			} else if *v.dst == 0 {
				k.errAt(at(v.name), "Invalid duration", "%s must be positive.", v.name)
			}
		}
	}
}

// checkHTTPSecurity checks the http output's TLS files and credentials: the certificate and
// key given together, one way of authentication at most, no empty value where one was written
// (an env() or file() that came back empty would otherwise turn the protection off), and the
// credentials' form. The files themselves are read by constructionProblems. It warns when the
// listener is open beyond loopback without TLS or credentials.
func (c *Config) checkHTTPSecurity(k *checker) {
	h := c.HTTP
	at := func(names ...string) hcl.Range {
		paths := make([]string, len(names))
		for i, n := range names {
			paths[i] = hclconf.Join(h.Path, n)
		}
		return k.at(paths...)
	}
	empty := false
	for _, v := range []struct {
		name string
		set  bool
	}{
		{"tls_cert_file", h.TLSCertFile != ""},
		{"tls_key_file", h.TLSKeyFile != ""},
		{"bearer_token", h.BearerToken.IsSet()},
	} {
		if !v.set && k.has(hclconf.Join(h.Path, v.name)) {
			empty = true
			k.errAt(at(v.name), "Empty "+v.name, "%s is empty: remove it or give it a value (an env() or file() that reads nothing?).", v.name)
		}
	}
	if (h.TLSCertFile == "") != (h.TLSKeyFile == "") && !empty {
		given, missing := "tls_cert_file", "tls_key_file"
		if h.TLSCertFile == "" {
			given, missing = missing, given
		}
		k.errAt(at(given), "Incomplete TLS settings", "%s without %s: give the certificate and its key together, or neither.", given, missing)
	}
	if h.BearerToken.IsSet() && h.BasicAuth != nil {
		k.errAt(at("bearer_token"), "Two ways of authentication", "bearer_token and basic_auth exclude each other: set one, as Prometheus sends one (authorization or basic_auth).")
	} else if _, err := h.auth(); err != nil {
		var ce *statushttp.CredentialError
		name := "bearer_token"
		if errors.As(err, &ce) && ce.Field != "token" {
			name = "basic_auth." + ce.Field
		}
		k.errAt(at(name, "basic_auth"), "Invalid credentials", "%s: %s.", name, credentialReason(err))
	}
	if w := h.exposed(); w != "" {
		k.warnAt(at("listen"), "Status listener open to the network", "%s", w)
	}
}

// credentialReason is the reason of a statushttp credential error (which never holds the
// credential), or its text.
func credentialReason(err error) string {
	var ce *statushttp.CredentialError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return err.Error()
}

// checkConsulAddress returns why s is not an address the Consul client can use, or "":
// host:port, http:// or https:// with host:port, or unix:// with a socket path.
func checkConsulAddress(s string) string {
	rest := s
	if scheme, r, ok := strings.Cut(s, "://"); ok {
		switch scheme {
		case "unix":
			if strings.HasPrefix(r, "/") && len(r) > 1 && !strings.ContainsAny(r, " ?#") {
				return ""
			}
			return fmt.Sprintf("%q is not unix:// and an absolute socket path.", s)
		case "http", "https":
			rest = r
		default:
			return fmt.Sprintf("%q: the scheme must be http, https or unix.", redact.URL(s))
		}
	}
	if strings.ContainsAny(rest, "/?#@") {
		return fmt.Sprintf("%q is not host:port (no path, query or user information), such as \"127.0.0.1:8500\".", redact.URL(s))
	}
	if err := checkHostPort(rest, false); err != "" {
		return fmt.Sprintf("%q is not host:port with a port from 1 to 65535, such as \"127.0.0.1:8500\".", s)
	}
	return ""
}

// checkHostPort returns why s is not host:port with a numeric port from 1 to 65535 (and, unless
// emptyHost, a host), or "".
func checkHostPort(s string, emptyHost bool) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return err.Error()
	}
	if host == "" && !emptyHost || strings.ContainsAny(host, " /") {
		return "bad host"
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "bad port"
	}
	return ""
}

// checkHTTPURL returns why s is not an http(s) URL with a host, or "".
func checkHTTPURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an http:// or https:// URL with a host.", redact.URL(s))
	}
	return ""
}
