package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/notify"
	"github.com/eoskeeper/eoskeeper/notify/notifytest"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// testLogger routes dispatcher logs into the test log.
func testLogger(t *testing.T) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: t.Name(), Level: hclog.Debug, Output: testWriter{t}})
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newDispatcher builds a dispatcher on a fake clock.
func newDispatcher(t *testing.T, cfg notify.DispatcherConfig) (*notify.Dispatcher, *notifytest.Clock) {
	t.Helper()
	clk := notifytest.NewClock(t0)
	cfg.Clock = clk
	cfg.Logger = testLogger(t)
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	d, err := notify.NewDispatcher(cfg)
	if err != nil {
		t.Fatalf("NewDispatcher: %v", err)
	}
	return d, clk
}

// run starts d.Run and stops it (waiting for it to return) at cleanup.
func run(t *testing.T, d *notify.Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wait(t *testing.T, r *notifytest.Recorder, n int) []notify.Message {
	t.Helper()
	msgs, err := r.Wait(waitCtx(t), n)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func blockUntil(t *testing.T, clk *notifytest.Clock, n int) {
	t.Helper()
	if err := clk.BlockUntil(waitCtx(t), n); err != nil {
		t.Fatalf("waiting for %d timers (have %d): %v", n, clk.Timers(), err)
	}
}

// summary renders messages as "key/state/repeat" for comparison.
func summary(msgs []notify.Message) string {
	var s []string
	for _, m := range msgs {
		if m.Kind == notify.KindDigest {
			s = append(s, "digest")
			continue
		}
		s = append(s, fmt.Sprintf("%s/%s/%d", m.Alert.Key, m.Alert.State, m.Repeat))
	}
	return strings.Join(s, " ")
}

func check(t *testing.T, what string, msgs []notify.Message, want string) {
	t.Helper()
	if got := summary(msgs); got != want {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}

// waitStats polls the first channel's stats until cond holds or a deadline passes; the
// counters are updated just after the channel returns, so they may lag the recorder.
func waitStats(t *testing.T, d *notify.Dispatcher, cond func(notify.ChannelStats) bool) notify.ChannelStats {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := d.Stats().Channels[0]
		if cond(st) || time.Now().After(deadline) {
			return st
		}
		time.Sleep(time.Millisecond)
	}
}

func fire(key string, sev notify.Severity) notify.Alert {
	return notify.Alert{Key: key, Severity: sev, State: notify.Fired, Message: key + " happened"}
}

func resolve(key string) notify.Alert {
	return notify.Alert{Key: key, State: notify.Resolved, Message: key + " cleared"}
}

func TestDispatcherDedupAndResolve(t *testing.T) {
	rec := notifytest.NewRecorder("chat")
	d, _ := newDispatcher(t, notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec}}})
	run(t, d)

	d.Notify(fire("head_stalled", notify.Warning))
	d.Notify(fire("head_stalled", notify.Warning)) // already firing: not sent again
	d.Notify(fire("few_peers", notify.Warning))
	check(t, "fired", wait(t, rec, 2), "head_stalled/fired/0 few_peers/fired/0")
	if got := d.Stats().Firing; got != 2 {
		t.Errorf("Stats().Firing = %d, want 2", got)
	}

	d.Notify(resolve("head_stalled"))
	d.Notify(resolve("never_fired")) // nothing was sent for it: no resolved notice
	d.Notify(fire("lib_stalled", notify.Critical))
	msgs := wait(t, rec, 4)
	check(t, "after resolve", msgs, "head_stalled/fired/0 few_peers/fired/0 head_stalled/resolved/0 lib_stalled/fired/0")
	if msgs[2].Alert.Severity != notify.Warning {
		t.Errorf("resolved notice severity = %s, want the fired severity warning", msgs[2].Alert.Severity)
	}
	if !strings.Contains(msgs[2].Text, "RESOLVED") || !strings.Contains(msgs[2].Text, "head_stalled cleared") {
		t.Errorf("resolved text = %q, want RESOLVED and the message", msgs[2].Text)
	}

	// A fault that fires again after resolving is a new notice.
	d.Notify(fire("head_stalled", notify.Warning))
	check(t, "refire", wait(t, rec, 5)[4:], "head_stalled/fired/0")
}

func TestDispatcherEscalationResends(t *testing.T) {
	rec := notifytest.NewRecorder("chat")
	d, _ := newDispatcher(t, notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec}}})
	run(t, d)
	d.Notify(fire("missed_slots", notify.Warning))
	d.Notify(fire("missed_slots", notify.Critical))
	msgs := wait(t, rec, 2)
	check(t, "escalation", msgs, "missed_slots/fired/0 missed_slots/fired/1")
	if msgs[1].Alert.Severity != notify.Critical {
		t.Errorf("escalated severity = %s, want critical", msgs[1].Alert.Severity)
	}
}

func TestDispatcherRepeat(t *testing.T) {
	rec := notifytest.NewRecorder("chat")
	d, clk := newDispatcher(t, notify.DispatcherConfig{
		Channels:       []notify.ChannelConfig{{Channel: rec}},
		RepeatInterval: 30 * time.Minute,
	})
	run(t, d)

	d.Notify(fire("a", notify.Warning))
	wait(t, rec, 1)
	clk.Advance(29 * time.Minute)
	d.Notify(fire("b", notify.Warning)) // proves "a" did not repeat before 30 min
	check(t, "before 30m", wait(t, rec, 2), "a/fired/0 b/fired/0")

	clk.Advance(time.Minute) // t0+30m: a repeats
	msgs := wait(t, rec, 3)
	check(t, "at 30m", msgs, "a/fired/0 b/fired/0 a/fired/1")
	if !strings.Contains(msgs[2].Text, "STILL FIRING (firing for 30m)") {
		t.Errorf("repeat text = %q, want it to say how long it has been firing", msgs[2].Text)
	}
	clk.Advance(29 * time.Minute) // t0+59m: b repeats
	check(t, "at 59m", wait(t, rec, 4)[3:], "b/fired/1")
	clk.Advance(time.Minute) // t0+60m: a repeats again
	check(t, "at 60m", wait(t, rec, 5)[4:], "a/fired/2")

	d.Notify(resolve("a"))
	check(t, "resolved", wait(t, rec, 6)[5:], "a/resolved/0")
}

func TestDispatcherRouting(t *testing.T) {
	chat := notifytest.NewRecorder("chat")
	sms := notifytest.NewRecorder("sms")
	phone := notifytest.NewRecorder("phone")
	d, clk := newDispatcher(t, notify.DispatcherConfig{
		RepeatInterval: -1,
		Channels: []notify.ChannelConfig{
			{Channel: chat},
			{Channel: sms, Route: notify.Route{MinSeverity: notify.Critical}},
			{Channel: phone, Route: notify.Route{MinSeverity: notify.Warning, After: 10 * time.Minute}},
		},
	})
	run(t, d)

	d.Notify(fire("w", notify.Warning))
	d.Notify(fire("c", notify.Critical))
	d.Notify(fire("i", notify.Info))
	check(t, "chat", wait(t, chat, 3), "w/fired/0 c/fired/0 i/fired/0")
	check(t, "sms", wait(t, sms, 1), "c/fired/0")

	clk.Advance(5 * time.Minute)
	d.Notify(resolve("c")) // before 10 min: phone never hears of c
	check(t, "chat resolved", wait(t, chat, 4)[3:], "c/resolved/0")
	check(t, "sms resolved", wait(t, sms, 2), "c/fired/0 c/resolved/0")

	clk.Advance(5 * time.Minute) // w has fired for 10 min
	d.Notify(resolve("w"))
	check(t, "phone", wait(t, phone, 2), "w/fired/0 w/resolved/0")
	if got := len(sms.Messages()); got != 2 {
		t.Errorf("sms got %d messages, want 2 (warning must not reach it)", got)
	}
}

func TestDispatcherRateLimitDelaysWithoutMerging(t *testing.T) {
	rec := notifytest.NewRecorder("wecom")
	d, clk := newDispatcher(t, notify.DispatcherConfig{
		RepeatInterval: -1,
		Channels: []notify.ChannelConfig{{
			Channel:   rec,
			RateLimit: notify.RateLimit{Burst: 2, Every: time.Minute},
		}},
	})
	run(t, d)
	for _, k := range []string{"a", "b", "c", "d"} {
		d.Notify(fire(k, notify.Warning))
	}
	wait(t, rec, 2)
	blockUntil(t, clk, 1) // the worker waits for a token
	if got := len(rec.Messages()); got != 2 {
		t.Fatalf("got %d messages within the burst, want 2", got)
	}
	clk.Advance(time.Minute)
	wait(t, rec, 3)
	blockUntil(t, clk, 1)
	if got := len(rec.Messages()); got != 3 {
		t.Fatalf("got %d messages after one interval, want 3", got)
	}
	clk.Advance(time.Minute)
	msgs := wait(t, rec, 4)
	check(t, "all delivered separately", msgs, "a/fired/0 b/fired/0 c/fired/0 d/fired/0")
	for _, m := range msgs {
		if strings.Count(m.Text, "happened") != 1 {
			t.Errorf("message %q mixes faults", m.Text)
		}
	}
}

func TestDispatcherRetry(t *testing.T) {
	transient := &notify.SendError{Channel: "x", Status: 502}
	tests := []struct {
		name        string
		failures    int   // leading failures
		err         error // returned for those failures
		maxAttempts int
		wantSent    uint64
		wantFailed  uint64
		wantRetried uint64
		wantCalls   int
	}{
		{"transient then ok", 2, transient, 5, 1, 0, 2, 3},
		{"transient exhausted", 10, transient, 3, 0, 1, 2, 3},
		{"permanent", 10, &notify.SendError{Channel: "x", Status: 403, Permanent: true}, 5, 0, 1, 0, 1},
		{"backoff.Permanent", 10, backoff.Permanent(errors.New("bad key")), 5, 0, 1, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := notifytest.NewRecorder("x")
			var mu sync.Mutex
			calls := 0
			rec.Fail = func(m notify.Message) error {
				mu.Lock()
				defer mu.Unlock()
				if m.Alert.Key != "a" {
					return nil
				}
				calls++
				if calls <= tc.failures {
					return tc.err
				}
				return nil
			}
			d, clk := newDispatcher(t, notify.DispatcherConfig{
				RepeatInterval: -1,
				Channels: []notify.ChannelConfig{{
					Channel: rec,
					Retry:   notify.Retry{MaxAttempts: tc.maxAttempts, Initial: time.Second, Max: 4 * time.Second},
				}},
			})
			run(t, d)
			d.Notify(fire("a", notify.Critical))
			for i := 1; i < tc.wantCalls; i++ {
				if err := rec.WaitAttempts(waitCtx(t), i); err != nil {
					t.Fatal(err)
				}
				blockUntil(t, clk, 1) // backing off
				clk.Advance(10 * time.Second)
			}
			d.Notify(fire("marker", notify.Critical)) // delivered after a's last attempt
			msgs := wait(t, rec, int(tc.wantSent)+1)
			if got := summary(msgs[len(msgs)-1:]); got != "marker/fired/0" {
				t.Fatalf("last message %q, want the marker", got)
			}
			st := waitStats(t, d, func(st notify.ChannelStats) bool { return st.Sent == tc.wantSent+1 })
			if st.Sent != tc.wantSent+1 || st.Failed != tc.wantFailed || st.Retried != tc.wantRetried {
				t.Errorf("stats sent=%d failed=%d retried=%d, want %d/%d/%d",
					st.Sent, st.Failed, st.Retried, tc.wantSent+1, tc.wantFailed, tc.wantRetried)
			}
			mu.Lock()
			defer mu.Unlock()
			if calls != tc.wantCalls {
				t.Errorf("channel called %d times for a, want %d", calls, tc.wantCalls)
			}
		})
	}
}

func TestDispatcherQueueOverflow(t *testing.T) {
	rec := notifytest.NewRecorder("chat")
	d, _ := newDispatcher(t, notify.DispatcherConfig{
		QueueSize: 3, RepeatInterval: -1, Node: "bp-a",
		Channels: []notify.ChannelConfig{{Channel: rec}},
	})
	var wg sync.WaitGroup // Notify never blocks, even from many goroutines with Run not started
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.Notify(fire(fmt.Sprintf("k%d", i), notify.Warning))
		}()
	}
	wg.Wait()
	if st := d.Stats(); st.Dropped != 2 || st.Queued != 3 {
		t.Fatalf("Stats() dropped=%d queued=%d, want 2 and 3", st.Dropped, st.Queued)
	}
	run(t, d)
	msgs := wait(t, rec, 4)
	last := msgs[3]
	if last.Alert.Key != notify.DroppedKey || last.Alert.Node != "bp-a" {
		t.Fatalf("4th message is %s from %q, want %s from bp-a", last.Alert.Key, last.Alert.Node, notify.DroppedKey)
	}
	if f := last.Alert.Figures; len(f) == 0 || f[0] != notify.Fig("dropped", 2) {
		t.Errorf("drop report figures = %v, want dropped=2 first", f)
	}
}

func TestDispatcherFailingChannelDoesNotBlockOthers(t *testing.T) {
	stuck := &blockingChannel{entered: make(chan struct{}, 16)}
	rec := notifytest.NewRecorder("chat")
	d, _ := newDispatcher(t, notify.DispatcherConfig{
		RepeatInterval: -1,
		Channels: []notify.ChannelConfig{
			{Channel: stuck, SendTimeout: time.Hour},
			{Channel: rec},
		},
	})
	run(t, d)
	for _, k := range []string{"a", "b", "c"} {
		d.Notify(fire(k, notify.Critical))
	}
	<-stuck.entered
	check(t, "chat", wait(t, rec, 3), "a/fired/0 b/fired/0 c/fired/0")
}

// blockingChannel never completes a send before its context ends.
type blockingChannel struct{ entered chan struct{} }

func (*blockingChannel) Name() string { return "stuck" }

func (c *blockingChannel) Send(ctx context.Context, _ notify.Message) error {
	c.entered <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

func TestDispatcherDigest(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	chat := notifytest.NewRecorder("chat")
	sms := notifytest.NewRecorder("sms")
	status := "head 1000  lib 990"
	d, clk := newDispatcher(t, notify.DispatcherConfig{
		Location: cst, Lang: notify.Chinese, Node: "bp-a", RepeatInterval: -1,
		Channels: []notify.ChannelConfig{{Channel: chat}, {Channel: sms}},
		Digest: &notify.DigestConfig{
			Times:    []string{"19:00", "07:00", "13:00"},
			Status:   func() string { return status },
			Channels: []string{"chat"},
		},
	})
	clk.Set(time.Date(2026, 3, 2, 6, 59, 30, 0, cst)) // t0 is 18:00 CST the day before
	run(t, d)
	blockUntil(t, clk, 1) // the loop is waiting for 07:00

	clk.Advance(30 * time.Second)
	msgs := wait(t, chat, 1)
	want := "[状态汇报] bp-a 2026-03-02 07:00 CST\nhead 1000  lib 990"
	if msgs[0].Kind != notify.KindDigest || msgs[0].Text != want {
		t.Fatalf("digest = %v %q, want %q", msgs[0].Kind, msgs[0].Text, want)
	}
	for _, next := range []time.Time{
		time.Date(2026, 3, 2, 13, 0, 0, 0, cst),
		time.Date(2026, 3, 2, 19, 0, 0, 0, cst),
		time.Date(2026, 3, 3, 7, 0, 0, 0, cst),
	} {
		n := len(chat.Messages())
		clk.Set(next.Add(-time.Second))
		d.Notify(fire("marker"+next.Format("1504"), notify.Info)) // no digest before its time
		got := wait(t, chat, n+1)
		check(t, "before "+next.String(), got[n:], "marker"+next.Format("1504")+"/fired/0")
		clk.Set(next)
		got = wait(t, chat, n+2)
		if m := got[n+1]; m.Kind != notify.KindDigest || !strings.Contains(m.Text, next.Format("2006-01-02 15:04")) {
			t.Fatalf("at %s got %v %q, want a digest", next, m.Kind, m.Text)
		}
	}
	for _, m := range sms.Messages() {
		if m.Kind == notify.KindDigest {
			t.Fatalf("sms received a digest, but only chat is configured")
		}
	}
}

func TestDispatcherRunOnce(t *testing.T) {
	d, _ := newDispatcher(t, notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: notifytest.NewRecorder("x")}}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Run(ctx); err != nil {
		t.Fatalf("Run with cancelled ctx = %v, want nil", err)
	}
	if err := d.Run(context.Background()); !errors.Is(err, notify.ErrRunning) {
		t.Fatalf("second Run = %v, want ErrRunning", err)
	}
}

func TestDispatcherConfigErrors(t *testing.T) {
	rec := notifytest.NewRecorder("x")
	tests := []struct {
		name string
		cfg  notify.DispatcherConfig
		want string
	}{
		{"no channels", notify.DispatcherConfig{}, "'channels'"},
		{"duplicate", notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec}, {Channel: rec}}}, "unique"},
		{"lang", notify.DispatcherConfig{Lang: "fr", Channels: []notify.ChannelConfig{{Channel: rec}}}, "'lang'"},
		{"digest time", notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec}},
			Digest: &notify.DigestConfig{Times: []string{"7am"}, Status: func() string { return "" }}}, "HH:MM"},
		{"digest channel", notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec}},
			Digest: &notify.DigestConfig{Times: []string{"07:00"}, Status: func() string { return "" }, Channels: []string{"y"}}}, `unknown channel "y"`},
		{"retry", notify.DispatcherConfig{Channels: []notify.ChannelConfig{{Channel: rec,
			Retry: notify.Retry{Initial: time.Minute, Max: time.Second}}}}, "'retry'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := notify.NewDispatcher(tc.cfg)
			if !errors.Is(err, notify.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewDispatcher error = %v, want ErrConfig mentioning %s", err, tc.want)
			}
		})
	}
}
