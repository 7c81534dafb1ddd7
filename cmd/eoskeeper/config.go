package main

import (
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// Config is keeper.hcl after decoding, defaults and checks: one agent's whole configuration.
//
// Each duration appears twice: the HCL string (field suffix HCL, printed by validate in its
// canonical spelling) and the time.Duration the agent uses. Fields ending in Range locate an
// attribute in the file for error messages. Secrets are hclconf.Secret values, which never
// print. LoadConfig fills every block, so no pointer below is nil after a successful load.
type Config struct {
	Node          NodeConfig `hcl:"node,block" json:"node"`
	Producer      string     `hcl:"producer" json:"producer"`
	ProducerRange hcl.Range  `hcl:"producer,attr_value_range" json:"-"`

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
}

// NodeConfig names this agent's node and its role.
type NodeConfig struct {
	Name      string      `hcl:"name" json:"name"`
	NameRange hcl.Range   `hcl:"name,attr_value_range" json:"-"`
	Role      keeper.Role `hcl:"role" json:"role"`
	RoleRange hcl.Range   `hcl:"role,attr_value_range" json:"-"`
	DefRange  hcl.Range   `hcl:",def_range" json:"-"`
}

// NodeosConfig says how to reach and observe the local nodeos.
type NodeosConfig struct {
	URL      string    `hcl:"url,optional" json:"url"`
	URLRange hcl.Range `hcl:"url,attr_value_range" json:"-"`
	// LogFile is followed for "Produced block" lines; required for roles A, B and C.
	LogFile      string    `hcl:"log_file,optional" json:"log_file"`
	LogFileRange hcl.Range `hcl:"log_file,attr_value_range" json:"-"`
	P2PPort      int       `hcl:"p2p_port,optional" json:"p2p_port"`
	P2PPortRange hcl.Range `hcl:"p2p_port,attr_value_range" json:"-"`
	// PIDFile, when set, lets the fence command find nodeos.
	PIDFile string `hcl:"pid_file,optional" json:"pid_file,omitempty"`

	Timeout           time.Duration `json:"-"`
	TimeoutHCL        string        `hcl:"timeout,optional" json:"timeout"`
	TimeoutRange      hcl.Range     `hcl:"timeout,attr_value_range" json:"-"`
	PollInterval      time.Duration `json:"-"`
	PollIntervalHCL   string        `hcl:"poll_interval,optional" json:"poll_interval"`
	PollIntervalRange hcl.Range     `hcl:"poll_interval,attr_value_range" json:"-"`

	DefRange hcl.Range `hcl:",def_range" json:"-"`
}

// ConsulConfig says how to reach Consul and how the election behaves.
type ConsulConfig struct {
	Address    string         `hcl:"address,optional" json:"address"`
	Token      hclconf.Secret `hcl:"token,optional" json:"token"`
	Datacenter string         `hcl:"datacenter,optional" json:"datacenter,omitempty"`
	TLS        *TLSConfig     `hcl:"tls,block" json:"tls,omitempty"`
	// KeyPrefix is the KV prefix under which the lock and the records live.
	KeyPrefix      string    `hcl:"key_prefix,optional" json:"key_prefix"`
	KeyPrefixRange hcl.Range `hcl:"key_prefix,attr_value_range" json:"-"`
	// Register controls the Consul service registration with its UI checks.
	Register *bool `hcl:"register,optional" json:"register"`

	SessionTTL      time.Duration `json:"-"`
	SessionTTLHCL   string        `hcl:"session_ttl,optional" json:"session_ttl"`
	SessionTTLRange hcl.Range     `hcl:"session_ttl,attr_value_range" json:"-"`
	LockDelay       time.Duration `json:"-"`
	LockDelayHCL    string        `hcl:"lock_delay,optional" json:"lock_delay"`
	LockDelayRange  hcl.Range     `hcl:"lock_delay,attr_value_range" json:"-"`
	// LostAfter is how long a holder may go without a successful session renewal before it
	// considers the lock lost and fences; strictly less than SessionTTL.
	LostAfter      time.Duration `json:"-"`
	LostAfterHCL   string        `hcl:"lost_after,optional" json:"lost_after"`
	LostAfterRange hcl.Range     `hcl:"lost_after,attr_value_range" json:"-"`

	DefRange hcl.Range `hcl:",def_range" json:"-"`
}

// TLSConfig holds the client TLS settings for Consul.
type TLSConfig struct {
	CAFile             string    `hcl:"ca_file,optional" json:"ca_file,omitempty"`
	CertFile           string    `hcl:"cert_file,optional" json:"cert_file,omitempty"`
	KeyFile            string    `hcl:"key_file,optional" json:"key_file,omitempty"`
	InsecureSkipVerify bool      `hcl:"insecure_skip_verify,optional" json:"insecure_skip_verify"`
	DefRange           hcl.Range `hcl:",def_range" json:"-"`
}

// FailoverConfig holds the admission policy and the last-resort fence.
type FailoverConfig struct {
	// Priority maps each producing role to the number of our producer's consecutive missed
	// turns this role waits for before contending. The same map can be used on every host.
	Priority      map[string]int `hcl:"priority,optional" json:"priority"`
	PriorityRange hcl.Range      `hcl:"priority,attr_value_range" json:"-"`
	// DelaySlots overrides Priority for this node when set.
	DelaySlots      int       `hcl:"delay_slots,optional" json:"delay_slots"`
	DelaySlotsRange hcl.Range `hcl:"delay_slots,attr_value_range" json:"-"`
	// FenceCommand runs when nodeos cannot be confirmed paused by its API (argv, no shell).
	FenceCommand      []string  `hcl:"fence_command,optional" json:"fence_command,omitempty"`
	FenceCommandRange hcl.Range `hcl:"fence_command,attr_value_range" json:"-"`
	DefRange          hcl.Range `hcl:",def_range" json:"-"`
}

// AlertsConfig holds the alert thresholds and the digest schedule.
type AlertsConfig struct {
	MinPeers          int       `hcl:"min_peers,optional" json:"min_peers"`
	MinPeersRange     hcl.Range `hcl:"min_peers,attr_value_range" json:"-"`
	APIFailures       int       `hcl:"api_failures,optional" json:"api_failures"`
	APIFailuresRange  hcl.Range `hcl:"api_failures,attr_value_range" json:"-"`
	MinProducers      int       `hcl:"min_producers,optional" json:"min_producers"`
	MinProducersRange hcl.Range `hcl:"min_producers,attr_value_range" json:"-"`
	// Lang is "zh" or "en".
	Lang      string    `hcl:"lang,optional" json:"lang"`
	LangRange hcl.Range `hcl:"lang,attr_value_range" json:"-"`
	// Digest lists the local times ("HH:MM") of the daily status digest; an empty list
	// disables it.
	Digest      []string  `hcl:"digest,optional" json:"digest"`
	DigestRange hcl.Range `hcl:"digest,attr_value_range" json:"-"`
	// Timezone names the location for message times and the digest (default: local).
	Timezone      string         `hcl:"timezone,optional" json:"timezone,omitempty"`
	TimezoneRange hcl.Range      `hcl:"timezone,attr_value_range" json:"-"`
	Location      *time.Location `json:"-"`

	HeadStall            time.Duration `json:"-"`
	HeadStallHCL         string        `hcl:"head_stall,optional" json:"head_stall"`
	HeadStallRange       hcl.Range     `hcl:"head_stall,attr_value_range" json:"-"`
	LIBStall             time.Duration `json:"-"`
	LIBStallHCL          string        `hcl:"lib_stall,optional" json:"lib_stall"`
	LIBStallRange        hcl.Range     `hcl:"lib_stall,attr_value_range" json:"-"`
	ProducersWindow      time.Duration `json:"-"`
	ProducersWindowHCL   string        `hcl:"producers_window,optional" json:"producers_window"`
	ProducersWindowRange hcl.Range     `hcl:"producers_window,attr_value_range" json:"-"`
	Repeat               time.Duration `json:"-"`
	RepeatHCL            string        `hcl:"repeat,optional" json:"repeat"`
	RepeatRange          hcl.Range     `hcl:"repeat,attr_value_range" json:"-"`
}

// LoggingConfig selects the agent's log level and format.
type LoggingConfig struct {
	Level      string    `hcl:"level,optional" json:"level"`
	LevelRange hcl.Range `hcl:"level,attr_value_range" json:"-"`
	JSON       bool      `hcl:"json,optional" json:"json"`
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
	URL      string    `hcl:"url" json:"url"`
	URLRange hcl.Range `hcl:"url,attr_value_range" json:"-"`
	// Version is 1 (/write?db=) or 2 (/api/v2/write with a token).
	Version      int            `hcl:"version,optional" json:"version"`
	VersionRange hcl.Range      `hcl:"version,attr_value_range" json:"-"`
	Database     string         `hcl:"database,optional" json:"database,omitempty"`
	Org          string         `hcl:"org,optional" json:"org,omitempty"`
	Bucket       string         `hcl:"bucket,optional" json:"bucket,omitempty"`
	Token        hclconf.Secret `hcl:"token,optional" json:"token,omitempty"`
	Username     string         `hcl:"username,optional" json:"username,omitempty"`
	Password     hclconf.Secret `hcl:"password,optional" json:"password,omitempty"`
	// Batch is how many points are sent in one request at most.
	Batch      int       `hcl:"batch,optional" json:"batch"`
	BatchRange hcl.Range `hcl:"batch,attr_value_range" json:"-"`
	// Buffer bounds the points kept while InfluxDB is unreachable; the oldest are dropped.
	Buffer      int       `hcl:"buffer,optional" json:"buffer"`
	BufferRange hcl.Range `hcl:"buffer,attr_value_range" json:"-"`

	FlushInterval      time.Duration `json:"-"`
	FlushIntervalHCL   string        `hcl:"flush_interval,optional" json:"flush_interval"`
	FlushIntervalRange hcl.Range     `hcl:"flush_interval,attr_value_range" json:"-"`
	Timeout            time.Duration `json:"-"`
	TimeoutHCL         string        `hcl:"timeout,optional" json:"timeout"`
	TimeoutRange       hcl.Range     `hcl:"timeout,attr_value_range" json:"-"`

	DefRange hcl.Range `json:"-"`
}

// HTTPOutput is `output "http" { ... }` (also accepted as `output "prometheus"`): the
// listener for /metrics, /status, /v1/producing and /v1/health.
type HTTPOutput struct {
	Listen      string    `hcl:"listen,optional" json:"listen"`
	ListenRange hcl.Range `hcl:"listen,attr_value_range" json:"-"`
	DefRange    hcl.Range `json:"-"`
}
