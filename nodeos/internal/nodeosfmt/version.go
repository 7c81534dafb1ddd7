package nodeosfmt

import "time"

// Version is one nodeos release family: what it logs and how its HTTP replies differ from the
// other releases'. Everything the simulated nodes and the tests need to imitate a release is
// here; docs/nodeos.md quotes the sources.
type Version struct {
	// Name identifies the release family, e.g. "spring".
	Name string
	// Release is the server_version_string a node of this family reports by default.
	Release string

	// Log messages (docs/nodeos.md, Log lines). A Msg without a Format is one the release
	// does not write.

	// Produced is "Produced block …" (blocks this node signed) and Received "Received block …".
	Produced, Received Msg
	// ConfsSuffix makes ${confs} in the block lines "" for a proper Savanna block and
	// ", confirmed: N" otherwise, as Spring's controller.cpp builds it; else it is the number.
	ConfsSuffix bool
	// SwitchForks is "switching forks from …" (Fork values).
	SwitchForks Msg
	// DoubleProduced is "<producer> double produced block <n>" (Spring 1.1.1 and later).
	DoubleProduced Msg
	// NotProducingPaused is "Not producing block because production is explicitly paused".
	NotProducingPaused Msg
	// NoRecentVotes is Spring's implicit vote-timeout pause, the configured-producer form.
	NoRecentVotes Msg
	// Paused and Resumed are logged by /v1/producer/pause and resume.
	Paused, Resumed Msg
	// Launching is the start-up line of a node with a producer-name.
	Launching Msg
	// GenerationChange is Spring's "Finalizer policy generation change: …".
	GenerationChange Msg

	// HTTP replies (docs/nodeos.md, HTTP API).

	// InfoWeights: get_info has total_cpu_weight, total_net_weight and
	// earliest_available_block_num (Leap 3.1 and later).
	InfoWeights bool
	// InfoLIBTime: get_info has last_irreversible_block_time (EOSIO 2.1 and later).
	InfoLIBTime bool
	// BlockInfoAPI: the node serves /v1/chain/get_block_info.
	BlockInfoAPI bool
	// FinalizerInfoAPI: the node serves /v1/chain/get_finalizer_info (Spring).
	FinalizerInfoAPI bool
	// InstantFinality: the release runs Savanna, with BLS finalizer votes and the implicit
	// vote-timeout production pause that /v1/producer/paused includes (Spring).
	InstantFinality bool
	// RuntimeOptions is the body of /v1/producer/get_runtime_options with default settings.
	RuntimeOptions string
	// Connection lists the members of a /v1/net/connections entry (connection_status), in order.
	Connection []string
	// Handshake lists the members of a connection's last_handshake (handshake_message), in order.
	Handshake []string
	// Agent is the handshake's agent string of a node of this release.
	Agent string
}

// AppendProduced appends the Produced block line of blk, logged at at, without the newline.
func (v *Version) AppendProduced(b []byte, at time.Time, blk Block) []byte {
	blk.confsSuffix = v.ConfsSuffix
	return v.Produced.AppendLine(b, at, blk)
}

// AppendReceived appends the Received block line of blk, logged at at, without the newline.
func (v *Version) AppendReceived(b []byte, at time.Time, blk Block) []byte {
	blk.confsSuffix = v.ConfsSuffix
	return v.Received.AppendLine(b, at, blk)
}

// Lookup returns the version named name.
func Lookup(name string) (*Version, bool) {
	for _, v := range Versions {
		if v.Name == name {
			return v, true
		}
	}
	return nil, false
}
