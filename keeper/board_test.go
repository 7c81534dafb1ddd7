package keeper_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/internal/consultest"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// statusBoard is where the cluster's producer agents publish their statuses and where a
// resigning holder reads them (Deps.Peers), as the agents do under
// <key_prefix>/<producer>/nodes/.
type statusBoard interface {
	// join returns agent a's Peers and the sinks it publishes through; a.k is not set yet.
	join(a *agent) (keeper.Peers, []keeper.StatusSink)
	// started tells the board that a's keeper exists and is about to run.
	started(a *agent)
	// silence stops a's publication for good, leaving its last status where the others read
	// it, as when its process is killed.
	silence(a *agent)
}

// memBoard serves every agent's current status (published each tick, so fresh); an agent
// silenced by a crash keeps serving the status it had then.
type memBoard struct {
	mu     sync.Mutex
	agents []*agent
	frozen map[*agent]keeper.Status
}

func (b *memBoard) join(*agent) (keeper.Peers, []keeper.StatusSink) { return b, nil }

func (b *memBoard) started(a *agent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// An agent started again under the same name replaces the old one.
	b.agents = slices.DeleteFunc(b.agents, func(o *agent) bool { return o.name == a.name })
	b.agents = append(b.agents, a)
}

func (b *memBoard) silence(a *agent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.frozen == nil {
		b.frozen = map[*agent]keeper.Status{}
	}
	if _, ok := b.frozen[a]; !ok {
		b.frozen[a] = a.k.Status()
	}
}

func (b *memBoard) Statuses(context.Context) ([]keeper.Status, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]keeper.Status, 0, len(b.agents))
	for _, a := range b.agents {
		if s, ok := b.frozen[a]; ok {
			out = append(out, s)
			continue
		}
		out = append(out, a.k.Status())
	}
	return out, nil
}

// kvBoard publishes each agent's status as JSON under prefix in Consul's KV store, every
// interval, through the agent's own Consul client, and reads them back with keeper.KVPeers.
type kvBoard struct {
	t        *testing.T
	addr     string
	prefix   string
	interval time.Duration

	mu    sync.Mutex
	sinks map[*agent]*kvSink
}

func (b *kvBoard) join(a *agent) (keeper.Peers, []keeper.StatusSink) {
	kv := consultest.NewClient(b.t, b.addr).KV()
	s := newKVSink(kv, b.prefix+a.name, b.interval)
	b.t.Cleanup(s.stop)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sinks == nil {
		b.sinks = map[*agent]*kvSink{}
	}
	b.sinks[a] = s
	return keeper.KVPeers(kv, b.prefix), []keeper.StatusSink{s}
}

func (b *kvBoard) started(*agent) {}

func (b *kvBoard) silence(a *agent) {
	b.mu.Lock()
	s := b.sinks[a]
	b.mu.Unlock()
	if s != nil {
		s.stop()
	}
}

// kvSink is a keeper.StatusSink that writes the newest status to one KV key every interval.
type kvSink struct {
	latest chan keeper.Status // holds at most the newest status not written yet
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
}

func newKVSink(kv *api.KV, key string, interval time.Duration) *kvSink {
	s := &kvSink{latest: make(chan keeper.Status, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go s.run(kv, key, interval)
	return s
}

// Publish keeps st as the newest status, replacing one not written yet; it never blocks.
func (s *kvSink) Publish(st keeper.Status) {
	for {
		select {
		case s.latest <- st:
			return
		default:
		}
		select {
		case <-s.latest:
		default:
		}
	}
}

func (s *kvSink) run(kv *api.KV, key string, interval time.Duration) {
	defer close(s.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		quit := false
		select {
		case <-s.quit:
			quit = true // the status not written yet is the last one published
		case <-tick.C:
		}
		select {
		case st := <-s.latest:
			s.put(kv, key, st, interval)
		default:
		}
		if quit {
			return
		}
	}
}

func (s *kvSink) put(kv *api.KV, key string, st keeper.Status, interval time.Duration) {
	b, err := json.Marshal(st)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*interval)
	defer cancel()
	_, _ = kv.Put(&api.KVPair{Key: key, Value: b}, (&api.WriteOptions{}).WithContext(ctx))
}

// stop ends the publication, writing the status not written yet; no write happens after it
// returns.
func (s *kvSink) stop() {
	s.once.Do(func() { close(s.quit) })
	<-s.done
}

// lockLog records what the agents did with their locks: every acquisition, in order, and
// every release with the hand-off it recorded.
type lockLog struct {
	mu       sync.Mutex
	acquired []acquisition
	released []release
	// beforeRelease, when set, runs before every Release reaches the lock.
	beforeRelease func(node string, h *keeper.Handoff)
}

// acquisition is one term's start.
type acquisition struct {
	node string
	at   time.Time
}

// release is one Release call by a term of node, and when it returned.
type release struct {
	node    string
	handoff *keeper.Handoff
	err     error
	at      time.Time
}

// acquisitions returns the nodes that acquired a lock, in order, one entry per term.
func (l *lockLog) acquisitions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, len(l.acquired))
	for i, a := range l.acquired {
		out[i] = a.node
	}
	return out
}

// acquiredAt returns when node last acquired a lock, or the zero time.
func (l *lockLog) acquiredAt(node string) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range slices.Backward(l.acquired) {
		if a.node == node {
			return a.at
		}
	}
	return time.Time{}
}

// releases returns node's Release calls, oldest first.
func (l *lockLog) releases(node string) []release {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []release
	for _, r := range l.released {
		if r.node == node {
			out = append(out, r)
		}
	}
	return out
}

// onRelease sets the function run before every Release reaches the lock.
func (l *lockLog) onRelease(f func(node string, h *keeper.Handoff)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.beforeRelease = f
}

// recordingLock is a keeper.Lock that records its acquisitions and releases in log.
type recordingLock struct {
	keeper.Lock
	node string
	log  *lockLog
}

func (l *recordingLock) Acquire(ctx context.Context, rec keeper.LockRecord) (keeper.Term, error) {
	t, err := l.Lock.Acquire(ctx, rec)
	if err != nil {
		return nil, err
	}
	l.log.mu.Lock()
	l.log.acquired = append(l.log.acquired, acquisition{node: l.node, at: time.Now()})
	l.log.mu.Unlock()
	return &recordingTerm{Term: t, node: l.node, log: l.log}, nil
}

// recordingTerm is a keeper.Term that records its releases.
type recordingTerm struct {
	keeper.Term
	node string
	log  *lockLog
}

func (t *recordingTerm) Release(ctx context.Context, h *keeper.Handoff) error {
	t.log.mu.Lock()
	before := t.log.beforeRelease
	t.log.mu.Unlock()
	if before != nil {
		before(t.node, h)
	}
	err := t.Term.Release(ctx, h)
	t.log.mu.Lock()
	t.log.released = append(t.log.released, release{node: t.node, handoff: h, err: err, at: time.Now()})
	t.log.mu.Unlock()
	return err
}
