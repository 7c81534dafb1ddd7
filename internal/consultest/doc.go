// Package consultest runs real Consul agents for tests, in the spirit of
// net/http/httptest and Consul's sdk/testutil.
//
// Start forks the consul binary in dev mode on 127.0.0.1 with free ports,
// waits until it has elected itself leader and stops it in t.Cleanup.
// StartCluster runs a three-server cluster (optionally with client agents)
// whose leader a test can kill. NewProxy puts a TCP proxy in front of any
// address so a test can cut the network between a Consul client and its agent
// and restore it later. WithACL turns Consul's ACL system on with a deny-by-default
// policy and a known management token, for tests of least-privilege tokens.
//
// The binary is found through $EOSKEEPER_CONSUL, then <module root>/bin/consul
// (built by `make consul`), then $PATH. When none exists the test is skipped
// with the reason, unless EOSKEEPER_INTEGRATION=required, in which case it
// fails. Agent output is kept in memory and printed only when the test fails
// or runs with -v.
package consultest
