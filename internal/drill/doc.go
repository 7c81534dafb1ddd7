// Package drill runs failover drills with real processes: a 3-server Consul cluster, one
// Consul client agent and one eoskeeper agent per host, and the simulated nodeos network
// (cmd/nodeosnet) as its own process. Where the machine allows it (root, ip netns), every host
// A, B, C and F lives in its own network namespace with two veth links: one to the Consul
// bridge (10.77.0.0/24) and one to the chain bridge (10.77.1.0/24) where nodeosnet serves the
// nodes' APIs, so "cut off from Consul" is a link taken down. Otherwise everything runs on
// loopback and the scenarios that need a real cut are skipped.
//
// Each scenario starts from a fresh steady state (A producing, B and C healthy standbys, F
// watching) in its own run directory, injects one fault, and judges the outcome by the
// nodeosnet referee: double-produced turns, our missed turns, and time to failover; and by the
// path the new holder reports for its takeover (Status.LastTakeover: handoff, evidence,
// switchover, last-producer). Faults that depend on where they land are timed on nodeosnet's
// clock and schedule: right after one of our turns ends, or at the first slot of one.
package drill
