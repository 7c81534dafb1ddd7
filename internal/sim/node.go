package sim

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Node is one simulated nodeos: its process state (crashed, frozen by SIGSTOP, its HTTP API
// hung, its head stalled), its network (cut off from the p2p network, with the fork it
// produces alone), and the producer_plugin's paused flag.
type Node struct {
	w        *World
	name     string
	producer bool // holds our producer's key (roles A, B, C)
	// delay is how long after its slot a main-chain block reaches this node.
	delay time.Duration

	crashed bool // process dead: connections refused, nothing produced
	frozen  bool // SIGSTOP: API hangs, nothing produced, head frozen
	hung    bool // HTTP API hangs; the chain side carries on (and produces if resumed)
	stalled bool // head stops advancing; nothing produced
	// stallHead is the head while frozen or stalled.
	stallHead uint32
	// partitioned cuts the node off the p2p network: it sees only its own fork.
	partitioned bool
	forkBase    uint32
	forkLIB     uint32
	fork        []block
	// paused is the producer_plugin's flag; a restarted node comes back paused.
	paused bool
	// held are the calls the node took while its API hung or its process was stopped, in
	// order: it carries them out when it answers again, though their callers gave up.
	held []func()
}

// producing reports whether the node signs a block of ours in a slot that starts now.
func (n *Node) producing() bool {
	return n.producer && !n.crashed && !n.frozen && !n.stalled && !n.paused
}

// head returns the number of the node's head block now.
func (n *Node) head() uint32 {
	if n.frozen || n.stalled {
		return n.stallHead
	}
	if n.partitioned {
		return n.forkBase + uint32(len(n.fork))
	}
	return n.w.chain.headAt(n.w.sched.now.Add(-n.delay))
}

// lib returns the node's last irreversible block number.
func (n *Node) lib() uint32 {
	if n.partitioned {
		return min(n.forkLIB, n.head())
	}
	h := n.head()
	if lag := n.w.chain.libLag(); h > lag {
		return h - lag
	}
	return 0
}

// block returns block num on the node's own fork.
func (n *Node) block(num uint32) (block, bool) {
	if num == 0 || num > n.head() {
		return block{}, false
	}
	if n.partitioned && num > n.forkBase {
		return n.fork[num-n.forkBase-1], true
	}
	return n.w.chain.block(num)
}

// setFrozen and the other fault switches keep the views consistent.
func (n *Node) freezeView() { n.stallHead = n.head() }

func (n *Node) cut() {
	n.forkBase, n.forkLIB, n.fork = n.head(), n.lib(), nil
	n.partitioned = true
}

func (n *Node) heal() {
	n.partitioned, n.fork = false, nil
}

// crash kills the process; restart brings it back paused (pause-on-startup).
func (n *Node) crash() {
	n.crashed, n.frozen, n.hung, n.stalled = true, false, false, false
	n.fork, n.held = nil, nil
}

// late carries out a call whose caller gave up: at once when the API answers, when it
// answers again while it hangs, never when the process died.
func (n *Node) late(f func()) {
	switch n.apiAvailable() {
	case apiUp:
		f()
	case apiHung:
		n.held = append(n.held, f)
	}
}

// answer carries out the held calls once the API answers again (after a hang or SIGCONT).
func (n *Node) answer() {
	if n.apiAvailable() != apiUp {
		return
	}
	held := n.held
	n.held = nil
	for _, f := range held {
		f()
	}
}

func (n *Node) restart() {
	n.crashed, n.paused = false, true
	if n.partitioned {
		n.cut()
	}
}

// apiAvailable says how the node's HTTP API answers now.
func (n *Node) apiAvailable() apiState {
	switch {
	case n.crashed:
		return apiRefused
	case n.frozen || n.hung:
		return apiHung
	}
	return apiUp
}

type apiState int

const (
	apiUp apiState = iota
	apiRefused
	apiHung
)

// errRefused is what a call to a dead nodeos returns.
var errRefused = fmt.Errorf("dial tcp 127.0.0.1:8888: %w", syscall.ECONNREFUSED)

// nodeAPI is a Node as one agent incarnation calls it; it implements keeper.Node.
type nodeAPI struct {
	n *Node
	p *proc
}

var _ keeper.Node = nodeAPI{}

// call runs one HTTP call: it parks the caller for the call's latency (or until its deadline
// when the API hangs) and evaluates f when the answer is sent, so the call sees the world as
// it is then. A call the node took but did not answer in time still takes effect: when the
// node gets to it, after a hang or a stop once it answers again, as nodeos carries out a
// request whose client has gone.
func call[T any](api nodeAPI, ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	w, n := api.n.w, api.n
	deadline := api.p.worldDeadline(ctx)
	if n.apiAvailable() == apiRefused {
		api.p.park(w.sched.now.Add(time.Millisecond))
		return zero, errRefused
	}
	effect := func() { _, _ = f() }
	done := w.sched.now.Add(w.latency(time.Millisecond, 20*time.Millisecond))
	if n.apiAvailable() == apiHung {
		n.held = append(n.held, effect)
		api.p.park(deadline)
		return zero, context.DeadlineExceeded
	}
	if done.After(deadline) {
		w.sched.at(done, func() { n.late(effect) })
		api.p.park(deadline)
		return zero, context.DeadlineExceeded
	}
	api.p.park(done)
	switch n.apiAvailable() {
	case apiRefused:
		return zero, fmt.Errorf("read: connection reset by peer: %w", syscall.ECONNRESET)
	case apiHung:
		n.held = append(n.held, effect)
		api.p.park(deadline)
		return zero, context.DeadlineExceeded
	}
	return f()
}

func (a nodeAPI) Info(ctx context.Context) (keeper.ChainInfo, error) {
	return call(a, ctx, func() (keeper.ChainInfo, error) {
		n := a.n
		h := n.head()
		b, ok := n.block(h)
		if !ok {
			return keeper.ChainInfo{}, errors.New("no head block yet")
		}
		return keeper.ChainInfo{Head: h, HeadTime: b.slot.Time(), HeadProducer: b.producer, LIB: n.lib()}, nil
	})
}

func (a nodeAPI) Block(ctx context.Context, num uint32) (keeper.BlockHeader, error) {
	return call(a, ctx, func() (keeper.BlockHeader, error) {
		b, ok := a.n.block(num)
		if !ok {
			return keeper.BlockHeader{}, &nodeos.APIError{Endpoint: "/v1/chain/get_block_info", Status: 400, Code: 400, Message: "Unknown Block", Body: fmt.Sprintf("Could not find block: %d", num)}
		}
		return keeper.BlockHeader{Num: b.num, Time: b.slot.Time(), Producer: b.producer, ScheduleVersion: a.n.w.chain.sched.Version}, nil
	})
}

func (a nodeAPI) Schedule(ctx context.Context) (nodeos.Schedule, error) {
	return call(a, ctx, func() (nodeos.Schedule, error) { return a.n.w.chain.sched, nil })
}

func (a nodeAPI) Paused(ctx context.Context) (bool, error) {
	return call(a, ctx, func() (bool, error) { return a.n.paused, nil })
}

func (a nodeAPI) Pause(ctx context.Context) error {
	_, err := call(a, ctx, func() (struct{}, error) {
		a.n.setPaused(true, a.p.a.name)
		return struct{}{}, nil
	})
	return err
}

func (a nodeAPI) Resume(ctx context.Context) error {
	_, err := call(a, ctx, func() (struct{}, error) {
		a.n.setPaused(false, a.p.a.name)
		return struct{}{}, nil
	})
	return err
}

func (a nodeAPI) Peers(ctx context.Context) (int, error) {
	return call(a, ctx, func() (int, error) {
		if a.n.partitioned {
			return 0, nil
		}
		return 8, nil
	})
}

func (n *Node) setPaused(p bool, by string) {
	if n.paused != p {
		n.w.tracef(n.name, "nodeos", "paused=%t (by %s)", p, by)
	}
	n.paused = p
}
