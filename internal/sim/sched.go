package sim

import (
	"container/heap"
	"time"
)

// event is one thing that happens in the world at an instant; seq orders events of the same
// instant by the order they were scheduled in, so runs are deterministic.
type event struct {
	at  time.Time
	seq uint64
	fn  func()
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// scheduler is the world's clock and event queue. It runs on the goroutine that called
// World.Run; agents hand control back to it through yield.
type scheduler struct {
	now   time.Time
	seq   uint64
	queue eventQueue
	// yield receives from an agent goroutine each time it parks or finishes a step, handing
	// control back to the scheduler.
	yield chan struct{}
}

// at schedules fn at instant t (never before now).
func (s *scheduler) at(t time.Time, fn func()) {
	if t.Before(s.now) {
		t = s.now
	}
	s.seq++
	heap.Push(&s.queue, &event{at: t, seq: s.seq, fn: fn})
}

// after schedules fn d from now.
func (s *scheduler) after(d time.Duration, fn func()) { s.at(s.now.Add(d), fn) }

// next runs the earliest event, if any before end, and reports whether it ran one.
func (s *scheduler) next(end time.Time) bool {
	if len(s.queue) == 0 || s.queue[0].at.After(end) {
		return false
	}
	e := heap.Pop(&s.queue).(*event)
	s.now = e.at
	e.fn()
	return true
}
