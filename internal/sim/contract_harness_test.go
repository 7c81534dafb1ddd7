package sim

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// harness runs the simulated world outside a full run, for the contract tests: the test's
// goroutine is the scheduler, and each call into the world runs on an agent's process
// goroutine (a harness process, not a keeper) so that it parks in virtual time exactly as the
// keeper's calls do. No keeper runs and no nemesis plans faults; the chain produces from the
// start.
type harness struct {
	w     *World
	procs map[*Agent]*harnessProc
}

// harnessProc is a process goroutine that runs one job at a time instead of keeper steps.
type harnessProc struct {
	p *proc
	// job is set by the scheduler before it resumes the goroutine; done is set by the
	// goroutine when the job returns. The resume and yield channels order the accesses.
	job  func()
	done bool
}

// newHarness builds a world of three producer agents (A, B, C) with three producers in the
// schedule, the lock's timings set by lt, clocks without drift, and the chain running.
func newHarness(t *testing.T, seed int64, lt lockTimings) *harness {
	t.Helper()
	opts := DefaultOptions()
	opts.Producers = 3
	w := newWorld(seed, opts)
	c := w.consul
	c.ttl, c.lockDelay, c.lostAfter, c.renewEvery, c.requestTimeout = lt.ttl, lt.lockDelay, lt.lostAfter, lt.renewEvery, lt.requestTimeout
	for _, a := range w.agents {
		a.drift = 0
	}
	w.startChain()
	h := &harness{w: w, procs: map[*Agent]*harnessProc{}}
	t.Cleanup(h.close)
	return h
}

// agent returns the agent named name (node-a, node-b, node-c).
func (h *harness) agent(name string) *Agent {
	for _, a := range h.w.agents {
		if a.name == name {
			return a
		}
	}
	panic(fmt.Sprintf("sim: harness has no agent %q", name))
}

// procOf returns the agent's harness process, starting it on first use. The agent's own
// process (Agent.p) stays nil: no keeper runs, so the watches deliver no views and the
// invariant checks after keeper steps never run. The process counts as always stepping, so
// the world queues the events it would hand a keeper instead of starting a step.
func (h *harness) procOf(a *Agent) *harnessProc {
	if hp := h.procs[a]; hp != nil {
		return hp
	}
	w := h.w
	w.stats.AgentStarts++
	hp := &harnessProc{p: &proc{a: a, id: w.stats.AgentStarts, resume: make(chan bool), stepping: true}}
	hp.p.origin = a.local(w.sched.now)
	go func() {
		defer func() { w.sched.yield <- struct{}{} }()
		for <-hp.p.resume {
			hp.job()
			hp.done = true
			w.sched.yield <- struct{}{}
		}
	}()
	h.procs[a] = hp
	return hp
}

// do runs fn on the agent's process goroutine and processes the world's events until it
// returns: fn's calls park it until virtual time reaches their completion.
func (h *harness) do(name string, fn func()) {
	hp := h.procOf(h.agent(name))
	w := h.w
	hp.job = fn
	hp.done = false
	hp.p.resume <- true
	<-w.sched.yield
	for !hp.done {
		if !w.sched.next(w.sched.now.Add(24 * time.Hour)) {
			panic("sim: harness job parked with no event left to wake it")
		}
	}
}

// advance lets d of virtual time pass, processing every event due meanwhile.
func (h *harness) advance(d time.Duration) {
	end := h.w.sched.now.Add(d)
	for h.w.sched.next(end) {
	}
	h.w.sched.now = end
}

// now returns the world's time, which is every harness agent's clock (no drift).
func (h *harness) now() time.Time { return h.w.sched.now }

// ctx returns a context whose deadline is d from now on the agents' clocks.
func (h *harness) ctx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(context.Background(), h.now().Add(d))
}

// close ends every harness process goroutine.
func (h *harness) close() {
	for _, hp := range h.procs {
		hp.p.dead = true
		hp.p.resume <- false
		<-h.w.sched.yield
	}
	h.procs = nil
}

// nodeAPI and lockAPI return the agent's keeper.Node and keeper.Lock as its process calls them.
func (h *harness) nodeAPI(name string) nodeAPI {
	a := h.agent(name)
	return nodeAPI{n: a.node, p: h.procOf(a).p}
}

func (h *harness) lockAPI(name string) lockAPI {
	return lockAPI{c: h.w.consul, p: h.procOf(h.agent(name)).p}
}

// simTerm is a simulated term whose calls run on its holder's process.
type simTerm struct {
	h     *harness
	owner string
	t     keeper.Term
}

var _ keeper.Term = simTerm{}

func (s simTerm) Lost() <-chan struct{} { return s.t.Lost() }
func (s simTerm) FenceBy() time.Time    { return s.t.FenceBy() }

func (s simTerm) SetWatermark(ctx context.Context, wm keeper.Block) (err error) {
	s.h.do(s.owner, func() { err = s.t.SetWatermark(ctx, wm) })
	return err
}

func (s simTerm) Release(ctx context.Context, hd *keeper.Handoff) (err error) {
	s.h.do(s.owner, func() { err = s.t.Release(ctx, hd) })
	return err
}

func (s simTerm) Retire(ctx context.Context) (err error) {
	s.h.do(s.owner, func() { err = s.t.Retire(ctx) })
	return err
}
