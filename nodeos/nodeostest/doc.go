// Package nodeostest simulates a network of nodeos nodes for tests, in the manner of
// net/http/httptest: every Node serves the real nodeos HTTP API on 127.0.0.1 (same paths, JSON
// shapes, status codes and error bodies) and writes a log file in nodeos's console format, while
// the chain runs many times faster than real time.
//
// The network has an active schedule of Config.Producers producers. Ours is signed only by the
// nodes added with NodeConfig.ProducerNode, which start paused like nodeos with
// pause-on-startup; the others are virtual and always produce. A block slot passes every
// Config.BlockInterval of wall time, while block timestamps advance exactly 500 ms per slot, so
// all chain-time reasoning (turns, rounds, missed slots) holds unchanged.
//
//	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 3, BlockInterval: 10 * time.Millisecond})
//	a := net.AddNode(nodeostest.NodeConfig{Name: "A", ProducerNode: true})
//	b := net.AddNode(nodeostest.NodeConfig{Name: "B", ProducerNode: true})
//	net.Start()
//	defer net.Close()
//	// ... drive a.URL and b.URL through the keeper, then:
//	if err := nodeostest.CheckNoDoubleProduction(net.Ledger()); err != nil {
//		t.Fatal(err)
//	}
//
// In our producer's slots every producer node that is alive, not stalled and not paused signs a
// block. When two do, both blocks exist: the ledger records both, the losing node and the other
// nodes log a fork switch and, in Spring, "<producer> double produced block <n>". The referee
// methods (Ledger, OurBlocks, DoubleProduced, Missed) and CheckNoDoubleProduction tell what
// happened. Faults are injected per node (Kill, Restart, Hang, Stall, SetPeers, Fail500,
// Malformed, RotateLog) or on the network (Partition, Heal, SetActiveFinalizerKey).
//
// With Config.Finalizers (Spring, Savanna mode) the node holding our producer's active BLS
// finalizer key votes while alive, paused or not, and a producer node pauses itself implicitly
// when that key has not voted for Config.VoteTimeoutBlocks, as Spring's
// production-pause-vote-timeout-ms does; /v1/producer/resume clears the implicit pause until the
// limit is hit again.
//
// Config.LogFormat selects the nodeos release the nodes imitate, in their log lines and replies;
// LogFormats lists every release they know.
//
// For drills outside go test, NodeConfig.Addr fixes a node's listen address and
// Network.ControlHandler serves the fault knobs and the referee as a small JSON API.
//
// One goroutine owns the chain clock; all state is guarded by one mutex, so every method is safe
// for concurrent use. Close stops the clock and the nodes and waits for outstanding requests.
// Constructors panic on invalid configuration, as httptest does.
package nodeostest
