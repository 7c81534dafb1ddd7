package keeper

import (
	"context"
	"errors"
	"testing"
)

// viewLock is a Lock whose watch delivers exactly the views the test sends.
type viewLock struct{ views chan LockView }

func (l viewLock) Acquire(context.Context, LockRecord) (Term, error) { return nil, ErrLockHeld }
func (l viewLock) Watch(context.Context) <-chan LockView             { return l.views }

func TestConsulReadFailureRaisesAlert(t *testing.T) {
	lock := viewLock{views: make(chan LockView, 1)}
	c := newCluster(t, lock, testProducers)
	c.addNode("b", RoleB)
	c.net.Start()
	b := c.startAgent("b", RoleB)

	lock.views <- LockView{Err: errors.New("dial tcp 127.0.0.1:8500: connect: connection refused")}
	c.waitFor("consul_unreachable fired", 2, func() bool { return b.alerts.fired(alertConsulUnreachable) })
	if st := b.k.Status(); st.State == Candidate || st.State == Leader {
		t.Fatalf("B acted on a view it could not read: %s", st.State)
	}
	lock.views <- LockView{Held: true, Record: LockRecord{Node: "a"}}
	c.waitFor("consul_unreachable resolved", 2, func() bool {
		for _, k := range b.k.Status().Firing {
			if k == alertConsulUnreachable {
				return false
			}
		}
		return b.k.Status().LockHolder == "a"
	})
}
