// Package consulreg registers an eoskeeper agent as a Consul service, so each node shows in
// the Consul UI with three checks:
//
//   - nodeos health: a TTL check the agent feeds from its status (passing when nodeos is
//     healthy, warning when reachable but unhealthy, critical when unreachable or unknown).
//     The election session can be bound to it (NodeosCheckID).
//   - producing: an HTTP check on the agent's /v1/producing endpoint (200 passing when
//     producing, 429 warning on a healthy standby, 503 critical).
//   - agent liveness: a TTL check refreshed on every sync; it goes critical when the agent
//     stops.
//
// The service ID is "<service>-<node>"; tags carry "role:<role>" and "leader" while the node
// holds the lock. Tags can only change by registering again, which Sync does with the checks'
// current statuses, so a re-registration never flips the nodeos check to critical (which
// would invalidate a session bound to it).
package consulreg
