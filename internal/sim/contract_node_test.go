package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// The node contract: the properties of keeper.Node that the keeper relies on, checked against
// the simulated nodeos (nodeAPI) and against keeper.NodeosNode calling a nodeostest node over
// HTTP, so the simulation's nodeos cannot drift from the fake network the rest of the tests
// trust. Each side has one producer node of ours, started paused as nodeos with
// pause-on-startup is.

// nodeSide is one implementation of a nodeos node and its chain.
type nodeSide interface {
	// call runs f against the node with a context whose deadline is d away, and returns its
	// error and how long it took on the side's clock.
	call(d time.Duration, f func(ctx context.Context, n keeper.Node) error) (time.Duration, error)
	// passSlots lets n block slots pass on the chain.
	passSlots(n int)
	// crash kills the node's process; restart starts it again.
	crash()
	restart()
	// hang makes its HTTP API accept calls and answer none, or answer again.
	hang(on bool)
	// freeze stops (SIGSTOP) or continues (SIGCONT) its process.
	freeze(on bool)
	// pausedFlag reads the producer's paused flag from the node's state, not its API.
	pausedFlag() bool
	// schedule is the active schedule the chain runs; ours is our producer.
	schedule() nodeos.Schedule
	ours() string
}

// nodeProperties is the contract.
var nodeProperties = []struct {
	name  string
	check func(t *testing.T, s nodeSide)
}{
	{"info_and_blocks", propInfoBlocks},
	{"head_advances", propHeadAdvances},
	{"schedule_and_peers", propSchedulePeers},
	{"pause_resume", propPauseResume},
	{"crash_refuses", propCrashRefuses},
	{"hang_times_out", propHangTimesOut},
	{"freeze_keeps_pause", propFreezeKeepsPause},
	{"hung_call_takes_effect_later", propHungCallLater},
}

// TestNodeContract checks every property against the simulated nodeos and a nodeostest node.
func TestNodeContract(t *testing.T) {
	t.Run("sim", func(t *testing.T) {
		for _, p := range nodeProperties {
			t.Run(p.name, func(t *testing.T) {
				for seed := range contractSeeds {
					t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { p.check(t, newSimNodeSide(t, int64(seed))) })
				}
			})
		}
	})
	t.Run("nodeostest", func(t *testing.T) {
		for _, p := range nodeProperties {
			t.Run(p.name, func(t *testing.T) {
				p.check(t, newFakeNodeSide(t))
			})
		}
	})
}

// callTimeout bounds the calls of the properties that expect an answer.
const callTimeout = 2 * time.Second

// hangDeadline is the deadline of the calls to a hung or stopped node.
const hangDeadline = 300 * time.Millisecond

// nodeCalls are the keeper.Node methods, each called once.
var nodeCalls = []struct {
	name string
	f    func(ctx context.Context, n keeper.Node) error
}{
	{"Info", func(ctx context.Context, n keeper.Node) error { _, err := n.Info(ctx); return err }},
	{"Block", func(ctx context.Context, n keeper.Node) error { _, err := n.Block(ctx, 1); return err }},
	{"Schedule", func(ctx context.Context, n keeper.Node) error { _, err := n.Schedule(ctx); return err }},
	{"Paused", func(ctx context.Context, n keeper.Node) error { _, err := n.Paused(ctx); return err }},
	{"Pause", func(ctx context.Context, n keeper.Node) error { return n.Pause(ctx) }},
	{"Resume", func(ctx context.Context, n keeper.Node) error { return n.Resume(ctx) }},
	{"Peers", func(ctx context.Context, n keeper.Node) error { _, err := n.Peers(ctx); return err }},
}

func headInfo(t *testing.T, s nodeSide) keeper.ChainInfo {
	t.Helper()
	var i keeper.ChainInfo
	if _, err := s.call(callTimeout, func(ctx context.Context, n keeper.Node) (err error) { i, err = n.Info(ctx); return err }); err != nil {
		t.Fatalf("Info: %v", err)
	}
	return i
}

func blockAt(t *testing.T, s nodeSide, num uint32) keeper.BlockHeader {
	t.Helper()
	var b keeper.BlockHeader
	if _, err := s.call(callTimeout, func(ctx context.Context, n keeper.Node) (err error) { b, err = n.Block(ctx, num); return err }); err != nil {
		t.Fatalf("Block(%d): %v", num, err)
	}
	return b
}

func isPaused(t *testing.T, s nodeSide) bool {
	t.Helper()
	var p bool
	if _, err := s.call(callTimeout, func(ctx context.Context, n keeper.Node) (err error) { p, err = n.Paused(ctx); return err }); err != nil {
		t.Fatalf("Paused: %v", err)
	}
	return p
}

func mustDo(t *testing.T, s nodeSide, what string, f func(ctx context.Context, n keeper.Node) error) {
	t.Helper()
	if _, err := s.call(callTimeout, f); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func resume(ctx context.Context, n keeper.Node) error { return n.Resume(ctx) }
func pause(ctx context.Context, n keeper.Node) error  { return n.Pause(ctx) }

// propInfoBlocks: Info reports LIB <= head and the head block's time and producer; Block(n)
// returns block n for the head, the block before it and LIB, with slot-aligned times that
// increase with the number; a block past the head is an error nodeos answered, not a refusal.
func propInfoBlocks(t *testing.T, s nodeSide) {
	s.passSlots(s.schedule().RoundBlocks())
	i := headInfo(t, s)
	if i.LIB == 0 || i.LIB > i.Head {
		t.Fatalf("Info a round after the start: head %d, LIB %d; want an irreversible block and LIB <= head", i.Head, i.LIB)
	}
	h := blockAt(t, s, i.Head)
	if h.Num != i.Head || !h.Time.Equal(i.HeadTime) || h.Producer != i.HeadProducer {
		t.Errorf("Block(head %d) = %+v; want the head's number, time %s and producer %s", i.Head, h, i.HeadTime, i.HeadProducer)
	}
	if !i.HeadTime.Equal(nodeos.SlotOf(i.HeadTime).Time()) {
		t.Errorf("HeadTime %s is not the start of a slot", i.HeadTime)
	}
	prev := blockAt(t, s, i.Head-1)
	if prev.Num != i.Head-1 || !prev.Time.Before(h.Time) || !prev.Time.Equal(nodeos.SlotOf(prev.Time).Time()) {
		t.Errorf("Block(%d) = %+v; want that number, a slot-aligned time before the head's %s", i.Head-1, prev, h.Time)
	}
	if lib := blockAt(t, s, i.LIB); lib.Num != i.LIB || lib.Time.After(h.Time) {
		t.Errorf("Block(LIB %d) = %+v; want that number, no later than the head", i.LIB, lib)
	}
	sched := s.schedule()
	if h.ScheduleVersion != sched.Version || !slices.Contains(sched.Producers, h.Producer) {
		t.Errorf("head block's schedule version %d and producer %s; want version %d and a producer of %v",
			h.ScheduleVersion, h.Producer, sched.Version, sched.Producers)
	}
	_, err := s.call(callTimeout, func(ctx context.Context, n keeper.Node) error { _, err := n.Block(ctx, i.Head+1000); return err })
	var apiErr *nodeos.APIError
	switch {
	case err == nil:
		t.Errorf("Block(head+1000) succeeded")
	case errors.Is(err, syscall.ECONNREFUSED):
		t.Errorf("Block(head+1000): %v; the keeper would take nodeos for down", err)
	case !errors.As(err, &apiErr) || apiErr.Status != 400:
		t.Errorf("Block(head+1000): %v; want nodeos's 400 answer (*nodeos.APIError)", err)
	}
}

// propHeadAdvances: over a round, with our producer paused, the head advances by the other
// producers' blocks, its time with it, and LIB does not go back.
func propHeadAdvances(t *testing.T, s nodeSide) {
	i1 := headInfo(t, s)
	round := s.schedule().RoundBlocks()
	s.passSlots(round)
	i2 := headInfo(t, s)
	others := uint32(round - nodeos.ProducerRepetitions)
	if i2.Head < i1.Head+others-2 || !i2.HeadTime.After(i1.HeadTime) || i2.LIB < i1.LIB {
		t.Errorf("after a round of %d slots: head %d -> %d, time %s -> %s, LIB %d -> %d; want the head about %d blocks on, later, LIB not back",
			round, i1.Head, i2.Head, i1.HeadTime, i2.HeadTime, i1.LIB, i2.LIB, others)
	}
}

// propSchedulePeers: Schedule returns the active schedule with our producer in it; a node in
// the network reports peers.
func propSchedulePeers(t *testing.T, s nodeSide) {
	var got nodeos.Schedule
	mustDo(t, s, "Schedule", func(ctx context.Context, n keeper.Node) (err error) { got, err = n.Schedule(ctx); return err })
	want := s.schedule()
	if got.Version != want.Version || !slices.Equal(got.Producers, want.Producers) || !slices.Contains(got.Producers, s.ours()) {
		t.Errorf("Schedule = %+v; want %+v, with %s", got, want, s.ours())
	}
	var peers int
	mustDo(t, s, "Peers", func(ctx context.Context, n keeper.Node) (err error) { peers, err = n.Peers(ctx); return err })
	if peers <= 0 {
		t.Errorf("Peers = %d for a connected node, want some", peers)
	}
}

// propPauseResume: a producer node starts paused; Resume and Pause flip Paused and may be
// repeated.
func propPauseResume(t *testing.T, s nodeSide) {
	if !isPaused(t, s) {
		t.Fatalf("a producer node started unpaused; nodeos with pause-on-startup starts paused")
	}
	for range 2 {
		mustDo(t, s, "Resume", resume)
		if isPaused(t, s) {
			t.Errorf("Paused() = true after Resume")
		}
	}
	for range 2 {
		mustDo(t, s, "Pause", pause)
		if !isPaused(t, s) {
			t.Errorf("Paused() = false after Pause")
		}
	}
}

// propCrashRefuses: every call to a killed node fails at once with an error matching
// syscall.ECONNREFUSED (the keeper's proof that nodeos is down); restarted, the node answers
// again and is paused.
func propCrashRefuses(t *testing.T, s nodeSide) {
	mustDo(t, s, "Resume", resume)
	headInfo(t, s) // a pooled connection, as the keeper has one
	s.crash()
	for _, c := range nodeCalls {
		took, err := s.call(callTimeout, c.f)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s on a killed node: %v; want an error matching syscall.ECONNREFUSED", c.name, err)
		}
		if took > time.Second {
			t.Errorf("%s on a killed node took %s, want a prompt refusal", c.name, took)
		}
	}
	s.restart()
	if !isPaused(t, s) {
		t.Errorf("a restarted node is unpaused; nodeos with pause-on-startup comes back paused")
	}
	headInfo(t, s)
}

// propHangTimesOut: every call to a node whose API hangs fails when its context's deadline
// passes, not earlier and not much later, with an error that does not match
// syscall.ECONNREFUSED (a hung nodeos is not down); the node answers again after the hang.
func propHangTimesOut(t *testing.T, s nodeSide) {
	s.hang(true)
	for _, c := range nodeCalls {
		if c.name == "Pause" || c.name == "Resume" {
			continue // see propHungCallLater
		}
		took, err := s.call(hangDeadline, c.f)
		switch {
		case err == nil:
			t.Errorf("%s on a hung node succeeded", c.name)
		case errors.Is(err, syscall.ECONNREFUSED):
			t.Errorf("%s on a hung node: %v; the keeper would take nodeos for down", c.name, err)
		case !errors.Is(err, context.DeadlineExceeded):
			t.Errorf("%s on a hung node: %v; want the deadline's error", c.name, err)
		}
		if took < hangDeadline*9/10 || took > hangDeadline+contractSlack {
			t.Errorf("%s on a hung node returned after %s, want at its deadline (%s)", c.name, took, hangDeadline)
		}
	}
	s.hang(false)
	headInfo(t, s)
}

// propFreezeKeepsPause: a stopped node's calls time out and are not refusals; continued, it
// keeps the paused state it had (resumed here) and its head moves on.
func propFreezeKeepsPause(t *testing.T, s nodeSide) {
	mustDo(t, s, "Resume", resume)
	before := headInfo(t, s)
	s.freeze(true)
	took, err := s.call(hangDeadline, func(ctx context.Context, n keeper.Node) error { _, err := n.Paused(ctx); return err })
	if err == nil || errors.Is(err, syscall.ECONNREFUSED) || took < hangDeadline*9/10 || took > hangDeadline+contractSlack {
		t.Errorf("Paused on a stopped node: %v after %s; want a timeout at the deadline (%s), not a refusal", err, took, hangDeadline)
	}
	s.passSlots(4)
	s.freeze(false)
	if isPaused(t, s) {
		t.Errorf("a node resumed, stopped and continued reports paused; it keeps producing when continued")
	}
	s.passSlots(4)
	if after := headInfo(t, s); after.Head <= before.Head {
		t.Errorf("head %d after the node continued, want past %d", after.Head, before.Head)
	}
}

// simNodeSide is the simulated nodeos of node-a.
type simNodeSide struct {
	h *harness
	n *Node
}

func newSimNodeSide(t *testing.T, seed int64) *simNodeSide {
	h := newHarness(t, seed, contractLockTimings)
	return &simNodeSide{h: h, n: h.agent("node-a").node}
}

func (s *simNodeSide) call(d time.Duration, f func(ctx context.Context, n keeper.Node) error) (time.Duration, error) {
	ctx, cancel := s.h.ctx(d)
	defer cancel()
	start := s.h.now()
	var err error
	s.h.do("node-a", func() { err = f(ctx, s.h.nodeAPI("node-a")) })
	return s.h.now().Sub(start), err
}

func (s *simNodeSide) passSlots(n int) { s.h.advance(time.Duration(n) * nodeos.BlockInterval) }
func (s *simNodeSide) crash()          { s.n.crash() }
func (s *simNodeSide) restart()        { s.n.restart() }
func (s *simNodeSide) hang(on bool) {
	s.n.hung = on
	s.n.answer()
}

func (s *simNodeSide) freeze(on bool) {
	if on {
		s.n.freezeView()
	}
	s.n.frozen = on
	s.n.answer()
}

func (s *simNodeSide) pausedFlag() bool          { return s.n.paused }
func (s *simNodeSide) schedule() nodeos.Schedule { return s.h.w.chain.sched }
func (s *simNodeSide) ours() string              { return ourProducer }

// fakeNodeSide is keeper.NodeosNode calling a nodeostest producer node over HTTP.
type fakeNodeSide struct {
	t    *testing.T
	net  *nodeostest.Network
	nd   *nodeostest.Node
	node keeper.Node
}

func newFakeNodeSide(t *testing.T) *fakeNodeSide {
	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 3, Ours: ourProducer, BlockInterval: 20 * time.Millisecond})
	t.Cleanup(net.Close)
	nd := net.AddNode(nodeostest.NodeConfig{Name: "node-a", ProducerNode: true})
	net.Start()
	c, err := nodeos.NewClient(nodeos.Config{URL: nd.URL})
	if err != nil {
		t.Fatalf("nodeos.NewClient: %v", err)
	}
	return &fakeNodeSide{t: t, net: net, nd: nd, node: keeper.NodeosNode(c, nodeos.PeerCountConfig{})}
}

func (s *fakeNodeSide) call(d time.Duration, f func(ctx context.Context, n keeper.Node) error) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	err := f(ctx, s.node)
	return time.Since(start), err
}

func (s *fakeNodeSide) passSlots(n int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.net.WaitSlots(ctx, n); err != nil {
		s.t.Fatalf("WaitSlots(%d): %v", n, err)
	}
}

func (s *fakeNodeSide) crash() { s.nd.Kill() }

func (s *fakeNodeSide) restart() {
	if err := s.nd.Restart(); err != nil {
		s.t.Fatalf("Restart: %v", err)
	}
}

func (s *fakeNodeSide) hang(on bool) {
	if on {
		s.nd.Hang()
	} else {
		s.nd.Unhang()
	}
}

func (s *fakeNodeSide) freeze(on bool)            { s.nd.Freeze(on) }
func (s *fakeNodeSide) pausedFlag() bool          { return s.nd.Paused() }
func (s *fakeNodeSide) schedule() nodeos.Schedule { return s.net.Schedule() }
func (s *fakeNodeSide) ours() string              { return s.net.Ours() }

// propHungCallLater: a Resume or a Pause whose caller timed out on a hung node is still
// carried out when the node answers again, so the keeper cannot take a timed-out Resume for
// one that did nothing.
func propHungCallLater(t *testing.T, s nodeSide) {
	for _, c := range []struct {
		name string
		f    func(ctx context.Context, n keeper.Node) error
		want bool
	}{{"Resume", resume, false}, {"Pause", pause, true}} {
		s.hang(true)
		if _, err := s.call(hangDeadline, c.f); err == nil {
			t.Fatalf("%s on a hung node succeeded", c.name)
		}
		if c.name == "Resume" && !s.pausedFlag() {
			t.Errorf("a Resume took effect while the node hung")
		}
		s.hang(false)
		s.passSlots(2)
		if got := isPaused(t, s); got != c.want {
			t.Errorf("Paused() = %t once the node answers again after a %s that timed out; want %t: the node carries out the call it took",
				got, c.name, c.want)
		}
	}
}
