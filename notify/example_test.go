package notify_test

import (
	"context"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
	"github.com/eoskeeper/eoskeeper/notify/notifytest"
)

// A keeper reports a fault twice and then its end; the channel hears of it once, and once
// more when it clears.
func Example() {
	chat := notifytest.NewRecorder("chat")
	d, err := notify.NewDispatcher(notify.DispatcherConfig{
		Channels: []notify.ChannelConfig{{Channel: chat}},
		Node:     "bp-a", Role: "A", Producer: "eosstorebest",
		Location: time.UTC,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()

	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	stalled := notify.Alert{
		Key: "head_stalled", Severity: notify.Critical, State: notify.Fired,
		Message: "head not advancing for 12s", Figures: []notify.Figure{notify.Fig("head", 1234), notify.Fig("peers", 7)},
		Time: at,
	}
	d.Notify(stalled)
	d.Notify(stalled) // already firing: not sent again
	stalled.State, stalled.Message = notify.Resolved, "head advancing"
	d.Notify(stalled)

	msgs, err := chat.Wait(ctx, 2)
	cancel()
	<-done
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msgs[0].Text)
	fmt.Println(msgs[1].Alert.State)
	// Output:
	// [CRITICAL] head_stalled FIRING
	// host: bp-a  role: A  producer: eosstorebest
	// head not advancing for 12s
	// head: 1234  peers: 7
	// 2026-03-01 10:00:00 UTC
	// resolved
}
