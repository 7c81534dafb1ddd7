package notifytest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/notify"
	"github.com/eoskeeper/eoskeeper/notify/notifytest"
)

func TestClockTimers(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := notifytest.NewClock(start)
	early, late := c.NewTimer(time.Second), c.NewTimer(time.Minute)
	stopped := c.NewTimer(time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop must report true once, then false")
	}
	if err := c.BlockUntil(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	select {
	case got := <-early.C():
		if !got.Equal(start.Add(time.Second)) {
			t.Errorf("early fired with %s", got)
		}
	default:
		t.Fatal("timer due at +1s did not fire after Advance(1s)")
	}
	select {
	case <-late.C():
		t.Fatal("timer due at +1m fired at +1s")
	case <-stopped.C():
		t.Fatal("stopped timer fired")
	default:
	}
	if c.Timers() != 1 {
		t.Errorf("Timers() = %d, want 1", c.Timers())
	}
	select {
	case <-c.NewTimer(0).C():
	default:
		t.Fatal("a zero-duration timer must fire at once")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := c.BlockUntil(ctx, 5); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("BlockUntil(5) = %v, want deadline exceeded", err)
	}
}

func TestRecorderWaitAndFail(t *testing.T) {
	r := notifytest.NewRecorder("rec")
	r.Fail = func(m notify.Message) error {
		if m.Alert.Key == "bad" {
			return errors.New("refused")
		}
		return nil
	}
	go func() {
		_ = r.Send(context.Background(), notify.Message{Alert: notify.Alert{Key: "bad"}})
		_ = r.Send(context.Background(), notify.Message{Alert: notify.Alert{Key: "good"}})
	}()
	msgs, err := r.Wait(t.Context(), 1)
	if err != nil || len(msgs) != 1 || msgs[0].Alert.Key != "good" || r.Attempts() != 2 {
		t.Fatalf("Wait = %v, %v; attempts %d; want only the good message after 2 attempts", msgs, err, r.Attempts())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.Wait(ctx, 2); err == nil {
		t.Fatal("Wait for a message that never comes must fail")
	}
}
