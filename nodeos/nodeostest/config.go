package nodeostest

import (
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

// Mode is the consensus the simulated chain runs.
type Mode int

const (
	// Savanna is Spring's instant finality: LIB trails head by two blocks.
	Savanna Mode = iota
	// Legacy is DPoS finality as in EOSIO and Leap: LIB trails head by Config.LIBLag blocks.
	Legacy
)

// String returns the mode's name.
func (m Mode) String() string {
	if m == Legacy {
		return "legacy"
	}
	return "savanna"
}

// LogFormat selects the nodeos release whose log lines and JSON shapes the nodes imitate. The
// releases are those of LogFormats; the constants name the ones the package began with.
type LogFormat int

const (
	// Spring is Spring 1.1.1 and later (the format of every Spring release since 1.0.2, plus the
	// "double produced block" warning added in 1.1.1).
	Spring LogFormat = iota
	// Leap5 is Leap 5.x.
	Leap5
	// EOSIO2 is EOSIO 2.0.x.
	EOSIO2
)

// LogFormats returns every release the nodes can imitate.
func LogFormats() []LogFormat {
	out := make([]LogFormat, len(nodeosfmt.Versions))
	for i := range out {
		out[i] = LogFormat(i)
	}
	return out
}

// String returns the release family's name, e.g. "spring".
func (f LogFormat) String() string { return f.version().Name }

// version returns the release's texts and reply shapes; an unknown LogFormat is Spring.
func (f LogFormat) version() *nodeosfmt.Version {
	if f < 0 || int(f) >= len(nodeosfmt.Versions) {
		return nodeosfmt.Versions[Spring]
	}
	return nodeosfmt.Versions[f]
}

// Defaults filled in by NewUnstartedNetwork for zero Config fields.
const (
	// DefaultProducers is the size of the active schedule, as on EOS mainnet.
	DefaultProducers = 21
	// DefaultOurs is the producer the nodes are configured for.
	DefaultOurs = "eosstorebest"
	// DefaultBlockInterval is the wall time between two block slots.
	DefaultBlockInterval = 20 * time.Millisecond
	// DefaultFirstBlock is the head block number when the network starts.
	DefaultFirstBlock = 1000
	// DefaultLIBLag is the legacy-mode distance from head to LIB, as observed on EOS mainnet
	// before Savanna (329343132 - 329342804).
	DefaultLIBLag = 328
	// DefaultVoteTimeoutBlocks is Spring's production-pause-vote-timeout-ms (6000) in blocks.
	DefaultVoteTimeoutBlocks = 12
	// DefaultKeyActivationBlocks is how long a SetActiveFinalizerKey takes to become active.
	DefaultKeyActivationBlocks = 6
	// DefaultPeers is the p2p connection count a node reports until SetPeers changes it.
	DefaultPeers = 8
)

// ChainID is the chain_id every node reports (EOS mainnet's).
const ChainID = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"

// Config describes a simulated network. The zero value is usable: every zero field takes the
// default documented beside it.
type Config struct {
	Producers  int      // schedule size including Ours; default DefaultProducers
	Ours       string   // the producer our nodes are configured for; default DefaultOurs
	OurIndex   int      // Ours's position in the schedule, 0-based; default 0 (first)
	OtherNames []string // names of the virtual producers, in schedule order; missing ones are generated

	BlockInterval time.Duration // wall time per block slot; default DefaultBlockInterval
	// Start is the chain time of the first block slot. Block timestamps advance exactly 500 ms per
	// slot, so chain time runs faster than wall time when BlockInterval < 500 ms. Default: the
	// start of the schedule round containing the current time, so Ours with OurIndex 0 has the
	// first turn.
	Start time.Time
	// ManualClock stops the network from advancing on its own: the chain moves only on Advance.
	ManualClock bool

	Mode       Mode      // default Savanna
	LIBLag     int       // legacy mode only: head - LIB in blocks; default DefaultLIBLag
	LogFormat  LogFormat // default Spring
	FirstBlock uint32    // head block number at start; default DefaultFirstBlock

	// Finalizers turns on Savanna voting realism (Spring, Savanna mode only): the node holding our
	// producer's active BLS finalizer key votes, and producing nodes pause implicitly when it has
	// not voted for VoteTimeoutBlocks.
	Finalizers bool
	// ActiveFinalizerKey is our producer's active finalizer key at start; default the FinalizerKey
	// of the first node that has one.
	ActiveFinalizerKey  string
	VoteTimeoutBlocks   int // default DefaultVoteTimeoutBlocks
	KeyActivationBlocks int // default DefaultKeyActivationBlocks

	// TotalCPUWeight and TotalNetWeight are reported by get_info (Leap 3.1 and later); values above
	// 0xffffffff are sent as JSON strings, as nodeos does. Defaults: EOS mainnet's figures.
	TotalCPUWeight uint64
	TotalNetWeight uint64

	// Dir holds node logs whose NodeConfig.LogPath is empty. Default: a new temporary directory,
	// removed by Close.
	Dir string
}

// NodeConfig describes one nodeos instance of the network.
type NodeConfig struct {
	Name string // identifies the node in the ledger and logs of others; default "node<N>"
	// ProducerNode configures the node with our producer-name and signing key; it starts paused
	// (pause-on-startup). Other nodes never produce.
	ProducerNode bool
	// FinalizerKey is the node's BLS finalizer public key (PUB_BLS_...), or empty for none.
	FinalizerKey string
	// Peers is the p2p connection count; 0 means DefaultPeers, negative means none.
	Peers int
	// Addr is the HTTP listen address; default "127.0.0.1:0" (a free port).
	Addr string
	// LogPath is where the node writes its log; default <Config.Dir>/<Name>.log.
	LogPath string
	// Version is the server_version_string, e.g. "v1.2.2"; default per Config.LogFormat.
	Version string
	// DisableProducerAPI and DisableNetAPI leave producer_api_plugin or net_api_plugin out: their
	// endpoints answer 404 Unknown Endpoint and are missing from get_supported_apis.
	DisableProducerAPI bool
	DisableNetAPI      bool
}

func (c Config) withDefaults() (Config, error) {
	if c.Producers == 0 {
		c.Producers = DefaultProducers
	}
	if c.Producers < 1 {
		return c, fmt.Errorf("nodeostest: Producers (%d) must be at least 1", c.Producers)
	}
	if c.Ours == "" {
		c.Ours = DefaultOurs
	}
	if c.OurIndex < 0 || c.OurIndex >= c.Producers {
		return c, fmt.Errorf("nodeostest: OurIndex (%d) outside the schedule of %d", c.OurIndex, c.Producers)
	}
	if c.BlockInterval <= 0 {
		c.BlockInterval = DefaultBlockInterval
	}
	if c.LIBLag <= 0 {
		c.LIBLag = DefaultLIBLag
	}
	if c.FirstBlock == 0 {
		c.FirstBlock = DefaultFirstBlock
	}
	if c.VoteTimeoutBlocks <= 0 {
		c.VoteTimeoutBlocks = DefaultVoteTimeoutBlocks
	}
	if c.KeyActivationBlocks <= 0 {
		c.KeyActivationBlocks = DefaultKeyActivationBlocks
	}
	if c.TotalCPUWeight == 0 {
		c.TotalCPUWeight = 383380109085541
	}
	if c.TotalNetWeight == 0 {
		c.TotalNetWeight = 96155790932318
	}
	return c, nil
}

// schedule builds the active schedule: OtherNames (then generated names) with Ours at OurIndex.
func (c Config) schedule() nodeos.Schedule {
	producers := make([]string, 0, c.Producers)
	other := 0
	for i := 0; i < c.Producers; i++ {
		if i == c.OurIndex {
			producers = append(producers, c.Ours)
			continue
		}
		if other < len(c.OtherNames) {
			producers = append(producers, c.OtherNames[other])
		} else {
			producers = append(producers, virtualName(other))
		}
		other++
	}
	return nodeos.Schedule{Version: 1, Producers: producers}
}

// virtualName returns a valid account name for the i-th virtual producer: vprodaa, vprodab, ...
func virtualName(i int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	return "vprod" + string(letters[(i/26)%26]) + string(letters[i%26])
}
