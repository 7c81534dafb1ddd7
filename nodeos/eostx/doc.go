// Package eostx builds, serializes, signs and pushes EOS (Antelope) transactions: account
// names, K1 keys and signatures in their text forms, the binary transaction encoding, the
// signing digest, and a push to nodeos's /v1/chain/push_transaction with nodeos's errors
// decoded. It covers what a block producer's failover needs (eosio::actfinkey), not the ABI.
package eostx
