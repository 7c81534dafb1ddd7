package main

import (
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// Config is keeper.hcl after decoding, defaults and checks: one agent's whole configuration.
//
// Each setting is one field; durations are time.Duration (validate prints them in their
// canonical spelling). The position of each attribute, for error messages, is kept apart in
// Ranges under its path ("consul.session_ttl"). Secrets are hclconf.Secret or notify.Secret
// values, which never print. Defaults come from the library that uses the setting. LoadConfig
// fills every block, so no pointer below is nil after a successful load.
type Config struct {
	Node     NodeConfig `hcl:"node,block" json:"node"`
	Producer string     `hcl:"producer" json:"producer"`

	Nodeos   *NodeosConfig   `hcl:"nodeos,block" json:"nodeos"`
	Consul   *ConsulConfig   `hcl:"consul,block" json:"consul"`
	Failover *FailoverConfig `hcl:"failover,block" json:"failover"`
	Alerts   *AlertsConfig   `hcl:"alerts,block" json:"alerts"`
	Logging  *LoggingConfig  `hcl:"logging,block" json:"logging"`
	// Finalizer is optional: Savanna chains with one finalizer key per node.
	Finalizer *FinalizerConfig `hcl:"finalizer,block" json:"finalizer,omitempty"`
	Hooks     *HooksConfig     `hcl:"hooks,block" json:"hooks,omitempty"`

	// NotifyBlocks and OutputBlocks are the raw labelled blocks; their bodies are decoded by
	// kind into Notify, InfluxDB and HTTP.
	NotifyBlocks []*NotifyBlock `hcl:"notify,block" json:"-"`
	OutputBlocks []*OutputBlock `hcl:"output,block" json:"-"`

	// Notify lists the alert channels, in file order.
	Notify []*NotifyChannel `json:"notify"`
	// InfluxDB lists the InfluxDB outputs (usually zero or one).
	InfluxDB []*InfluxDBOutput `json:"influxdb"`
	// HTTP is the listener for /metrics, /status and the role endpoints.
	HTTP *HTTPOutput `json:"http"`

	// Path is the file the configuration was read from.
	Path string `json:"-"`
	// Ranges holds the position of every attribute and block of the file, by path.
	Ranges hclconf.Ranges `json:"-"`
}

// NodeConfig names this agent's node and its role.
type NodeConfig struct {
	Name string      `hcl:"name" json:"name"`
	Role keeper.Role `hcl:"role" json:"role"`
}

// NodeosConfig says how to reach and observe the local nodeos.
type NodeosConfig struct {
	URL string `hcl:"url,optional" json:"url"`
	// LogFile is followed for "Produced block" lines; required for roles A, B and C.
	LogFile string `hcl:"log_file,optional" json:"log_file"`
	P2PPort int    `hcl:"p2p_port,optional" json:"p2p_port"`
	// PIDFile, when set, lets the fence command find nodeos.
	PIDFile string `hcl:"pid_file,optional" json:"pid_file,omitempty"`

	// Timeout bounds each nodeos call; PollInterval is the keeper's tick.
	Timeout      time.Duration `hcl:"timeout,optional" json:"timeout"`
	PollInterval time.Duration `hcl:"poll_interval,optional" json:"poll_interval"`
}

// ConsulConfig says how to reach Consul and how the election behaves.
type ConsulConfig struct {
	Address string         `hcl:"address,optional" json:"address"`
	Token   hclconf.Secret `hcl:"token,optional" json:"token"`
	// TokenFile names a file holding the ACL token (trimmed), instead of Token. The agent
	// re-reads it when its modification time changes, so the token can be rotated without a
	// restart.
	TokenFile  string     `hcl:"token_file,optional" json:"token_file,omitempty"`
	Datacenter string     `hcl:"datacenter,optional" json:"datacenter,omitempty"`
	TLS        *TLSConfig `hcl:"tls,block" json:"tls,omitempty"`
	// KeyPrefix is the KV prefix under which the lock and the records live.
	KeyPrefix string `hcl:"key_prefix,optional" json:"key_prefix"`
	// Register controls the Consul service registration with its UI checks.
	Register *bool `hcl:"register,optional" json:"register"`

	SessionTTL time.Duration `hcl:"session_ttl,optional" json:"session_ttl"`
	LockDelay  time.Duration `hcl:"lock_delay,optional" json:"lock_delay"`
	// LostAfter is how long a holder may go without a successful session renewal before it
	// considers the lock lost and fences; strictly less than SessionTTL.
	LostAfter time.Duration `hcl:"lost_after,optional" json:"lost_after"`
}

// TLSConfig holds the client TLS settings for Consul.
type TLSConfig struct {
	CAFile   string `hcl:"ca_file,optional" json:"ca_file,omitempty"`
	CertFile string `hcl:"cert_file,optional" json:"cert_file,omitempty"`
	KeyFile  string `hcl:"key_file,optional" json:"key_file,omitempty"`
	// CAPath names a directory of CA certificates, as Consul's ca_path.
	CAPath string `hcl:"ca_path,optional" json:"ca_path,omitempty"`
	// ServerName is the name the Consul server's certificate must carry, when it differs from
	// the host of the address (as Consul's tls_server_name).
	ServerName string `hcl:"server_name,optional" json:"server_name,omitempty"`
	// InsecureSkipVerify turns certificate verification off; the agent warns at start.
	InsecureSkipVerify bool `hcl:"insecure_skip_verify,optional" json:"insecure_skip_verify"`
}

// FailoverConfig holds the admission policy and the last-resort fence.
type FailoverConfig struct {
	// Priority maps each producing role to the number of our producer's consecutive missed
	// turns this role waits for before contending. The same map can be used on every host.
	Priority map[string]int `hcl:"priority,optional" json:"priority"`
	// DelaySlots overrides Priority for this node when set.
	DelaySlots int `hcl:"delay_slots,optional" json:"delay_slots"`
	// FenceCommand runs when nodeos cannot be confirmed paused by its API (argv, no shell).
	FenceCommand []string `hcl:"fence_command,optional" json:"fence_command,omitempty"`
}

// AlertsConfig holds the alert thresholds and the digest schedule.
type AlertsConfig struct {
	MinPeers     int `hcl:"min_peers,optional" json:"min_peers"`
	APIFailures  int `hcl:"api_failures,optional" json:"api_failures"`
	MinProducers int `hcl:"min_producers,optional" json:"min_producers"`
	// Lang is "zh" or "en".
	Lang string `hcl:"lang,optional" json:"lang"`
	// Digest lists the local times ("HH:MM") of the daily status digest; an empty list
	// disables it.
	Digest []string `hcl:"digest,optional" json:"digest"`
	// Timezone names the location for message times and the digest (default: local).
	Timezone string         `hcl:"timezone,optional" json:"timezone,omitempty"`
	Location *time.Location `json:"-"`

	// HeadStall and LIBStall are how long head and LIB may stand still; ProducersWindow is the
	// chain time over which MinProducers distinct producers must appear.
	HeadStall       time.Duration `hcl:"head_stall,optional" json:"head_stall"`
	LIBStall        time.Duration `hcl:"lib_stall,optional" json:"lib_stall"`
	ProducersWindow time.Duration `hcl:"producers_window,optional" json:"producers_window"`
	// Repeat is how often a firing alert is sent again.
	Repeat time.Duration `hcl:"repeat,optional" json:"repeat"`
}

// LoggingConfig selects the agent's log level and format.
type LoggingConfig struct {
	Level string `hcl:"level,optional" json:"level"`
	JSON  bool   `hcl:"json,optional" json:"json"`
}

// OutputBlock is one `output "<kind>" { ... }` block before its body is decoded by kind.
type OutputBlock struct {
	Kind      string    `hcl:"kind,label"`
	KindRange hcl.Range `hcl:"kind,label_range"`
	Body      hcl.Body  `hcl:",remain"`
	DefRange  hcl.Range `hcl:",def_range"`
}

// InfluxDBOutput is `output "influxdb" { ... }`: where to write the seed's tables.
type InfluxDBOutput struct {
	URL string `hcl:"url" json:"url"`
	// Version is 1 (/write?db=) or 2 (/api/v2/write with a token).
	Version  int            `hcl:"version,optional" json:"version"`
	Database string         `hcl:"database,optional" json:"database,omitempty"`
	Org      string         `hcl:"org,optional" json:"org,omitempty"`
	Bucket   string         `hcl:"bucket,optional" json:"bucket,omitempty"`
	Token    hclconf.Secret `hcl:"token,optional" json:"token,omitempty"`
	Username string         `hcl:"username,optional" json:"username,omitempty"`
	Password hclconf.Secret `hcl:"password,optional" json:"password,omitempty"`
	// Batch is how many points are sent in one request at most.
	Batch int `hcl:"batch,optional" json:"batch"`
	// Buffer bounds the points kept while InfluxDB is unreachable; the oldest are dropped.
	Buffer int `hcl:"buffer,optional" json:"buffer"`

	FlushInterval time.Duration `hcl:"flush_interval,optional" json:"flush_interval"`
	Timeout       time.Duration `hcl:"timeout,optional" json:"timeout"`

	// Path locates the block in Config.Ranges, e.g. "output[0]".
	Path string `json:"-"`
}

// HTTPOutput is `output "http" { ... }` (also accepted as `output "prometheus"`): the
// listener for /metrics, /status, /v1/producing and /v1/health.
type HTTPOutput struct {
	Listen string `hcl:"listen,optional" json:"listen"`
	// TLSCertFile and TLSKeyFile, given together, name the PEM certificate (with its chain)
	// and key the listener serves HTTPS with. They are read at start and again when they
	// change, so a renewed certificate needs no restart.
	TLSCertFile string `hcl:"tls_cert_file,optional" json:"tls_cert_file,omitempty"`
	TLSKeyFile  string `hcl:"tls_key_file,optional" json:"tls_key_file,omitempty"`
	// BearerToken or BasicAuth (not both) guards /status and /metrics. The role endpoints
	// stay open: Consul's HTTP check and load balancers poll them without credentials, and
	// they reveal only a verdict.
	BearerToken hclconf.Secret   `hcl:"bearer_token,optional" json:"bearer_token,omitempty"`
	BasicAuth   *BasicAuthConfig `hcl:"basic_auth,block" json:"basic_auth,omitempty"`
	// Path locates the block in Config.Ranges; empty when the file has no http output.
	Path string `json:"-"`
}

// BasicAuthConfig is the `basic_auth { username, password }` block of the http output.
type BasicAuthConfig struct {
	Username string         `hcl:"username" json:"username"`
	Password hclconf.Secret `hcl:"password" json:"password"`
}
