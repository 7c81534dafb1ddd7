package notify

import (
	"errors"
	"time"
)

// ErrNotStopped is returned by HandOver when the dispatcher handing over has been started and
// has not stopped yet.
var ErrNotStopped = errors.New("notify: dispatcher still running")

// handedOver is what one dispatcher passes to the next: the firing alerts with their state
// per channel name, and the alerts it had queued but not handled.
type handedOver struct {
	entries []handedEntry
	pending []Alert
}

// handedEntry is one firing alert with its state on each channel of the old dispatcher.
type handedEntry struct {
	alert Alert
	since time.Time
	chans map[string]chanState // by channel name
}

// HandOver passes what d still owes to next, a dispatcher built from a new configuration that
// has not run yet, so that replacing the channels (a configuration reload) loses nothing:
//
//   - the alerts firing in d stay firing in next, with their start time;
//   - on a channel of next that has the name of a channel of d, what was sent is kept: the
//     repeats go on and the resolved notice follows; a channel new in next, or one whose route
//     now admits the alert, is told as of a newly fired alert;
//   - alerts d had queued but not handled are handled by next before its own;
//   - messages still queued for a channel of d move to the channel of next with its name.
//
// A message a channel of d was sending or retrying when d stopped is not repeated. d must not
// be running: call HandOver after its Run returned (or when it never ran); it returns
// ErrNotStopped otherwise, and ErrRunning when next has already been started.
func (d *Dispatcher) HandOver(next *Dispatcher) error {
	if next.ran.Load() {
		return ErrRunning
	}
	last := d.last.Load()
	if d.ran.Load() && last == nil {
		return ErrNotStopped
	}
	h := &handedOver{}
	if next.handed != nil {
		h = next.handed
	}
	names := make([]string, len(d.workers))
	for i, w := range d.workers {
		names[i] = w.name
	}
	switch {
	case last != nil:
		h.entries = append(h.entries, last.handed(names)...)
	case d.handed != nil:
		// d never ran: what it was handed passes on unchanged.
		h.entries = append(h.entries, d.handed.entries...)
		h.pending = append(h.pending, d.handed.pending...)
	}
	for {
		select {
		case a := <-d.in:
			h.pending = append(h.pending, a)
			continue
		default:
		}
		break
	}
	for _, w := range d.workers {
		if nw := next.worker(w.name); nw != nil {
			w.moveQueue(nw)
		}
	}
	next.handed = h
	return nil
}

// worker returns the worker of the channel named name, or nil.
func (d *Dispatcher) worker(name string) *worker {
	for _, w := range d.workers {
		if w.name == name {
			return w
		}
	}
	return nil
}

// moveQueue moves the messages queued for w to to, without blocking; what does not fit is
// dropped and counted by to.
func (w *worker) moveQueue(to *worker) {
	for {
		select {
		case m := <-w.queue:
			to.enqueue(m)
		default:
			return
		}
	}
}

// handed returns the firing alerts of a stopped loop, in arrival order, with their state by
// channel name.
func (l *loop) handed(names []string) []handedEntry {
	out := make([]handedEntry, 0, len(l.entries))
	for _, e := range l.sorted() {
		he := handedEntry{alert: e.alert, since: e.since, chans: make(map[string]chanState, len(names))}
		for i, cs := range e.chans {
			he.chans[names[i]] = cs
		}
		out = append(out, he)
	}
	return out
}

// adopt starts the loop from what a previous dispatcher handed over (h may be nil).
func (l *loop) adopt(h *handedOver) {
	if h == nil {
		return
	}
	now := l.d.clock.Now()
	repeat := l.d.cfg.RepeatInterval
	for _, he := range h.entries {
		l.seq++
		e := &entry{alert: he.alert, since: he.since, chans: make([]chanState, len(l.d.workers)), seq: l.seq}
		for i, w := range l.d.workers {
			if !w.route.matches(he.alert.Severity) {
				continue
			}
			cs, known := he.chans[w.name]
			if !known || !cs.routed || !cs.sent {
				// New to this channel, or not told yet: due as for a newly fired alert.
				e.chans[i] = chanState{routed: true, due: he.since.Add(w.route.After)}
				continue
			}
			// Told already: the next repeat keeps its time, within the new interval.
			switch {
			case repeat <= 0:
				cs.due = time.Time{}
			case cs.due.IsZero() || cs.due.After(now.Add(repeat)):
				cs.due = now.Add(repeat)
			}
			e.chans[i] = cs
		}
		l.entries[he.alert.Key] = e
	}
	for _, a := range h.pending {
		l.handle(a, now)
	}
	l.d.firing.Store(int64(len(l.entries)))
}
