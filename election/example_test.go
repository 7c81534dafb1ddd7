package election_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/hashicorp/consul/api"
)

// Example shows a holder's life: acquire, keep the watermark current, and
// either react to Lost by pausing before FenceBy, or hand the lock over.
// It needs a Consul agent on 127.0.0.1:8500 and prints nothing when none is
// there, so it has no Output section.
func Example() {
	client, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		return
	}
	e, err := election.New(election.Config{Client: client, Producer: "eosstorebest", Node: "host-a"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	term, err := e.TryAcquire(ctx, election.Record{Role: "A"})
	switch {
	case errors.Is(err, election.ErrHeld), errors.Is(err, election.ErrLockDelay):
		fmt.Println("standing by")
		return
	case err != nil:
		return // Consul unreachable: stay paused.
	}
	_ = term.UpdateWatermark(ctx, election.Watermark{BlockNum: 1000, Slot: 42, Node: "host-a"})

	select {
	case <-term.Lost():
		// Pause the producer now; it must be paused before term.FenceBy().
		fmt.Println("lost:", term.Err(), "pause before", term.FenceBy())
		_ = term.Release(context.Background(), nil)
	case <-time.After(time.Second):
		// Planned switchover: pause first, then record the hand-off.
		_ = term.Release(ctx, &election.Handoff{To: "host-b", Watermark: term.Record().Watermark})
		rec, held, _ := e.Leader(ctx)
		fmt.Println("handed off to", rec.Handoff.To, "held:", held)
	}
}
