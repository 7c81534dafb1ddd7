package election

import "errors"

// Errors returned by the election. Callers compare with errors.Is; transport
// errors from the Consul client are wrapped and passed through.
var (
	// ErrHeld is returned by TryAcquire when another session holds the lock.
	ErrHeld = errors.New("election: lock held by another session")
	// ErrLockDelay is returned by TryAcquire while Consul's lock-delay, armed
	// when the previous holder's session was invalidated, refuses the lock.
	ErrLockDelay = errors.New("election: lock refused during lock-delay")
	// ErrConflict is returned by TryAcquire when the lock key changed between
	// reading it and trying to lock it.
	ErrConflict = errors.New("election: lock key changed during the attempt")
	// ErrForeignValue is returned when the lock or maintenance key holds a
	// value that is not an eoskeeper record; the election never overwrites it.
	ErrForeignValue = errors.New("election: key holds a value that is not an eoskeeper record")

	// ErrLost is returned by a Term's writes once leadership can no longer be
	// proven; Term.Err then says why.
	ErrLost = errors.New("election: leadership lost")
	// ErrRenewTimeout is the Lost reason when no session renewal succeeded
	// within Config.LostAfter.
	ErrRenewTimeout = errors.New("election: session renewal failed for too long")
	// ErrSessionInvalidated is the Lost reason when Consul no longer knows the
	// session (destroyed, expired, or its node or a bound check failed).
	ErrSessionInvalidated = errors.New("election: session invalidated")
	// ErrKeyDeleted is the Lost reason when the lock key was deleted.
	ErrKeyDeleted = errors.New("election: lock key deleted")
	// ErrKeyOverwritten is the Lost reason when the lock key was written by
	// something other than this term (its lock index or record changed).
	ErrKeyOverwritten = errors.New("election: lock key overwritten")
	// ErrNotHeld is the Lost reason when the lock key is no longer held by
	// this term's session, and Release's error when there was nothing to
	// release.
	ErrNotHeld = errors.New("election: lock not held by this session")
	// ErrReleased is the Lost reason after Release, and the error of a second
	// Release.
	ErrReleased = errors.New("election: term released")
	// ErrNotReleased is returned by Term.Retire on a term that was never released.
	ErrNotReleased = errors.New("election: term not released")

	// ErrInvalidConfig wraps every Config.Validate error.
	ErrInvalidConfig = errors.New("election: invalid config")
)

// errDestroy marks a failure to destroy a term's session.
var errDestroy = errors.New("election: destroy session")
