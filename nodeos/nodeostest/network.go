package nodeostest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// ErrClosed is returned by waits on a network that was closed.
var ErrClosed = errors.New("nodeostest: network closed")

// Network is a simulated chain with an active schedule of Config.Producers producers: Ours,
// whose blocks only the nodes added with ProducerNode sign, and virtual producers that always
// produce. One goroutine owns the chain clock; every method is safe for concurrent use.
type Network struct {
	cfg   Config
	sched nodeos.Schedule

	mu        sync.Mutex
	cond      *sync.Cond // broadcast on every tick and when a request finishes
	started   bool
	closed    bool
	nodes     []*Node
	groups    []*group
	genesis   *block
	byID      map[string]*block
	ledger    []*block
	firstSlot nodeos.Slot // slot of the first tick
	slot      nodeos.Slot // slot of the latest tick (genesis slot before the first)
	tickAt    time.Time   // wall time of the latest tick
	tickCh    chan struct{}
	requests  int // HTTP requests being served
	fin       finality
	txn       txnState // permission keys and accepted transactions (txn.go)

	dir    string
	ownDir bool
	quit   chan struct{}
	done   chan struct{}
}

// group is a partition of the network: its nodes see each other's blocks and nobody else's.
type group struct {
	virtual bool   // the virtual producers are here; only such a group finalizes blocks
	head    *block // the group's best block
	lib     uint32
}

// Validate reports whether the configuration can be used.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// NewNetwork returns a started network with the given configuration. It panics when the
// configuration is invalid (see Config.Validate) or no log directory can be created.
func NewNetwork(cfg Config) *Network {
	n := NewUnstartedNetwork(cfg)
	n.Start()
	return n
}

// NewUnstartedNetwork returns a network whose chain does not advance until Start, so nodes can
// be added first. It panics when the configuration is invalid or no log directory can be created.
func NewUnstartedNetwork(cfg Config) *Network {
	cfg, err := cfg.withDefaults()
	if err != nil {
		panic(err)
	}
	n := &Network{
		cfg:    cfg,
		sched:  cfg.schedule(),
		byID:   make(map[string]*block),
		tickCh: make(chan struct{}),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	n.cond = sync.NewCond(&n.mu)
	if cfg.Start.IsZero() {
		s := nodeos.SlotOf(time.Now())
		cfg.Start = (s - s%nodeos.Slot(n.sched.RoundBlocks())).Time()
		n.cfg.Start = cfg.Start
	}
	n.firstSlot = nodeos.SlotOf(cfg.Start)
	n.slot = n.firstSlot - 1
	n.genesis = &block{Block: Block{
		Num: cfg.FirstBlock, Slot: n.slot, Producer: n.sched.ProducerAt(n.slot),
		ID: historyID(cfg.FirstBlock, n.slot, n.sched),
	}}
	if cfg.FirstBlock > 1 {
		n.genesis.Previous = historyID(cfg.FirstBlock-1, n.slot-1, n.sched)
	}
	n.byID[n.genesis.ID] = n.genesis
	n.groups = []*group{{virtual: true, head: n.genesis, lib: n.libFor(n.genesis, 0)}}
	n.fin.init(cfg)
	if cfg.Dir == "" {
		dir, err := os.MkdirTemp("", "nodeostest-")
		if err != nil {
			panic(fmt.Sprintf("nodeostest: log directory: %v", err))
		}
		n.dir, n.ownDir = dir, true
	} else {
		n.dir = cfg.Dir
	}
	return n
}

// Start starts the chain clock. It panics if the network was already started.
func (n *Network) Start() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started {
		panic("nodeostest: network already started")
	}
	n.started = true
	n.tickAt = time.Now()
	if n.cfg.ManualClock {
		close(n.done)
		return
	}
	go n.run()
}

// run is the clock goroutine: one tick per BlockInterval until Close.
func (n *Network) run() {
	defer close(n.done)
	t := time.NewTicker(n.cfg.BlockInterval)
	defer t.Stop()
	for {
		select {
		case <-n.quit:
			return
		case <-t.C:
			n.mu.Lock()
			n.tick()
			n.mu.Unlock()
		}
	}
}

// Advance moves the chain forward by slots block slots at once. It is meant for networks with
// Config.ManualClock; on others it adds slots between the clock's own.
func (n *Network) Advance(slots int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := 0; i < slots && !n.closed; i++ {
		n.tick()
	}
}

// Close stops the clock and every node, and blocks until all goroutines and outstanding HTTP
// requests (hung ones included) have finished. Logs stay on disk unless the network created
// their directory. Close is idempotent.
func (n *Network) Close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	close(n.quit)
	started := n.started
	nodes := append([]*Node(nil), n.nodes...)
	n.cond.Broadcast()
	n.mu.Unlock()
	if started {
		<-n.done
	}
	for _, nd := range nodes {
		nd.stopServer()
	}
	n.mu.Lock()
	for n.requests > 0 {
		n.cond.Wait()
	}
	for _, nd := range nodes {
		nd.log.close()
	}
	n.mu.Unlock()
	if n.ownDir {
		_ = os.RemoveAll(n.dir)
	}
}

// Dir returns the directory holding node logs by default.
func (n *Network) Dir() string { return n.dir }

// Schedule returns the active producer schedule.
func (n *Network) Schedule() nodeos.Schedule {
	return nodeos.Schedule{Version: n.sched.Version, Producers: append([]string(nil), n.sched.Producers...)}
}

// Ours returns our producer's name.
func (n *Network) Ours() string { return n.cfg.Ours }

// Config returns the network's configuration with defaults filled in.
func (n *Network) Config() Config { return n.cfg }

// Slot returns the slot of the latest block slot the chain has reached.
func (n *Network) Slot() nodeos.Slot {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.slot
}

// FirstSlot returns the slot of the network's first tick; turns starting earlier are never
// counted as missed.
func (n *Network) FirstSlot() nodeos.Slot { return n.firstSlot }

// Now returns the chain time. A block slot's tick happens as its block arrives, just after the
// block's timestamp; Now is that timestamp plus 50 ms, plus the rest of the 500 ms slot scaled
// from the wall time elapsed since the tick (so Now never reaches the next tick's time).
func (n *Network) Now() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nowLocked()
}

const tickOffset = 50 * time.Millisecond

func (n *Network) nowLocked() time.Time {
	base := n.slot.Time().Add(tickOffset)
	if !n.started || n.cfg.ManualClock {
		return base
	}
	frac := time.Since(n.tickAt)
	if frac >= n.cfg.BlockInterval {
		frac = n.cfg.BlockInterval - time.Nanosecond
	}
	span := nodeos.BlockInterval - tickOffset - time.Millisecond
	return base.Add(time.Duration(int64(frac) * int64(span) / int64(n.cfg.BlockInterval)))
}

// Head returns the head block of the group holding the virtual producers (the whole network
// unless partitioned).
func (n *Network) Head() Block {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.mainGroup().head.Block
}

// Nodes returns the network's nodes in the order they were added.
func (n *Network) Nodes() []*Node {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Node(nil), n.nodes...)
}

// Node returns the node with the given name, or nil.
func (n *Network) Node(name string) *Node {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nodeLocked(name)
}

func (n *Network) nodeLocked(name string) *Node {
	for _, nd := range n.nodes {
		if nd.Name == name {
			return nd
		}
	}
	return nil
}

func (n *Network) mainGroup() *group {
	for _, g := range n.groups {
		if g.virtual {
			return g
		}
	}
	return n.groups[0]
}

// WaitSlots blocks until the chain has advanced by slots block slots, ctx is done, or the
// network is closed.
func (n *Network) WaitSlots(ctx context.Context, slots int) error {
	n.mu.Lock()
	target := n.slot + nodeos.Slot(slots)
	n.mu.Unlock()
	return n.waitSlot(ctx, target)
}

// WaitTurns blocks until turns more of our producer's turns have ended: the one under way, if
// any, counts as the first.
func (n *Network) WaitTurns(ctx context.Context, turns int) error {
	if turns <= 0 {
		return nil
	}
	n.mu.Lock()
	cur := n.slot
	n.mu.Unlock()
	t, ok := n.sched.CurrentTurn(n.cfg.Ours, cur+1)
	if !ok {
		t, _ = n.sched.NextTurn(n.cfg.Ours, cur)
	}
	return n.waitSlot(ctx, t.End-1+nodeos.Slot((turns-1)*n.sched.RoundBlocks()))
}

// WaitFor blocks until cond returns true, ctx is done, or the network is closed. cond is
// evaluated now, after every tick and every few milliseconds (for conditions that change
// between ticks), without the network's lock held.
func (n *Network) WaitFor(ctx context.Context, cond func() bool) error {
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		n.mu.Lock()
		ch, closed := n.tickCh, n.closed
		n.mu.Unlock()
		if cond() {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-poll.C:
		case <-n.quit:
		case <-ctx.Done():
			return fmt.Errorf("nodeostest: wait: %w", ctx.Err())
		}
	}
}

// waitSlot waits until the tick of slot target has happened.
func (n *Network) waitSlot(ctx context.Context, target nodeos.Slot) error {
	return n.WaitFor(ctx, func() bool { return n.Slot() >= target })
}

// libFor returns the LIB a finalizing group has with head h, never below prev.
func (n *Network) libFor(h *block, prev uint32) uint32 {
	lag := uint32(2)
	if n.cfg.Mode == Legacy {
		lag = uint32(n.cfg.LIBLag)
	}
	lib := uint32(1)
	if h.Num > lag {
		lib = h.Num - lag
	}
	if lib < prev {
		lib = prev
	}
	return lib
}
