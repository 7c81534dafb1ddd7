package keeper

// The alert keys the scenario tests (package keeper_test) wait for.
const (
	AlertAPIFailing          = alertAPIFailing
	AlertConsulUnreachable   = alertConsulUnreachable
	AlertFailover            = alertFailover
	AlertFenceFailed         = alertFenceFailed
	AlertFinalizerElsewhere  = alertFinalizerElsewhere
	AlertFinalizerKey        = alertFinalizerKey
	AlertHolderMissed        = alertHolderMissed
	AlertHolderPaused        = alertHolderPaused
	AlertHolderUnhealthy     = alertHolderUnhealthy
	AlertLockFreeProducing   = alertLockFreeProducing
	AlertLockLost            = alertLockLost
	AlertMaintenance         = alertMaintenance
	AlertUnpausedWithoutLock = alertUnpausedWithoutLock
)
