// Package nodeos talks to an EOS/Antelope nodeos node: a client for its HTTP API (chain, producer
// and net endpoints), a follower for its log that tells which blocks this node produced and which
// it received, the chain's schedule math (block slots, producer turns and rounds, missed turns),
// and a p2p peer count that works without net_api_plugin.
//
// The JSON shapes, status codes and log formats handled here are those of real nodeos (Spring,
// Leap and EOSIO releases); package nodeostest simulates a whole network of such nodes for tests.
package nodeos
