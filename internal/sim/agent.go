package sim

import (
	"context"
	"runtime"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Agent is one eoskeeper agent host: its process (restarted after a crash as a new
// incarnation), its clock, and whether it is stopped (SIGSTOP, or a long GC pause).
type Agent struct {
	w    *World
	name string
	role keeper.Role
	node *Node
	// p is the running process; nil while the agent is down.
	p *proc
	// stopped holds every wake-up of the process until SIGCONT.
	stopped  bool
	deferred []func()
	// drift is the clock's rate error (parts per one), constant for a run.
	drift float64
	// lastState is the keeper state seen after the previous step, to spot transitions.
	lastState keeper.State
	// nextPublish is when the agent next writes its status to Consul.
	nextPublish time.Time
}

// local converts a world instant to this agent's clock.
func (a *Agent) local(t time.Time) time.Time {
	return t.Add(time.Duration(float64(t.Sub(a.w.start)) * a.drift))
}

// worldAt converts an instant of this agent's clock to world time.
func (a *Agent) worldAt(l time.Time) time.Time {
	return a.w.start.Add(time.Duration(float64(l.Sub(a.w.start)) / (1 + a.drift)))
}

// proc is one incarnation of an agent process: the keeper and the goroutine that steps it.
type proc struct {
	a  *Agent
	k  *keeper.Keeper
	id int
	// resume hands control to the process goroutine; false kills it.
	resume   chan bool
	dead     bool
	stepping bool
	current  keeper.Event
	inbox    []keeper.Event
	origin   time.Time // local instant of the first tick: ticks keep this grid
	// lastView is the last good view its watch delivered.
	lastView keeper.LockView
	// terms are the lock terms this process holds (their renewers die with it).
	terms []*term
}

// start launches a new incarnation of the agent's process.
func (a *Agent) start() {
	w := a.w
	w.stats.AgentStarts++
	p := &proc{a: a, id: w.stats.AgentStarts, resume: make(chan bool)}
	cfg := keeper.DefaultConfig()
	cfg.Producer, cfg.Node, cfg.Role = w.chain.ours, a.name, a.role
	if w.opts.FenceCommand {
		cfg.FenceCommand = []string{"systemctl", "kill", "-s", "SIGKILL", "nodeos"}
	}
	cfg.Logger = hclog.NewNullLogger()
	if w.trace != nil && !w.opts.quietKeeper {
		cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: a.name, Level: hclog.Info, Output: traceWriter{w, a.name}, DisableTime: true})
	}
	deps := keeper.Deps{
		Node:       nodeAPI{n: a.node, p: p},
		Lock:       lockAPI{c: w.consul, p: p},
		Peers:      peersAPI{c: w.consul, p: p},
		Clock:      procClock{p},
		RunCommand: p.runCommand,
	}
	if w.opts.NoHandoff {
		deps.Peers = nil
	}
	k, err := keeper.New(cfg, deps)
	if err != nil {
		panic("sim: keeper.New: " + err.Error()) // the simulation's own configuration is wrong
	}
	p.k = k
	a.p = p
	a.lastState = keeper.Starting
	go p.loop()
	w.tracef(a.name, "agent", "process started (incarnation %d)", p.id)
	p.origin = a.local(w.sched.now)
	p.deliver(keeper.Event{Kind: keeper.EventTick})
	w.consul.watchStarted(p)
}

// crash kills the process at once: its keeper stops wherever it was, its renewals stop.
func (a *Agent) crash() {
	p := a.p
	if p == nil {
		return
	}
	a.p = nil
	p.dead = true
	a.deferred = nil
	a.stopped = false
	for _, t := range p.terms {
		t.processDied()
	}
	p.resume <- false
	<-a.w.sched.yield
	a.w.tracef(a.name, "agent", "process killed")
}

// stop and cont model SIGSTOP and SIGCONT of the process.
func (a *Agent) stop() { a.stopped = true }

func (a *Agent) cont() {
	a.stopped = false
	fns := a.deferred
	a.deferred = nil
	for _, f := range fns {
		f()
	}
	if p := a.p; p != nil && !p.stepping && len(p.inbox) > 0 {
		p.next()
	}
}

// whenRunning runs f now, or when the process is continued.
func (a *Agent) whenRunning(f func()) {
	if a.stopped {
		a.deferred = append(a.deferred, f)
		return
	}
	f()
}

// loop is the process goroutine: it steps the keeper each time the scheduler resumes it.
func (p *proc) loop() {
	defer func() { p.a.w.sched.yield <- struct{}{} }()
	ctx := context.Background()
	for {
		if !<-p.resume {
			return
		}
		p.k.Step(ctx, p.current)
		p.stepping = false
		p.a.w.sched.yield <- struct{}{}
	}
}

// park hands control back to the scheduler until world instant until; it runs on the
// process goroutine. A process killed meanwhile ends there.
func (p *proc) park(until time.Time) {
	w := p.a.w
	w.sched.at(until, func() { p.a.whenRunning(p.wake) })
	w.sched.yield <- struct{}{}
	if !<-p.resume {
		runtime.Goexit()
	}
}

// wake resumes a parked process and waits until it parks again or ends its step.
func (p *proc) wake() {
	if p.dead {
		return
	}
	p.resume <- true
	<-p.a.w.sched.yield
	p.afterRun()
}

// deliver hands an event to the process: at once when it is idle, else after its step.
func (p *proc) deliver(ev keeper.Event) {
	if p.dead {
		return
	}
	if p.stepping || p.a.stopped {
		if ev.Kind == keeper.EventLockView {
			for i := range p.inbox {
				if p.inbox[i].Kind == keeper.EventLockView {
					p.inbox[i] = ev // the watch keeps only the latest view
					return
				}
			}
		}
		p.inbox = append(p.inbox, ev)
		return
	}
	p.stepping = true
	p.current = ev
	p.resume <- true
	<-p.a.w.sched.yield
	p.afterRun()
}

// afterRun runs on the scheduler when the process yields: after a finished step it checks
// the invariants, schedules the next tick and takes the next queued event.
func (p *proc) afterRun() {
	if p.stepping || p.dead {
		return
	}
	w := p.a.w
	w.afterStep(p)
	if p.current.Kind == keeper.EventTick {
		poll := keeper.DefaultConfig().PollInterval
		now := p.a.local(w.sched.now)
		next := now.Add(poll - now.Sub(p.origin)%poll)
		w.sched.at(p.a.worldAt(next), func() { p.a.whenRunning(func() { p.deliver(keeper.Event{Kind: keeper.EventTick}) }) })
	}
	if len(p.inbox) > 0 && !p.a.stopped {
		p.next()
	}
}

// next starts the oldest queued event, from the scheduler, at the current instant.
func (p *proc) next() {
	ev := p.inbox[0]
	p.inbox = p.inbox[1:]
	p.a.w.sched.at(p.a.w.sched.now, func() { p.a.whenRunning(func() { p.deliver(ev) }) })
}

// worldDeadline returns ctx's deadline in world time (far away when it has none).
func (p *proc) worldDeadline(ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		return p.a.w.end.Add(time.Hour)
	}
	return p.a.worldAt(d)
}

// runCommand is the fence command: it kills the node's nodeos (systemctl kill -s SIGKILL).
func (p *proc) runCommand(ctx context.Context, argv []string) error {
	w := p.a.w
	p.park(w.sched.now.Add(w.latency(10*time.Millisecond, 200*time.Millisecond)))
	w.stats.Fenced++
	w.tracef(p.a.name, "fence", "%v: nodeos killed", argv)
	p.a.node.crash()
	w.sched.after(w.opts.NodeRestart, func() { p.a.node.restart(); w.tracef(p.a.node.name, "nodeos", "restarted paused after fence") })
	return nil
}

// procClock is an agent process's clock: now in the agent's time; timers park the process.
type procClock struct{ p *proc }

func (c procClock) Now() time.Time { return c.p.a.local(c.p.a.w.sched.now) }

func (c procClock) After(d time.Duration) <-chan time.Time {
	l := c.Now().Add(d)
	c.p.park(c.p.a.worldAt(l))
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}
