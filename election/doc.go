// Package election is the Consul lock that decides which agent may produce
// for one producer account, with a fence clock of its own.
//
// It follows the shape of etcd's concurrency package: the caller's loop owns
// every decision, so there are no callbacks and no blocking campaign. An
// Election makes one-attempt TryAcquire calls; a successful one returns a
// Term whose Lost channel closes as soon as holding can no longer be proven
// and whose FenceBy says by when the holder must have stopped producing.
// Leader reads the lock key, Watch follows it with Consul blocking queries,
// and SetMaintenance/Maintenance manage a flag beside it.
//
// # Keys and values
//
// The lock key is <prefix>/<producer>/leader (prefix "eoskeeper" by default)
// and holds a JSON Record with a format marker: holder node, role, session,
// acquisition time, the producer's watermark (last block: number, slot,
// node) and, after a planned switchover, a Handoff naming the target. The
// record stays in the key after release. A value without the marker is
// never overwritten (ErrForeignValue). The maintenance flag lives at
// <prefix>/<producer>/maintenance and an operator's hand-off request at
// <prefix>/<producer>/switchover; WatchMaintenance and WatchHandoffRequest
// follow them with blocking queries.
//
// # Sessions
//
// Each term creates its own session through the raw /v1/session/create
// endpoint: TTL, lock-delay, behaviour release, no node checks (serfHealth
// is never bound, so gossip trouble and agent restarts without leave do not
// invalidate it) and only the service checks the caller names. The Go API's
// Lock is not used: its monitor never sees renewal failures, so a
// partitioned holder can believe it holds the lock for minutes. The lock
// key is never written with a plain put (that resets its lock index); the
// holder's writes are transactions that check the session and the key's
// index before a lock operation by the same session, and Release unlocks in
// a transaction that checks the session, then destroys the session.
//
// # The bound
//
// Let S be the send time of the last renewal Consul answered with 200 (the
// session's creation for a new term). Consul arms the session timer when it
// processes a renewal, after S, and never frees the key before a full TTL
// after that; leader changes only re-arm timers later. Every other
// invalidation (destroy, node leave, a bound check turning critical) happens
// after S too, since a renewal processed after it would have failed, and
// leaves the key to nobody for LockDelay. Hence no rival can hold the lock
// at or before
//
//	FenceBy = S + min(SessionTTL, LockDelay)
//
// as measured on the holder's monotonic clock (clock rate differences
// between hosts aside). The term's goroutine renews every RenewInterval,
// retrying failures with backoff, and between renewals watches the key with
// consistent blocking queries. Every request's deadline is at most
// S + LostAfter, so Lost closes
//
//   - at most LostAfter after S (plus scheduling delay) when renewals keep
//     failing: Consul unreachable, the local agent stopped, a network cut;
//   - as soon as a renewal is answered 404 or the watch sees the key
//     deleted, released, held by another session, or rewritten (lock index
//     or record changed): within one blocking-query round trip, or one
//     RequestTimeout if a renewal is in flight.
//
// Validate requires LostAfter < SessionTTL and LostAfter <= LockDelay, so
// Lost closes at least min(SessionTTL, LockDelay) - LostAfter before
// FenceBy: that is the time the holder has to pause its producer. Deleting
// or overwriting the lock key by hand bypasses lock-delay; such a key is
// free at once, and only the watch (milliseconds) stands between the
// holder's Lost and a fast rival's acquisition. Never touch the key; destroy
// the session instead.
//
// # Concurrency
//
// Election and Term methods are safe for concurrent use. Each Term runs one
// goroutine, started by TryAcquire, which exits when Lost closes; Release
// stops it and waits for it. Watch runs one goroutine until its context
// ends and closes its channel on exit.
package election
