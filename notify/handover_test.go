package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
	"github.com/eoskeeper/eoskeeper/notify/notifytest"
)

// dispatcherOn builds a dispatcher on clk.
func dispatcherOn(t *testing.T, clk *notifytest.Clock, cfg notify.DispatcherConfig) *notify.Dispatcher {
	t.Helper()
	cfg.Clock = clk
	cfg.Logger = testLogger(t)
	cfg.Location = time.UTC
	d, err := notify.NewDispatcher(cfg)
	if err != nil {
		t.Fatalf("NewDispatcher: %v", err)
	}
	return d
}

func TestHandOverKeepsFiringAlerts(t *testing.T) {
	clk := notifytest.NewClock(t0)
	oldChat := notifytest.NewRecorder("chat")
	old := dispatcherOn(t, clk, notify.DispatcherConfig{
		Channels:       []notify.ChannelConfig{{Channel: oldChat}},
		RepeatInterval: 30 * time.Minute,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- old.Run(ctx) }()
	old.Notify(fire("a", notify.Warning))
	old.Notify(fire("b", notify.Critical))
	check(t, "old channel", wait(t, oldChat, 2), "a/fired/0 b/fired/0")

	// A running dispatcher cannot hand over.
	next := dispatcherOn(t, clk, notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: notifytest.NewRecorder("chat")}}})
	if err := old.HandOver(next); !errors.Is(err, notify.ErrNotStopped) {
		t.Fatalf("HandOver while running = %v, want ErrNotStopped", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Queued after the old loop stopped: the new dispatcher handles it.
	old.Notify(fire("c", notify.Warning))

	chat := notifytest.NewRecorder("chat")   // the same channel, reconfigured
	pager := notifytest.NewRecorder("pager") // a channel the old configuration did not have
	next = dispatcherOn(t, clk, notify.DispatcherConfig{
		Channels:       []notify.ChannelConfig{{Channel: chat}, {Channel: pager}},
		RepeatInterval: 30 * time.Minute,
	})
	if err := old.HandOver(next); err != nil {
		t.Fatalf("HandOver: %v", err)
	}
	run(t, next)

	// The chat channel was told of a and b already: only c is new to it. The pager hears of all
	// three as new alerts.
	check(t, "chat after reload", wait(t, chat, 1), "c/fired/0")
	check(t, "pager after reload", wait(t, pager, 3), "a/fired/0 b/fired/0 c/fired/0")
	if got := next.Stats().Firing; got != 3 {
		t.Errorf("Firing after hand-over = %d, want 3", got)
	}
	if msgs := wait(t, pager, 3); msgs[0].Since != t0 {
		t.Errorf("a's start time = %v, want it kept from the old dispatcher (%v)", msgs[0].Since, t0)
	}

	// Resolving an alert the old dispatcher fired reaches the channel that was told.
	next.Notify(resolve("a"))
	check(t, "chat resolved", wait(t, chat, 2)[1:], "a/resolved/0")
	check(t, "pager resolved", wait(t, pager, 4)[3:], "a/resolved/0")

	// The repeat of b keeps its count and its time (t0+30m) on chat.
	blockUntil(t, clk, 1)
	clk.Advance(30 * time.Minute)
	got := summary(wait(t, chat, 4)[2:])
	if got != "b/fired/1 c/fired/1" {
		t.Errorf("chat repeats at t0+30m = %q, want \"b/fired/1 c/fired/1\"", got)
	}
}

func TestHandOverRefusesRunningTarget(t *testing.T) {
	clk := notifytest.NewClock(t0)
	chans := []notify.ChannelConfig{{Channel: notifytest.NewRecorder("chat")}}
	old := dispatcherOn(t, clk, notify.DispatcherConfig{Channels: chans})
	next := dispatcherOn(t, clk, notify.DispatcherConfig{Channels: chans})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := next.Run(ctx); err != nil { // started (and stopped at once)
		t.Fatal(err)
	}
	if err := old.HandOver(next); !errors.Is(err, notify.ErrRunning) {
		t.Fatalf("HandOver to a running dispatcher = %v, want ErrRunning", err)
	}
}

func TestHandOverFromUnstarted(t *testing.T) {
	clk := notifytest.NewClock(t0)
	old := dispatcherOn(t, clk, notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: notifytest.NewRecorder("chat")}}})
	old.Notify(fire("a", notify.Warning))
	rec := notifytest.NewRecorder("chat")
	next := dispatcherOn(t, clk, notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec}}})
	if err := old.HandOver(next); err != nil {
		t.Fatalf("HandOver: %v", err)
	}
	run(t, next)
	check(t, "queued alert", wait(t, rec, 1), "a/fired/0")
}
