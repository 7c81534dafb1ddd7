package sim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// lockAPI is the Consul lock as one agent process uses it; it implements keeper.Lock.
type lockAPI struct {
	c *Consul
	p *proc
}

var _ keeper.Lock = lockAPI{}

// errLockDelay is the refusal during lock-delay.
var errLockDelay = errors.New("lock-delay in effect")

// Acquire reads the key, creates a session and locks the key with it, as election.TryAcquire
// does. A lock whose answer is lost is abandoned: the session is destroyed when Consul can be
// reached, which arms the lock-delay.
func (l lockAPI) Acquire(ctx context.Context, rec keeper.LockRecord) (keeper.Term, error) {
	c, p := l.c, l.p
	sent := p.a.local(c.w.sched.now)
	var s *session
	err := c.request(p, ctx, 3, func() error {
		if c.held != nil {
			return keeper.ErrLockHeld
		}
		if rec.Term != "" && rec.Term != c.rec.Term {
			return fmt.Errorf("%w: the value was written by %s, not %s as read", keeper.ErrLockHeld, c.rec.Term, rec.Term)
		}
		if c.w.sched.now.Before(c.lockDelayUntil) {
			return fmt.Errorf("%w: %w", keeper.ErrLockHeld, errLockDelay)
		}
		c.nextID++
		s = &session{id: c.nextID, owner: p.a.name, live: true}
		c.sessions[s.id] = s
		c.arm(s)
		c.held = s
		c.w.noteAcquire(p.a)
		rec.Handoff = nil
		rec.Term = fmt.Sprintf("session-%d", s.id)
		c.rec = rec
		c.changed()
		return nil
	})
	if err != nil {
		if s != nil && s.live {
			// Acquired, but the answer was lost: abandon the session.
			c.w.sched.after(c.w.latency(time.Millisecond, 50*time.Millisecond), func() {
				if !c.cut[p.a.name] && !c.leaderless {
					c.destroy(s)
				}
			})
		}
		return nil, err
	}
	t := &term{c: c, p: p, s: s, lost: make(chan struct{}), lastGood: sent}
	s.term = t
	p.terms = append(p.terms, t)
	t.scheduleRenew(sent.Add(c.renewEvery))
	t.scheduleLostCheck()
	return t, nil
}

// peersAPI reads the published statuses as one agent process; it implements keeper.Peers.
type peersAPI struct {
	c *Consul
	p *proc
}

var _ keeper.Peers = peersAPI{}

func (r peersAPI) Statuses(ctx context.Context) ([]keeper.Status, error) {
	var out []keeper.Status
	err := r.c.request(r.p, ctx, 1, func() error {
		for _, a := range r.c.w.agents {
			if s, ok := r.c.published[a.name]; ok {
				out = append(out, s)
			}
		}
		return nil
	})
	return out, err
}

// publish writes an agent's status every statusEvery, as the agent's publisher does.
func (c *Consul) publish(a *Agent, st keeper.Status) {
	if c.cut[a.name] || c.leaderless || c.w.sched.now.Before(a.nextPublish) {
		return
	}
	c.published[a.name] = st
	a.nextPublish = c.w.sched.now.Add(statusEvery)
}

// statusEvery is the agents' status publication interval.
const statusEvery = 5 * time.Second

// Watch is not used: the simulation delivers the views itself (see Consul.changed).
func (l lockAPI) Watch(ctx context.Context) <-chan keeper.LockView { return nil }

// term is one tenure of the simulated lock, renewed by its process as election.Term is: every
// renewal interval after the last good one, retried on failure, given up (Lost) once no
// renewal succeeded within lostAfter of the last good one's send time, or at once when the
// session is gone or the key no longer names it.
type term struct {
	c        *Consul
	p        *proc
	s        *session
	lost     chan struct{}
	lostWhy  string
	lastGood time.Time // agent clock: send time of the last renewal answered 200
	released bool
	dead     bool // the process died
}

var _ keeper.Term = (*term)(nil)

func (t *term) Lost() <-chan struct{} { return t.lost }

func (t *term) FenceBy() time.Time {
	return t.lastGood.Add(min(t.c.ttl, t.c.lockDelay))
}

func (t *term) isLost() bool {
	select {
	case <-t.lost:
		return true
	default:
		return false
	}
}

// lose closes Lost once and tells the keeper, as keeper.Run does when Lost closes.
func (t *term) lose(why string) {
	if t.isLost() {
		return
	}
	t.lostWhy = why
	close(t.lost)
	if t.released || t.dead {
		return
	}
	t.c.w.tracef(t.p.a.name, "lock", "term lost: %s", why)
	p := t.p
	p.a.whenRunning(func() { p.deliver(keeper.Event{Kind: keeper.EventLockLost}) })
}

// processDied stops the renewals: the process that ran them is gone.
func (t *term) processDied() { t.dead = true }

func (t *term) active() bool { return !t.dead && !t.released && !t.isLost() }

func (t *term) scheduleRenew(atLocal time.Time) {
	t.c.w.sched.at(t.p.a.worldAt(atLocal), func() { t.p.a.whenRunning(t.renew) })
}

// scheduleLostCheck arms the give-up timer at lastGood + lostAfter.
func (t *term) scheduleLostCheck() {
	at := t.lastGood.Add(t.c.lostAfter)
	t.c.w.sched.at(t.p.a.worldAt(at), func() {
		t.p.a.whenRunning(func() {
			if t.active() && !t.p.a.local(t.c.w.sched.now).Before(t.lastGood.Add(t.c.lostAfter)) {
				t.lose("no renewal succeeded within lost_after")
			}
		})
	})
}

// renew sends one renewal from the process's renewal goroutine (not the keeper's).
func (t *term) renew() {
	if !t.active() {
		return
	}
	c, w := t.c, t.c.w
	now := t.p.a.local(w.sched.now)
	if !now.Before(t.lastGood.Add(c.lostAfter)) {
		t.lose("no renewal succeeded within lost_after")
		return
	}
	sent := now
	retry := func() {
		backoff := c.renewEvery/10 + time.Duration(w.rng.Int63n(int64(c.renewEvery/2-c.renewEvery/10)))
		t.scheduleRenew(t.p.a.local(w.sched.now).Add(backoff))
	}
	name := t.p.a.name
	if c.cut[name] || c.leaderless {
		w.sched.after(min(c.requestTimeout, 7*time.Second), func() { t.p.a.whenRunning(retry) })
		return
	}
	lat := w.latency(time.Millisecond, 10*time.Millisecond)
	w.sched.after(lat/2, func() {
		if c.cut[name] || c.leaderless {
			w.sched.after(c.requestTimeout, func() { t.p.a.whenRunning(retry) })
			return
		}
		if !t.s.live {
			w.sched.after(lat/2, func() { t.p.a.whenRunning(func() { t.lose("renewal answered 404: session invalidated") }) })
			return
		}
		c.arm(t.s)
		if c.lostReplies[name] > 0 {
			c.lostReplies[name]--
			w.stats.LostReplies++
			w.sched.after(c.requestTimeout, func() { t.p.a.whenRunning(retry) })
			return
		}
		w.sched.after(lat/2, func() {
			t.p.a.whenRunning(func() {
				if !t.active() {
					return
				}
				if sent.After(t.lastGood) {
					t.lastGood = sent
					t.scheduleLostCheck()
				}
				t.scheduleRenew(t.lastGood.Add(c.renewEvery))
			})
		})
	})
}

// keyChanged runs when the session no longer holds the key: the term's key watch sees it
// unless the agent cannot reach Consul (then the renewal's 404 or lostAfter decides).
func (t *term) keyChanged() {
	w := t.c.w
	w.sched.after(w.latency(time.Millisecond, 30*time.Millisecond), func() {
		if !t.c.cut[t.p.a.name] && !t.c.leaderless {
			t.p.a.whenRunning(func() {
				if t.active() {
					t.lose("lock key no longer held by the session")
				}
			})
		}
	})
}

// SetWatermark writes the watermark only while this session holds the key.
func (t *term) SetWatermark(ctx context.Context, wm keeper.Block) error {
	if t.isLost() {
		return errors.New("term lost")
	}
	c := t.c
	return c.request(t.p, ctx, 1, func() error {
		if c.held != t.s {
			return errors.New("watermark write refused: session does not hold the lock")
		}
		c.rec.Watermark = wm
		c.changed()
		return nil
	})
}

// Release unlocks the key (recording h) and destroys the session; an unlock frees the lock
// with no lock-delay.
func (t *term) Release(ctx context.Context, h *keeper.Handoff) error {
	if t.released {
		return errors.New("term already released")
	}
	t.released = true
	t.lose("released")
	return t.giveUp(ctx, h)
}

// Retire finishes a release that failed; a session that no longer holds the key leaves
// nothing to free, so that is success.
func (t *term) Retire(ctx context.Context) error {
	if !t.released {
		return errors.New("term not released")
	}
	if err := t.giveUp(ctx, nil); !errors.Is(err, errNotHeld) {
		return err
	}
	return nil
}

// errNotHeld is the refusal of an unlock by a session that no longer holds the key.
var errNotHeld = errors.New("release refused: session does not hold the lock")

// giveUp unlocks the key if the term's session holds it, recording h, and destroys the
// session; when the session no longer holds the key it reports errNotHeld, as the guarded
// unlock of election.Term does.
func (t *term) giveUp(ctx context.Context, h *keeper.Handoff) error {
	c := t.c
	return c.request(t.p, ctx, 2, func() error {
		t.s.live = false
		if c.held != t.s {
			return errNotHeld
		}
		c.held = nil
		if h != nil {
			hc := *h
			c.rec.Handoff = &hc
		}
		c.w.noteRelease(t.p.a, h)
		c.changed()
		return nil
	})
}
