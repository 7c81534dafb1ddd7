package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/testlog"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

func TestFlagErrorsNameTheFlag(t *testing.T) {
	ok := []string{"-url", "http://127.0.0.1:8888", "-producer", "eosstorebest", "-role", "B"}
	with := func(extra ...string) []string { return append(append([]string(nil), ok...), extra...) }
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"missing role", []string{"-url", "http://127.0.0.1:8888", "-producer", "eosstorebest"}, "-role"},
		{"unknown role", with("-role", "F"), "-role"},
		{"missing url", []string{"-producer", "eosstorebest", "-role", "B"}, "-url"},
		{"bad url", with("-url", "127.0.0.1:8888"), "-url"},
		{"missing producer", []string{"-url", "http://127.0.0.1:8888", "-role", "B"}, "-producer"},
		{"bad producer", with("-producer", "Not_A_Name"), "-producer"},
		{"zero absent", with("-absent", "0s"), "-absent"},
		{"negative absent", with("-absent", "-5s"), "-absent"},
		{"zero interval", with("-interval", "0s"), "-interval"},
		{"zero timeout", with("-timeout", "0s"), "-timeout"},
		{"bad log level", with("-log-level", "loud"), "-log-level"},
		{"unparsable duration", with("-absent", "soon"), "-absent"},
		{"stray argument", with("extra"), "extra"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), tc.flag) || stdout.Len() != 0 {
				t.Fatalf("run(%q) = %d, stderr %q, stdout %q; want 2 and a message naming %s",
					tc.args, code, stderr.String(), stdout.String(), tc.flag)
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	opts, err := parse([]string{"-url", "http://127.0.0.1:8888", "-producer", "eosstorebest", "-role", "c"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c := opts.cfg; c.Role.String() != "C" || c.Absent != 0 || c.Interval != time.Second {
		t.Fatalf("parsed %+v, want role C, absent left to the role default, 1s interval", c)
	}
}

// TestReadyLineAndCleanStop runs the command as a standby against a simulated node: it pauses
// the node, prints the ready line once, and exits 0 when its context ends.
func TestReadyLineAndCleanStop(t *testing.T) {
	n := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 2})
	nd := n.AddNode(nodeostest.NodeConfig{Name: "B", ProducerNode: true})
	n.Start()
	t.Cleanup(n.Close)

	pr, pw := io.Pipe()
	var stderr testlog.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-url", nd.URL, "-producer", n.Ours(), "-role", "B", "-absent", "1h", "-interval", "20ms"}, pw, &stderr)
		pw.Close()
	}()
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		want := "baseline ready role=B producer=" + n.Ours() + " url=" + nd.URL + " absent=1h0m0s interval=20ms"
		if line != want {
			t.Fatalf("ready line %q, want %q", line, want)
		}
	case code := <-done:
		t.Fatalf("exited %d before ready; stderr:\n%s", code, stderr.String())
	case <-time.After(5 * time.Second):
		t.Fatalf("no ready line after 5s; stderr:\n%s", stderr.String())
	}
	if !nd.Paused() {
		t.Fatal("ready, but the node is not paused")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after stop, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop within 5s of its context ending")
	}
	if rest, ok := <-lines; ok {
		t.Fatalf("more stdout after the ready line: %q", rest)
	}
	if !strings.Contains(stderr.String(), "paused nodeos at start") {
		t.Fatalf("stderr lacks the start-up pause log:\n%s", stderr.String())
	}
}
