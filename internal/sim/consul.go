package sim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Consul is the lock's store with the semantics the keeper relies on, as measured on a real
// Consul: a session expires on the server between one and two TTLs after its last renewal
// (never before one); an invalidated session that held the lock arms the lock-delay, a
// release does not; an acquire is refused while the lock is held or in lock-delay; the value
// survives release; timers live on the leader, so a leader election delays expiry (the new
// leader re-arms every session to two TTLs) and fails requests meanwhile.
type Consul struct {
	w *World
	// ttl, lockDelay, lostAfter, renewEvery and requestTimeout are the election's settings.
	ttl, lockDelay, lostAfter, renewEvery, requestTimeout time.Duration

	held           *session
	rec            keeper.LockRecord
	lockDelayUntil time.Time
	maint          bool
	maintReason    string
	switchTo       string
	switchAt       time.Time

	nextID   int
	sessions map[int]*session
	// leaderless fails every request and stops the session timers until it ends.
	leaderless bool
	// cut marks agents that cannot reach Consul; lostReplies counts, per agent, requests
	// the servers will apply but whose answers are lost.
	cut         map[string]bool
	lostReplies map[string]int
	// watchDelay delays, per agent, the lock views its watch delivers.
	watchDelay map[string]time.Duration
	// published holds each agent's last published status (<key_prefix>/<producer>/nodes/).
	published map[string]keeper.Status
}

// session is one Consul session.
type session struct {
	id      int
	owner   string
	expires time.Time
	live    bool
	term    *term
}

func newConsul(w *World) *Consul {
	return &Consul{w: w, sessions: map[int]*session{}, cut: map[string]bool{}, lostReplies: map[string]int{},
		watchDelay: map[string]time.Duration{}, published: map[string]keeper.Status{}}
}

// errNoLeader and errUnreachable are the failures of a request.
var (
	errNoLeader    = errors.New("Unexpected response code: 500 (No cluster leader)")
	errUnreachable = errors.New("dial tcp 127.0.0.1:8500: connect: connection refused")
	errTimeout     = fmt.Errorf("consul request: %w", context.DeadlineExceeded)
)

// request runs one Consul request of rtts round trips for process p: apply runs on the leader
// half way through, at that instant of world time. A cut agent fails fast; a leaderless
// cluster fails after the RPC hold time; a lost reply applies but answers with a timeout.
func (c *Consul) request(p *proc, ctx context.Context, rtts int, apply func() error) error {
	w := c.w
	deadline := minTime(p.worldDeadline(ctx), w.sched.now.Add(c.requestTimeout))
	name := p.a.name
	if c.cut[name] {
		p.park(w.sched.now.Add(time.Millisecond))
		return errUnreachable
	}
	lat := time.Duration(rtts) * w.latency(time.Millisecond, 10*time.Millisecond)
	if c.leaderless {
		p.park(minTime(deadline, w.sched.now.Add(7*time.Second)))
		return errNoLeader
	}
	if w.sched.now.Add(lat).After(deadline) {
		p.park(deadline)
		return errTimeout
	}
	p.park(w.sched.now.Add(lat / 2))
	if c.cut[name] || c.leaderless {
		p.park(deadline)
		return errTimeout
	}
	err := apply()
	if c.lostReplies[name] > 0 {
		c.lostReplies[name]--
		w.stats.LostReplies++
		p.park(deadline)
		return errTimeout
	}
	p.park(w.sched.now.Add(lat - lat/2))
	return err
}

// arm sets a session's server-side expiry: between one and two TTLs from now.
func (c *Consul) arm(s *session) {
	s.expires = c.w.sched.now.Add(c.ttl + time.Duration(c.w.rng.Int63n(int64(c.ttl))))
	exp := s.expires
	c.w.sched.at(exp, func() {
		if s.live && !c.leaderless && !s.expires.After(c.w.sched.now) && s.expires.Equal(exp) {
			c.w.tracef(s.owner, "consul", "session %d expired on the server", s.id)
			c.invalidate(s)
		}
	})
}

// invalidate ends a session; a lock it held frees with the lock-delay armed.
func (c *Consul) invalidate(s *session) {
	if !s.live {
		return
	}
	s.live = false
	if c.held == s {
		c.held = nil
		c.lockDelayUntil = c.w.sched.now.Add(c.lockDelay)
		c.changed()
	}
	if t := s.term; t != nil {
		t.keyChanged()
	}
}

// destroy ends a session by request (Session.Destroy): like any invalidation.
func (c *Consul) destroy(s *session) { c.invalidate(s) }

// leaderLost and leaderElected model a leader election: requests fail, timers stop, and the
// new leader re-arms every session to two TTLs.
func (c *Consul) leaderLost() {
	c.leaderless = true
	c.changedErr()
}

func (c *Consul) leaderElected() {
	c.leaderless = false
	for _, id := range c.sortedSessions() {
		s := c.sessions[id]
		if s.live {
			s.expires = c.w.sched.now.Add(2 * c.ttl)
			exp := s.expires
			c.w.sched.at(exp, func() {
				if s.live && !c.leaderless && s.expires.Equal(exp) {
					c.invalidate(s)
				}
			})
		}
	}
	c.changed()
}

func (c *Consul) sortedSessions() []int {
	ids := make([]int, 0, len(c.sessions))
	for id := 1; id <= c.nextID; id++ {
		if _, ok := c.sessions[id]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// view is the lock as a watch reads it now.
func (c *Consul) view() keeper.LockView {
	v := keeper.LockView{Held: c.held != nil, Record: c.rec, Maintenance: c.maint, MaintenanceReason: c.maintReason,
		SwitchoverTo: c.switchTo, SwitchoverAt: c.switchAt}
	if v.Record.Handoff != nil {
		h := *v.Record.Handoff
		v.Record.Handoff = &h
	}
	return v
}

// changed delivers the new view to every agent's watch.
func (c *Consul) changed() {
	for _, a := range c.w.agents {
		c.deliverView(a, false)
	}
}

// changedErr delivers a failed read to every agent's watch.
func (c *Consul) changedErr() {
	for _, a := range c.w.agents {
		c.deliverView(a, true)
	}
}

func (c *Consul) deliverView(a *Agent, failed bool) {
	p := a.p
	if p == nil {
		return
	}
	delay := c.w.latency(time.Millisecond, 30*time.Millisecond) + c.watchDelay[a.name]
	if failed || c.cut[a.name] {
		delay = c.requestTimeout
	}
	c.w.sched.after(delay, func() {
		if a.p != p {
			return
		}
		v := c.view()
		if failed || c.cut[a.name] || c.leaderless {
			v = p.lastView
			v.Err = errUnreachable
		} else {
			p.lastView = v
		}
		a.whenRunning(func() { p.deliver(keeper.Event{Kind: keeper.EventLockView, View: v}) })
	})
}

// watchStarted delivers the first view to a new process.
func (c *Consul) watchStarted(p *proc) { c.deliverView(p.a, false) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
