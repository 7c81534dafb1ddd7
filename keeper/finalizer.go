package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// Finalizer makes this node's BLS finalizer key our producer's active one on Savanna chains
// (docs/nodeos.md §4: pausing production does not stop voting, each node holds its own key,
// and a producing node pauses itself when our active key stops voting). NodeosFinalizer
// builds one from a nodeos client and an activation function.
type Finalizer interface {
	// Key is this node's finalizer public key (PUB_BLS_...).
	Key() string
	// Keys returns our producer's finalizer keys in the active and the pending finalizer
	// policy. savanna is false on a chain without finalizer policies (legacy consensus), where
	// no key step is needed.
	Keys(ctx context.Context) (active, pending []string, savanna bool, err error)
	// Activate makes Key our producer's active finalizer key, e.g. by pushing eosio::actfinkey.
	Activate(ctx context.Context) error
}

// NodeosFinalizer is a Finalizer that reads the finalizer policies from nodeos and activates
// the key with activate.
func NodeosFinalizer(c *nodeos.Client, producer, key string, activate func(ctx context.Context) error) Finalizer {
	return &nodeosFinalizer{c: c, producer: producer, key: key, activate: activate}
}

type nodeosFinalizer struct {
	c             *nodeos.Client
	producer, key string
	activate      func(ctx context.Context) error
}

func (f *nodeosFinalizer) Key() string                        { return f.key }
func (f *nodeosFinalizer) Activate(ctx context.Context) error { return f.activate(ctx) }

func (f *nodeosFinalizer) Keys(ctx context.Context) (active, pending []string, savanna bool, err error) {
	info, err := f.c.GetFinalizerInfo(ctx)
	var apiErr *nodeos.APIError
	if errors.As(err, &apiErr) && apiErr.Status == 404 {
		return nil, nil, false, nil // not Spring: no finalizers
	}
	if err != nil {
		return nil, nil, false, err
	}
	if info.ActiveFinalizerPolicy == nil {
		return nil, nil, false, nil // Savanna not active yet
	}
	return policyKeys(info.ActiveFinalizerPolicy, f.producer), policyKeys(info.PendingFinalizerPolicy, f.producer), true, nil
}

func policyKeys(p *nodeos.FinalizerPolicy, producer string) []string {
	if p == nil {
		return nil
	}
	var keys []string
	for _, fa := range p.Finalizers {
		if fa.Description == producer {
			keys = append(keys, fa.PublicKey)
		}
	}
	return keys
}

// activateFinalizer runs after acquiring the lock and before resuming: on a Savanna chain
// whose active policy does not carry this node's key for our producer, it activates the key
// and waits until the active or pending policy shows it, at most FinalizerWaitSlots of chain
// time. A failure raises a critical alert; production is resumed anyway, since a producer
// that resumes may still sign until its vote timeout, and a standby cannot do better.
func (k *Keeper) activateFinalizer(ctx context.Context) {
	f := k.deps.Finalizer
	if f == nil {
		return
	}
	now := k.now()
	active, pending, savanna, err := callFinalizerKeys(ctx, k, f)
	if err != nil {
		k.alerts.raise(now, alertFinalizerKey, notify.Critical, "cannot read the finalizer policies: "+err.Error(), k.figures())
		return
	}
	if !savanna || slices.Contains(active, f.Key()) {
		k.alerts.clear(now, alertFinalizerKey)
		return
	}
	k.log.Info("activating this node's finalizer key", "key", f.Key(), "active", active)
	actx, cancel := k.within(ctx, 4*k.cfg.CallTimeout)
	err = f.Activate(actx)
	cancel()
	if err != nil {
		k.alerts.raise(k.now(), alertFinalizerKey, notify.Critical,
			"could not activate this node's finalizer key (nodeos will pause itself for lack of votes): "+err.Error(), k.figures())
		return
	}
	deadline := k.now().Add(time.Duration(k.cfg.FinalizerWaitSlots) * k.cfg.BlockInterval)
	for {
		active, pending, _, err = callFinalizerKeys(ctx, k, f)
		if err == nil && (slices.Contains(active, f.Key()) || slices.Contains(pending, f.Key())) {
			k.alerts.clear(k.now(), alertFinalizerKey)
			k.log.Info("finalizer key scheduled", "key", f.Key(), "active", slices.Contains(active, f.Key()))
			return
		}
		if k.now().After(deadline) {
			k.alerts.raise(k.now(), alertFinalizerKey, notify.Critical,
				fmt.Sprintf("finalizer key activation not visible after %d block slots (active %v, pending %v)", k.cfg.FinalizerWaitSlots, active, pending),
				k.figures())
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-k.term.Lost():
			return // the loop fences next
		case <-k.clock.After(k.cfg.BlockInterval):
		}
	}
}

// callFinalizerKeys reads the finalizer policies with the keeper's per-call timeout.
func callFinalizerKeys(ctx context.Context, k *Keeper, f Finalizer) (active, pending []string, savanna bool, err error) {
	cctx, cancel := k.within(ctx, k.cfg.CallTimeout)
	defer cancel()
	active, pending, savanna, err = f.Keys(cctx)
	if err != nil {
		err = fmt.Errorf("nodeos: get_finalizer_info: %w", err)
	}
	return active, pending, savanna, err
}

// finalizerCheckTicks is how often, in ticks, a holder checks that our producer's active
// finalizer key is its own (30 s at the default 1 s poll).
const finalizerCheckTicks = 30

// checkFinalizer, on the holder, raises an alert when our producer's active finalizer key is
// not this node's: the key votes from a node that does not produce, and if that node dies the
// producing node pauses itself.
func (k *Keeper) checkFinalizer(ctx context.Context) {
	f := k.deps.Finalizer
	now := k.now()
	if f == nil || now.Sub(k.finalizerChecked) < finalizerCheckTicks*k.cfg.PollInterval {
		return
	}
	k.finalizerChecked = now
	active, pending, savanna, err := callFinalizerKeys(ctx, k, f)
	if err != nil {
		k.log.Debug("cannot check the active finalizer key", "error", err)
		return
	}
	elsewhere := savanna && !slices.Contains(active, f.Key()) && !slices.Contains(pending, f.Key())
	k.alerts.set(now, elsewhere, alertFinalizerElsewhere, notify.Critical,
		fmt.Sprintf("our producer's active finalizer key %v is not this producing node's (%s)", active, f.Key()), k.figures())
}
