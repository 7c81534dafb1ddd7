// Package sim runs the real keeper code against a simulated world in virtual time: a chain
// with our producer's turns, nodeos nodes, a Consul lock with Consul's session semantics,
// agent processes, an operator, and a nemesis that injects random, overlapping faults. One
// seed determines everything, so any failure replays exactly from its seed.
//
// Every agent runs a keeper.Keeper stepped with keeper.Step, the same code path keeper.Run
// takes in production. Each agent runs on its own goroutine, but only one goroutine (the
// scheduler or one agent) runs at a time: every call an agent makes into the world (a nodeos
// call, a Consul request, a timer) parks it until virtual time reaches the call's completion,
// while the scheduler processes the world's other events in time order. Calls therefore
// interleave as they would in reality, and the order is fixed by the seed.
//
// After every event the invariants are checked (see Violation): never two nodes producing in
// one slot, never two unpaused nodes whose agents believe they hold the lock, every takeover
// backed by its rule, and a bound on missed turns once the faults stop.
package sim
