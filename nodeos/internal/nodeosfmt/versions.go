package nodeosfmt

// Versions are the release families the simulated nodes imitate. nodeostest.LogFormat numbers
// them in this order, so a new release goes at the end.
var Versions = []*Version{&Spring, &Leap5, &EOSIO2}

// Lines every release writes alike (docs/nodeos.md, Pause and resume).
var (
	paused    = Msg{"info", Source{"producer_plugin.cpp", 1680, "pause"}, "Producer paused."}
	resumed   = Msg{"info", Source{"producer_plugin.cpp", 1690, "resume"}, "Producer resumed."}
	launching = Msg{"info", Source{"producer_plugin.cpp", 1500, "plugin_startup"}, "Launching block production for ${n} producers at ${time}."}
)

// Members of /v1/net/connections entries (docs/nodeos.md, net_api_plugin: connections).
var (
	handshakeLegacy = []string{"network_version", "chain_id", "node_id", "key", "time", "token", "sig", "p2p_address",
		"last_irreversible_block_num", "last_irreversible_block_id", "head_num", "head_id", "os", "agent", "generation"}
	handshakeSpring = []string{"network_version", "chain_id", "node_id", "key", "time", "token", "sig", "p2p_address",
		"fork_db_root_num", "fork_db_root_id", "fork_db_head_num", "fork_db_head_id", "os", "agent", "generation"}
)

// Bodies of /v1/producer/get_runtime_options (docs/nodeos.md, producer_api_plugin).
const (
	runtimeOptions       = `{"max_transaction_time":499,"max_irreversible_block_age":-1,"produce_block_offset_ms":450,"subjective_cpu_leeway_us":31000,"greylist_limit":1000}`
	runtimeOptionsLegacy = `{"max_transaction_time":30,"max_irreversible_block_age":-1,"produce_time_offset_us":0,"last_block_time_offset_us":-200000,"max_scheduled_transaction_time_per_block_ms":100,"subjective_cpu_leeway_us":31000,"incoming_defer_ratio":"1.00000000000000000","greylist_limit":1000}`
)

// Spring is Spring 1.1.1 and later: the block lines of every release since 1.0.2, plus the fork
// switch with producers and the double produced block warning added in 1.1.1.
var Spring = Version{
	Name:           "spring",
	Release:        "v1.2.2",
	Produced:       Msg{"info", Source{"controller.cpp", 3608, "log_applied"}, "Produced block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}${confs}, net: ${net}, cpu: ${cpu} us, elapsed: ${et} us, producing time: ${tt} us]"},
	Received:       Msg{"info", Source{"controller.cpp", 3614, "log_applied"}, "Received block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, net: ${net}, cpu: ${cpu} us, elapsed: ${elapsed} us, applying time: ${time} us, latency: ${latency} ms]"},
	ConfsSuffix:    true,
	SwitchForks:    Msg{"info", Source{"controller.cpp", 4507, "maybe_apply_blocks"}, "switching forks from ${chid} (block number ${chn} ${cp}) ${c} to ${nhid} (block number ${nhn} ${np}) ${n}"},
	DoubleProduced: Msg{"warn", Source{"controller.cpp", 4510, "maybe_apply_blocks"}, "${p} double produced block ${n}"},
	NotProducingPaused: Msg{"warn", Source{"producer_plugin.cpp", 2110, "determine_pending_block_mode"},
		"Not producing block because production is explicitly paused, block ${t}"},
	NoRecentVotes: Msg{"error", Source{"producer_plugin.cpp", 2140, "determine_pending_block_mode"},
		"Not producing block because no recent votes received from configured producer, block ${t}, last producer vote ${pv}, conflict block ${pct}"},
	Paused:           paused,
	Resumed:          resumed,
	Launching:        launching,
	GenerationChange: Msg{"info", Source{"block_header_state.cpp", 185, "finish_next"}, "Finalizer policy generation change: ${old_gen} -> ${new_gen}"},

	InfoWeights:      true,
	InfoLIBTime:      true,
	BlockInfoAPI:     true,
	FinalizerInfoAPI: true,
	InstantFinality:  true,
	RuntimeOptions:   runtimeOptions,
	Connection: []string{"peer", "remote_ip", "remote_port", "connecting", "syncing", "is_bp_peer", "is_bp_gossip_peer",
		"is_socket_open", "is_blocks_only", "is_transactions_only", "last_vote_received", "last_handshake"},
	Handshake: handshakeSpring,
	Agent:     "Spring Agent",
}

// Leap5 is Leap 5.x.
var Leap5 = Version{
	Name:               "leap5",
	Release:            "v5.0.3",
	Produced:           Msg{"info", Source{"producer_plugin.cpp", 2660, "produce_block"}, "Produced block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, confirmed: ${confs}, net: ${net}, cpu: ${cpu}, elapsed: ${et}, time: ${tt}]"},
	Received:           Msg{"info", Source{"producer_plugin.cpp", 694, "on_incoming_block"}, "Received block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, confirmed: ${confs}, net: ${net}, cpu: ${cpu}, elapsed: ${elapsed}, time: ${time}, latency: ${latency} ms]"},
	SwitchForks:        Msg{"info", Source{"controller.cpp", 2280, "maybe_switch_forks"}, switchForksLegacy},
	NotProducingPaused: Msg{"error", Source{"producer_plugin.cpp", 1935, "start_block"}, "Not producing block because production is explicitly paused"},
	Paused:             paused,
	Resumed:            resumed,
	Launching:          launching,

	InfoWeights:    true,
	InfoLIBTime:    true,
	BlockInfoAPI:   true,
	RuntimeOptions: runtimeOptions,
	Connection: []string{"peer", "remote_ip", "remote_port", "connecting", "syncing", "is_bp_peer",
		"is_socket_open", "is_blocks_only", "is_transactions_only", "last_handshake"},
	Handshake: handshakeLegacy,
	Agent:     "EOS Test Agent",
}

// EOSIO2 is EOSIO 2.0.x.
var EOSIO2 = Version{
	Name:               "eosio2",
	Release:            "v2.0.13",
	Produced:           Msg{"info", Source{"producer_plugin.cpp", 2204, "produce_block"}, "Produced block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, confirmed: ${confs}]"},
	Received:           Msg{"info", Source{"producer_plugin.cpp", 378, "on_incoming_block"}, "Received block ${id}... #${n} @ ${t} signed by ${p} [trxs: ${count}, lib: ${lib}, conf: ${confs}, latency: ${latency} ms]"},
	SwitchForks:        Msg{"info", Source{"controller.cpp", 1660, "maybe_switch_forks"}, switchForksLegacy},
	NotProducingPaused: Msg{"error", Source{"producer_plugin.cpp", 1742, "start_block"}, "Not producing block because production is explicitly paused"},
	Paused:             paused,
	Resumed:            resumed,
	Launching:          launching,

	RuntimeOptions: runtimeOptionsLegacy,
	Connection:     []string{"peer", "connecting", "syncing", "last_handshake"},
	Handshake:      handshakeLegacy,
	Agent:          "EOS Test Agent",
}

// switchForksLegacy is the fork switch line of Leap and EOSIO.
const switchForksLegacy = "switching forks from ${current_head_id} (block number ${current_head_num}) to ${new_head_id} (block number ${new_head_num})"
