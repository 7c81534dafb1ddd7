package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
)

// errPauseAborted is pauseConfirmed's error when its abort channel closed first.
var errPauseAborted = errors.New("pause abandoned: the lock was lost meanwhile")

// pauseConfirmed pauses nodeos and waits until it answers paused == true, retrying until
// deadline. When abort closes first (the lock was lost during a resignation), it stops at once
// so fencing can take over with the term's own deadline. A nodeos that refuses every
// connection for downConfirm is down: pauseConfirmed returns the refusal then rather than at
// the deadline, since nothing listens that a retry could reach, and a nodeos that starts again
// starts paused.
func (k *Keeper) pauseConfirmed(ctx context.Context, deadline time.Time, abort <-chan struct{}) error {
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if abort != nil {
		go func() {
			select {
			case <-abort:
				cancel()
			case <-dctx.Done():
			}
		}()
	}
	var last error
	var refusedSince time.Time // start of the current run of refused connections
	for attempt := 0; ; attempt++ {
		select {
		case <-abort:
			return fmt.Errorf("%w: %w", errPauseAborted, nonNil(last))
		default:
		}
		if err := k.tryPause(dctx); err == nil {
			k.obs.paused, k.obs.pausedKnown = true, true
			return nil
		} else {
			last = err
		}
		switch {
		case !nodeosDown(last):
			refusedSince = time.Time{}
		case refusedSince.IsZero():
			refusedSince = k.now()
		case k.now().Sub(refusedSince) >= downConfirm:
			return fmt.Errorf("connections refused for %s: %w", k.now().Sub(refusedSince).Round(time.Millisecond), last)
		}
		if attempt == 0 && !k.retryingResign {
			k.log.Warn("pause not confirmed yet; retrying", "error", last, "deadline", deadline)
		}
		if !k.now().Add(retryPause).Before(deadline) {
			return fmt.Errorf("pause not confirmed before %s: %w", deadline.Format(time.RFC3339Nano), last)
		}
		select {
		case <-dctx.Done():
			return fmt.Errorf("pause not confirmed before %s: %w", deadline.Format(time.RFC3339Nano), last)
		case <-k.clock.After(retryPause):
		}
	}
}

// nonNil returns err, or a placeholder when there is none, for wrapping.
func nonNil(err error) error {
	if err == nil {
		return errors.New("no attempt made")
	}
	return err
}

// retryPause is the pause retry interval while fencing.
const retryPause = 100 * time.Millisecond

// downConfirm is how long nodeos must refuse every connection before pauseConfirmed takes it
// for down: a few retries, so one refusal from a listener being rebound is not enough.
const downConfirm = 3 * retryPause

// tryPause asks nodeos to pause once and confirms paused == true.
func (k *Keeper) tryPause(ctx context.Context) error {
	if _, err := callNode(ctx, k, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, k.deps.Node.Pause(ctx)
	}); err != nil {
		return err
	}
	p, err := callNode(ctx, k, k.deps.Node.Paused)
	if err != nil {
		return err
	}
	if !p {
		return errors.New("nodeos still reports paused == false")
	}
	return nil
}

// resumeConfirmed resumes nodeos and confirms paused == false, provided the term still holds.
func (k *Keeper) resumeConfirmed(ctx context.Context) error {
	if termLost(k.term) {
		return errors.New("lock lost before resume")
	}
	if _, err := callNode(ctx, k, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, k.deps.Node.Resume(ctx)
	}); err != nil {
		return err
	}
	p, err := callNode(ctx, k, k.deps.Node.Paused)
	if err != nil {
		return err
	}
	if p {
		return errors.New("nodeos still reports paused == true after resume")
	}
	k.obs.paused, k.obs.pausedKnown = false, true
	return nil
}

// pauseUnheld pauses a nodeos that produces while this node does not hold the lock, and raises
// the critical alert that says so.
func (k *Keeper) pauseUnheld(ctx context.Context, when string) {
	err := k.pauseConfirmed(ctx, k.now().Add(k.cfg.CallTimeout*2), nil)
	k.alerts.raise(k.now(), alertUnpausedWithoutLock, notify.Critical,
		fmt.Sprintf("nodeos was producing without the lock (%s); paused: %t", when, err == nil), k.figures())
	if err != nil {
		k.log.Error("cannot pause nodeos that produces without the lock", "error", err)
	}
}

// notePausedProduction runs once nodeos is confirmed paused under a term: without a log to
// say so block by block, every block of our producer up to nodeos's head at this moment was
// produced while this node held the lock resumed, so it is this node's.
func (k *Keeper) notePausedProduction(ctx context.Context) {
	if k.deps.Events != nil {
		return
	}
	info, err := callNode(ctx, k, k.deps.Node.Info)
	if err != nil {
		k.log.Warn("cannot read the head after pausing", "error", err)
		return
	}
	k.ownThrough = max(k.ownThrough, info.Head)
}
