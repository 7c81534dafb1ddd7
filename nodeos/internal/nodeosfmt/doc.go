// Package nodeosfmt is where the nodeos releases eoskeeper knows differ: the log messages each
// release writes (format string, level and source location) and the shape of its HTTP replies,
// one Version per release family in Versions. It also lays out log lines as fc's console
// appender does.
//
// The simulated nodes of nodeostest, the benchmark log generator and the log parser's tests all
// write their lines through this package, so a release is added by adding its Version to
// Versions. The texts are those quoted in docs/nodeos.md (HTTP API; Log lines).
package nodeosfmt
