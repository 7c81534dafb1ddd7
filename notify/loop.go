package notify

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// DroppedKey is the Key of the alert the dispatcher sends after Notify had to drop alerts.
const DroppedKey = "notify_alerts_dropped"

// entry is the loop's record of one firing alert.
type entry struct {
	alert Alert
	since time.Time   // when it started firing, on the dispatcher clock
	chans []chanState // indexed like Dispatcher.workers
	seq   uint64      // arrival order, for deterministic sending order
}

// chanState tracks one firing alert on one channel.
type chanState struct {
	routed  bool      // the route matched the alert's severity
	sent    bool      // a fired notice was handed to the channel
	repeats int       // repeats handed to the channel
	due     time.Time // when the next fired notice is due; zero if none
}

// loop holds the state owned by the goroutine running Dispatcher.Run.
type loop struct {
	d          *Dispatcher
	entries    map[string]*entry
	seq        uint64
	nextDigest time.Time
	reported   uint64 // drops already reported
}

func newLoop(d *Dispatcher) *loop {
	l := &loop{d: d, entries: make(map[string]*entry)}
	l.adopt(d.handed)
	if len(d.digest) > 0 {
		l.nextDigest = nextDigest(d.clock.Now(), d.digest, d.cfg.Location)
	}
	return l
}

// run processes alerts and timed sends until ctx is cancelled.
func (l *loop) run(ctx context.Context) {
	clock := l.d.clock
	for {
		var timer Timer
		var timerC <-chan time.Time
		if next := l.nextWake(); !next.IsZero() {
			timer = clock.NewTimer(next.Sub(clock.Now()))
			timerC = timer.C()
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case a := <-l.d.in:
			l.handle(a, clock.Now())
		case <-timerC:
		}
		if timer != nil {
			timer.Stop()
		}
		// The gauge is set before anything is sent: a reader told of an alert sees it counted.
		l.d.firing.Store(int64(len(l.entries)))
		now := clock.Now()
		l.sendDue(now)
		l.sendDigest(now)
		l.reportDrops(now)
	}
}

// nextWake returns the earliest time something is due, or zero if nothing is scheduled.
func (l *loop) nextWake() time.Time {
	next := l.nextDigest
	for _, e := range l.entries {
		for _, cs := range e.chans {
			if !cs.due.IsZero() && (next.IsZero() || cs.due.Before(next)) {
				next = cs.due
			}
		}
	}
	return next
}

// handle applies one alert to the firing set.
func (l *loop) handle(a Alert, now time.Time) {
	if a.Key == "" {
		l.d.log.Warn("alert without key ignored", "message", a.Message)
		return
	}
	cfg := l.d.cfg
	if a.Node == "" {
		a.Node = cfg.Node
	}
	if a.Role == "" {
		a.Role = cfg.Role
	}
	if a.Producer == "" {
		a.Producer = cfg.Producer
	}
	e, firing := l.entries[a.Key]
	if a.State == Resolved {
		if !firing {
			return
		}
		delete(l.entries, a.Key)
		a.Severity = e.alert.Severity
		for i, w := range l.d.workers {
			if e.chans[i].sent {
				l.send(w, Message{Kind: KindAlert, Alert: a, Since: e.since}, now)
			}
		}
		return
	}
	if !firing {
		l.seq++
		e = &entry{since: now, chans: make([]chanState, len(l.d.workers)), seq: l.seq}
		l.entries[a.Key] = e
	}
	escalated := firing && a.Severity > e.alert.Severity
	e.alert = a
	for i, w := range l.d.workers {
		cs := &e.chans[i]
		if !w.route.matches(a.Severity) {
			continue
		}
		switch {
		case !cs.routed:
			cs.routed = true
			cs.due = e.since.Add(w.route.After)
		case escalated && cs.sent:
			cs.due = now // tell again at once: the fault got worse
		}
	}
}

// sendDue sends the fired notices and repeats that are due at now.
func (l *loop) sendDue(now time.Time) {
	for _, e := range l.sorted() {
		for i, w := range l.d.workers {
			cs := &e.chans[i]
			if cs.due.IsZero() || cs.due.After(now) {
				continue
			}
			m := Message{Kind: KindAlert, Alert: e.alert, Since: e.since}
			if cs.sent {
				cs.repeats++
				m.Repeat = cs.repeats
			}
			cs.sent = true
			cs.due = time.Time{}
			if l.d.cfg.RepeatInterval > 0 {
				cs.due = now.Add(l.d.cfg.RepeatInterval)
			}
			l.send(w, m, now)
		}
	}
}

// sorted returns the firing alerts in arrival order.
func (l *loop) sorted() []*entry {
	out := make([]*entry, 0, len(l.entries))
	for _, e := range l.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// sendDigest sends the status digest if it is due.
func (l *loop) sendDigest(now time.Time) {
	if l.nextDigest.IsZero() || l.nextDigest.After(now) {
		return
	}
	l.nextDigest = nextDigest(now, l.d.digest, l.d.cfg.Location)
	dc := l.d.cfg.Digest
	var m Message
	m.Kind = KindDigest
	m.formatDigest(l.d.cfg.Lang, l.d.cfg.Location, now, l.d.cfg.Node, dc.Status())
	for _, w := range l.d.workers {
		if len(dc.Channels) == 0 || contains(dc.Channels, w.name) {
			w.enqueue(m)
		}
	}
}

// reportDrops sends one alert about alerts dropped by Notify, once the queue has drained.
func (l *loop) reportDrops(now time.Time) {
	total := l.d.dropped.Load()
	if total == l.reported || len(l.d.in) > 0 {
		return
	}
	n := total - l.reported
	l.reported = total
	cfg := l.d.cfg
	a := Alert{
		Key: DroppedKey, Severity: Warning, State: Fired,
		Node: cfg.Node, Role: cfg.Role, Producer: cfg.Producer,
		Message: fmt.Sprintf("%d alerts dropped: notify queue full", n),
		Figures: []Figure{Fig("dropped", n), Fig("dropped_total", total)},
		Time:    now,
	}
	if cfg.Lang == Chinese {
		a.Message = fmt.Sprintf("告警队列已满，丢弃 %d 条告警", n)
	}
	for _, w := range l.d.workers {
		if w.route.matches(a.Severity) {
			l.send(w, Message{Kind: KindAlert, Alert: a}, now)
		}
	}
}

// send renders m and hands it to w.
func (l *loop) send(w *worker, m Message, now time.Time) {
	m.format(l.d.cfg.Lang, l.d.cfg.Location, now)
	w.enqueue(m)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
