package baseline

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// Timing of the simulated chain: two producers (ours first), 20 ms blocks, so a round is
// 480 ms of wall time and our producer is off the head for 240 ms between its turns. The
// absent threshold is about two such gaps longer than that, as the old 250 s was about two
// 126 s rounds.
const (
	testBlockInterval = 20 * time.Millisecond
	testProducers     = 2
	testAbsent        = 600 * time.Millisecond
	testInterval      = 10 * time.Millisecond
)

// logBuffer collects an agent's log lines and prints them when the test fails or runs verbose.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count returns how many lines contain s.
func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

func newTestLogger(t *testing.T, name string) (hclog.Logger, *logBuffer) {
	t.Helper()
	b := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() || testing.Verbose() {
			b.mu.Lock()
			t.Logf("%s log:\n%s", name, b.buf.String())
			b.mu.Unlock()
		}
	})
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: hclog.Debug, Output: b}), b
}

// newNet starts a network with producer nodes A and B (both paused, as nodeos with
// pause-on-startup) and one full node F. manual stops the chain clock (see Network.Advance).
func newNet(t *testing.T, manual bool) *nodeostest.Network {
	t.Helper()
	n := nodeostest.NewUnstartedNetwork(nodeostest.Config{
		Producers: testProducers, BlockInterval: testBlockInterval, ManualClock: manual,
	})
	n.AddNode(nodeostest.NodeConfig{Name: "A", ProducerNode: true})
	n.AddNode(nodeostest.NodeConfig{Name: "B", ProducerNode: true})
	n.AddNode(nodeostest.NodeConfig{Name: "F"})
	n.Start()
	t.Cleanup(n.Close)
	return n
}

// startPrimary resumes A's nodeos, as the old setup started the primary unpaused.
func startPrimary(t *testing.T, n *nodeostest.Network) {
	t.Helper()
	c, err := nodeos.NewClient(nodeos.Config{URL: n.Node("A").URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Resume(context.Background()); err != nil {
		t.Fatalf("resuming A's nodeos: %v", err)
	}
}

// startAgent runs an agent for node name of n until the test ends, and waits until it is ready.
func startAgent(t *testing.T, n *nodeostest.Network, name string, role Role, absent time.Duration) (*Agent, *logBuffer) {
	t.Helper()
	log, buf := newTestLogger(t, name)
	a, err := New(Config{
		URL: n.Node(name).URL, Producer: n.Ours(), Role: role, Absent: absent, Interval: testInterval,
		Timeout: 500 * time.Millisecond,
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent %s: Run: %v", name, err)
		}
	})
	select {
	case <-a.Ready():
	case err := <-done:
		t.Fatalf("agent %s: Run returned before ready: %v", name, err)
	case <-time.After(5 * time.Second):
		t.Fatalf("agent %s: not ready after 5s", name)
	}
	return a, buf
}

// waitFor polls cond until it holds, failing the test after timeout with what.
func waitFor(t *testing.T, n *nodeostest.Network, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := n.WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting %s for %s: %v", timeout, what, err)
	}
}

// staysPaused checks for d that the agent does not resume and, while nd is alive, that nd
// stays paused.
func staysPaused(t *testing.T, a *Agent, nd *nodeostest.Node, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		if s := a.Status(); s.Resumed() {
			t.Fatalf("resumed before the threshold: %+v", s)
		}
		if nd.Alive() && !nd.Paused() {
			t.Fatalf("node %s unpaused while the agent has not resumed", nd.Name)
		}
		<-tick.C
	}
}
