package election

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/consul/api"
)

// maintenanceFormat marks a maintenance key value.
const maintenanceFormat = "eoskeeper.maintenance/v1"

// MaintenanceState is the maintenance flag beside the lock key. While On,
// agents take no automatic action and keep reporting.
type MaintenanceState struct {
	// On reports whether maintenance mode is on.
	On bool `json:"on"`
	// Reason is the operator's note.
	Reason string `json:"reason,omitempty"`
	// By names who changed the flag.
	By string `json:"by,omitempty"`
	// At is when the flag was last changed.
	At time.Time `json:"at"`
}

type maintenanceJSON struct {
	Format string `json:"format"`
	MaintenanceState
}

// SetMaintenance writes the maintenance flag. Turning it off keeps the
// record of who did so and why.
func (e *Election) SetMaintenance(ctx context.Context, on bool, reason, by string) error {
	b, err := json.Marshal(maintenanceJSON{
		Format:           maintenanceFormat,
		MaintenanceState: MaintenanceState{On: on, Reason: reason, By: by, At: time.Now().UTC()},
	})
	if err != nil {
		return fmt.Errorf("election: encode maintenance: %w", err)
	}
	wo := (&api.WriteOptions{}).WithContext(ctx)
	if _, err := e.cfg.Client.KV().Put(&api.KVPair{Key: e.maintenanceKey, Value: b}, wo); err != nil {
		return fmt.Errorf("election: set maintenance %s: %w", e.maintenanceKey, err)
	}
	e.log.Info("maintenance flag written", "key", e.maintenanceKey, "on", on, "by", by)
	return nil
}

// Maintenance reads the maintenance flag; a missing key means off. A value
// that is not a maintenance record is ErrForeignValue.
func (e *Election) Maintenance(ctx context.Context) (MaintenanceState, error) {
	pair, _, err := e.cfg.Client.KV().Get(e.maintenanceKey, (&api.QueryOptions{}).WithContext(ctx))
	if err != nil {
		return MaintenanceState{}, fmt.Errorf("election: maintenance %s: %w", e.maintenanceKey, err)
	}
	return e.decodeMaintenance(pair)
}

// MaintenanceUpdate is one observation of the maintenance flag sent by WatchMaintenance.
type MaintenanceUpdate struct {
	State MaintenanceState
	// Err is set when the last query failed (State then repeats the last good one) or the
	// value is not a maintenance record.
	Err error
}

// WatchMaintenance follows the maintenance flag with Consul blocking queries and sends each
// change, starting with the current state, on a channel that keeps only the latest one. The
// channel closes after ctx ends.
func (e *Election) WatchMaintenance(ctx context.Context) <-chan MaintenanceUpdate {
	ch := make(chan MaintenanceUpdate, 1)
	go func() {
		defer close(ch)
		var last MaintenanceUpdate
		e.watchKey(ctx, e.maintenanceKey, func(pair *api.KVPair, _ uint64, err error) {
			if err != nil {
				last.Err = fmt.Errorf("election: watch %s: %w", e.maintenanceKey, err)
			} else if st, err := e.decodeMaintenance(pair); err != nil {
				last.Err = err
			} else {
				last = MaintenanceUpdate{State: st}
			}
			publishLatest(ch, last)
		})
	}()
	return ch
}

func (e *Election) decodeMaintenance(pair *api.KVPair) (MaintenanceState, error) {
	if pair == nil {
		return MaintenanceState{}, nil
	}
	var v maintenanceJSON
	if err := json.Unmarshal(pair.Value, &v); err != nil {
		return MaintenanceState{}, fmt.Errorf("election: maintenance %s: %w: %w", e.maintenanceKey, ErrForeignValue, err)
	}
	if v.Format != maintenanceFormat {
		return MaintenanceState{}, fmt.Errorf("election: maintenance %s: %w: format %q", e.maintenanceKey, ErrForeignValue, v.Format)
	}
	return v.MaintenanceState, nil
}
