package nodeos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/testlog"
	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
	"github.com/hashicorp/go-hclog"
)

// recvLine is a Spring Received block line for block n, newline included.
func recvLine(n int) string {
	at := Slot(800000000 + n).Time()
	return spring.with(fmt.Sprintf("Received block %016x... #%d @ %s signed by eosnationftw [trxs: 1, lib: %d, net: 100, cpu: 200 us, elapsed: 300 us, applying time: 400 us, latency: 5 ms]",
		n, n, nodeosfmt.Time(at), max(n-2, 0))) + "\n"
}

func recvLines(from, to int) string {
	var b strings.Builder
	for n := from; n <= to; n++ {
		b.WriteString(recvLine(n))
	}
	return b.String()
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

type runningFollower struct {
	*Follower
	logs *testlog.Buffer
	done chan error
}

// startFollower runs a Follower for the test with a fast poll; it is stopped at cleanup.
func startFollower(t *testing.T, cfg FollowerConfig) *runningFollower {
	t.Helper()
	logs := &testlog.Buffer{}
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug})
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 2 * time.Millisecond
	}
	f, err := NewFollower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runningFollower{Follower: f, logs: logs, done: make(chan error, 1)}
	go func() { r.done <- f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			t.Errorf("follower did not stop within 5s of cancel")
		}
		if t.Failed() {
			t.Logf("follower log:\n%s", logs.String())
		}
	})
	return r
}

// expectBlocks receives events until it has one per number in want, in order, and fails on
// anything else.
func (r *runningFollower) expectBlocks(t *testing.T, want ...int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for i, n := range want {
		select {
		case ev, ok := <-r.Events():
			if !ok {
				t.Fatalf("events closed after %d of %d events", i, len(want))
			}
			if ev.Kind != EventReceived || ev.BlockNum != uint32(n) {
				t.Fatalf("event %d: got %s #%d, want received #%d", i, ev.Kind, ev.BlockNum, n)
			}
		case <-deadline:
			t.Fatalf("timed out after %d of %d events; next wanted #%d", i, len(want), n)
		}
	}
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func seq(from, to int) []int {
	var s []int
	for n := from; n <= to; n++ {
		s = append(s, n)
	}
	return s
}

func TestFollowerStartAtEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	old := recvLines(1, 10)
	writeFile(t, path, old+recvLine(11)[:40]) // a partly written line at the end
	r := startFollower(t, FollowerConfig{Path: path})
	waitFor(t, "follower to open at the end", func() bool { return r.Offset() == int64(len(old)+40) })
	appendFile(t, path, recvLine(11)[40:]+recvLines(12, 14))
	r.expectBlocks(t, 12, 13, 14) // the line it started inside is skipped, not misparsed
	if r.ParseErrors() != 0 {
		t.Errorf("ParseErrors = %d, want 0", r.ParseErrors())
	}
}

func TestFollowerStartAtOffset(t *testing.T) {
	content := recvLines(1, 10)
	line6 := strings.Index(content, recvLine(6))
	cases := []struct {
		name  string
		start int64
		want  []int
	}{
		{"line start", int64(line6), seq(6, 10)},
		{"mid line", int64(line6 + 5), seq(7, 10)},
		{"zero", 0, seq(1, 10)},
		{"past the end", int64(len(content) + 1000), seq(1, 10)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "nodeos.log")
			writeFile(t, path, content)
			r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(tc.start)})
			r.expectBlocks(t, tc.want...)
			appendFile(t, path, recvLine(11))
			r.expectBlocks(t, 11)
			waitFor(t, "offset at the end", func() bool { return r.Offset() == int64(len(content)+len(recvLine(11))) })
		})
	}
}

func TestFollowerMissingFileAppears(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	r := startFollower(t, FollowerConfig{Path: path})
	waitFor(t, "waiting message", func() bool { return strings.Contains(r.logs.String(), "waiting for log file") })
	writeFile(t, path, recvLines(1, 3))
	r.expectBlocks(t, 1, 2, 3) // a log that appears later is read from its start
}

func TestFollowerPartialLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	writeFile(t, path, "")
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0)})
	l2 := recvLine(2)
	appendFile(t, path, recvLine(1)+l2[:50])
	r.expectBlocks(t, 1)
	waitFor(t, "the partial line to be read", func() bool { return r.Lines() == 1 })
	for i := 50; i < len(l2); i += 37 { // complete it in small pieces
		appendFile(t, path, l2[i:min(i+37, len(l2))])
	}
	appendFile(t, path, recvLine(3))
	r.expectBlocks(t, 2, 3)
	waitFor(t, "three lines counted", func() bool { return r.Lines() >= 3 })
	if r.ParseErrors() != 0 || r.Lines() != 3 {
		t.Errorf("ParseErrors = %d, Lines = %d; want 0 and 3", r.ParseErrors(), r.Lines())
	}
}

func TestFollowerRenameRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nodeos.log")
	writeFile(t, path, recvLines(1, 5))
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0)})
	r.expectBlocks(t, seq(1, 5)...)

	// nodeos keeps writing to the renamed file until it reopens its log; those lines,
	// including a last one without its newline, must not be lost.
	if err := os.Rename(path, filepath.Join(dir, "nodeos.log.1")); err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "nodeos.log.1"), recvLines(6, 8)+strings.TrimSuffix(recvLine(9), "\n"))
	writeFile(t, path, recvLines(10, 12))
	r.expectBlocks(t, seq(6, 12)...)
	appendFile(t, path, recvLine(13))
	r.expectBlocks(t, 13)
	waitFor(t, "rotation notice", func() bool { return strings.Contains(r.logs.String(), "log rotated") })
}

func TestFollowerCopyTruncate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	writeFile(t, path, recvLines(1, 10))
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0)})
	r.expectBlocks(t, seq(1, 10)...)
	waitFor(t, "all lines read", func() bool { return r.Lines() == 10 })

	// copytruncate: copy, then truncate in place; the writer (O_APPEND) goes on at 0.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, recvLines(11, 13))
	r.expectBlocks(t, 11, 12, 13)
	appendFile(t, path, recvLine(14))
	r.expectBlocks(t, 14)
	if !strings.Contains(r.logs.String(), "log truncated") {
		t.Errorf("no truncation notice in the log:\n%s", r.logs.String())
	}
}

func TestFollowerVanishAndReappear(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	writeFile(t, path, recvLines(1, 3))
	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0)})
	r.expectBlocks(t, 1, 2, 3)

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "vanish notice", func() bool { return strings.Contains(r.logs.String(), "log file vanished") })
	if _, err := w.WriteString(recvLines(4, 5)); err != nil { // still read from the open file
		t.Fatal(err)
	}
	r.expectBlocks(t, 4, 5)
	writeFile(t, path, recvLines(6, 8))
	r.expectBlocks(t, 6, 7, 8)
}

// TestFollowerNoLossNoDuplicates writes numbered lines in two pieces each while rotating the
// log by rename every few hundred lines, and checks that exactly 1..N arrive, in order.
func TestFollowerNoLossNoDuplicates(t *testing.T) {
	const total, every = 3000, 400
	dir := t.TempDir()
	path := filepath.Join(dir, "nodeos.log")
	writeFile(t, path, "")
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0), PollInterval: time.Millisecond})

	writeErr := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			writeErr <- err
			return
		}
		for n := 1; n <= total; n++ {
			l := recvLine(n)
			cut := n % len(l)
			if _, err := w.WriteString(l[:cut]); err != nil {
				writeErr <- err
				return
			}
			if _, err := w.WriteString(l[cut:]); err != nil {
				writeErr <- err
				return
			}
			if n%every == 0 {
				// Like tail -F, the follower finds a rotated file only while it is the newest
				// one, so rotations must be further apart than a poll: wait until it has read
				// a line of the current file.
				for deadline := time.Now().Add(10 * time.Second); r.Lines() < uint64(n-every+1); {
					if time.Now().After(deadline) {
						writeErr <- fmt.Errorf("follower did not reach line %d", n-every+1)
						return
					}
					time.Sleep(time.Millisecond)
				}
				rotated := filepath.Join(dir, fmt.Sprintf("nodeos.log.%d", n))
				if err := os.Rename(path, rotated); err != nil {
					writeErr <- err
					return
				}
				_ = w.Close()
				if w, err = os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644); err != nil {
					writeErr <- err
					return
				}
			}
		}
		writeErr <- w.Close()
	}()
	r.expectBlocks(t, seq(1, total)...)
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, recvLine(total+1))
	r.expectBlocks(t, total+1) // nothing repeated before the sentinel
	if r.ParseErrors() != 0 {
		t.Errorf("ParseErrors = %d, want 0", r.ParseErrors())
	}
}

func TestFollowerParseErrorsAndLongLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	bad := spring.with("Received block 0123456789abcdef... #12x @ 2025-01-01T00:00:00.000 signed by a [trxs: 0, lib: 1]") + "\n"
	long := spring.with("net plugin dump "+strings.Repeat("x", MaxLogLineBytes+10)) + "\n"
	writeFile(t, path, recvLine(1)+bad+bad+long+recvLine(2))
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0)})
	r.expectBlocks(t, 1, 2)
	if r.ParseErrors() != 2 {
		t.Errorf("ParseErrors = %d, want 2", r.ParseErrors())
	}
	logs := r.logs.String()
	if n := strings.Count(logs, "unparsable log line"); n != 1 {
		t.Errorf("logged %d parse errors, want 1 (rate-limited):\n%s", n, logs)
	}
	if !strings.Contains(logs, `block number \"12x\" is not a number`) || !strings.Contains(logs, "dropping overlong log line") {
		t.Errorf("log does not name the problems:\n%s", logs)
	}
}

func TestFollowerRunLifecycle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	writeFile(t, path, recvLine(1))
	f, err := NewFollower(FollowerConfig{Path: path, Start: AtOffset(0), PollInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	if ev := <-f.Events(); ev.BlockNum != 1 {
		t.Fatalf("first event #%d, want #1", ev.BlockNum)
	}
	if err := f.Run(ctx); !errors.Is(err, ErrFollowerStarted) {
		t.Errorf("second Run = %v, want ErrFollowerStarted", err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if _, ok := <-f.Events(); ok {
		t.Error("Events not closed after Run returned")
	}
}

func TestNewFollowerValidates(t *testing.T) {
	for _, cfg := range []FollowerConfig{
		{},
		{Path: "x", PollInterval: -1},
		{Path: "x", EventBuffer: -1},
		{Path: "x", Start: AtOffset(-5)},
	} {
		if _, err := NewFollower(cfg); !errors.Is(err, ErrFollowerConfig) {
			t.Errorf("NewFollower(%+v) = %v, want ErrFollowerConfig", cfg, err)
		}
	}
}

// TestFollowerRotationRace writes to the old file and rotates it in the instant between the
// follower's last read and its look for rotation: those lines must still be read.
func TestFollowerRotationRace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nodeos.log")
	writeFile(t, path, recvLines(1, 2))
	f, err := NewFollower(FollowerConfig{Path: path, Start: AtOffset(0), PollInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	hookErr := make(chan error, 1)
	f.testHookAtEOF = func() {
		once.Do(func() {
			w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				_, err = w.WriteString(recvLines(3, 4))
				_ = w.Close()
			}
			if err == nil {
				err = os.Rename(path, path+".1")
			}
			if err == nil {
				err = os.WriteFile(path, []byte(recvLine(5)), 0o644)
			}
			hookErr <- err
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	r := &runningFollower{Follower: f}
	r.expectBlocks(t, 1, 2, 3, 4, 5)
	if err := <-hookErr; err != nil {
		t.Fatal(err)
	}
}

func TestFollowerKinds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	produced := spring.with("Produced block 1f2e3d4c5b6a7980... #3 @ 2025-01-01T00:00:06.000 signed by eosstorebest [trxs: 3, lib: 1]") + "\n"
	bad := spring.with("Received block 0123456789abcdef... #12x @ 2025-01-01T00:00:00.000 signed by a [trxs: 0, lib: 1]") + "\n"
	writeFile(t, path, recvLines(1, 2)+bad+produced+pauses.with("Producer paused.")+"\n"+recvLine(4)+produced)
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0), Kinds: []EventKind{EventProduced, EventProducerPaused}})
	for i, want := range []EventKind{EventProduced, EventProducerPaused, EventProduced} {
		select {
		case ev := <-r.Events():
			if ev.Kind != want {
				t.Fatalf("event %d: got %s, want %s", i, ev.Kind, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out waiting for event %d (%s)", i, want)
		}
	}
	waitFor(t, "all lines read", func() bool { return r.Lines() == 7 })
	if r.ParseErrors() != 0 {
		t.Errorf("ParseErrors = %d, want 0: lines of unwanted kinds are not parsed", r.ParseErrors())
	}
	if _, err := NewFollower(FollowerConfig{Path: path, Kinds: []EventKind{EventUnknown}}); !errors.Is(err, ErrFollowerConfig) {
		t.Errorf("NewFollower with kind EventUnknown = %v, want ErrFollowerConfig", err)
	}
}

// TestFollowerTruncateAndRegrow truncates the log and writes more than it held, all between
// two looks of the follower, so that the size alone does not show the truncation.
func TestFollowerTruncateAndRegrow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodeos.log")
	writeFile(t, path, recvLines(1, 3))
	f, err := NewFollower(FollowerConfig{Path: path, Start: AtOffset(0), PollInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	hookErr := make(chan error, 1)
	f.testHookAtEOF = func() {
		once.Do(func() { hookErr <- os.WriteFile(path, []byte(recvLines(4, 9)), 0o644) })
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	r := &runningFollower{Follower: f}
	r.expectBlocks(t, seq(1, 9)...)
	if err := <-hookErr; err != nil {
		t.Fatal(err)
	}
}

// TestFollowerSampleLog follows a recorded-style Spring log of a standby taking over (pause,
// not producing, resume, produced blocks, an exception with continuation lines, a fork switch
// with double production) and checks the events against the .events file beside it.
func TestFollowerSampleLog(t *testing.T) {
	src, err := os.ReadFile("testdata/logs/spring-1.2-failover.log")
	if err != nil {
		t.Fatal(err)
	}
	wantText, err := os.ReadFile("testdata/logs/spring-1.2-failover.events")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(wantText)), "\n")
	path := filepath.Join(t.TempDir(), "nodeos.log")
	writeFile(t, path, string(src))
	r := startFollower(t, FollowerConfig{Path: path, Start: AtOffset(0)})
	for i, w := range want {
		select {
		case ev := <-r.Events():
			if got := fmt.Sprintf("%s %d", ev.Kind, ev.BlockNum); got != w {
				t.Fatalf("event %d: got %q, want %q (line %q)", i, got, w, ev.Text)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out waiting for event %d (%s)", i, w)
		}
	}
	waitFor(t, "the whole file read", func() bool { return r.Offset() == int64(len(src)) })
	if r.ParseErrors() != 0 {
		t.Errorf("ParseErrors = %d, want 0", r.ParseErrors())
	}
}
