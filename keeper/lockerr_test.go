package keeper_test

import (
	"context"
	"errors"
	"testing"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// viewLock is a Lock whose watch delivers exactly the views the test sends.
type viewLock struct{ views chan keeper.LockView }

func (l viewLock) Acquire(context.Context, keeper.LockRecord) (keeper.Term, error) {
	return nil, keeper.ErrLockHeld
}
func (l viewLock) Watch(context.Context) <-chan keeper.LockView { return l.views }

func TestConsulReadFailureRaisesAlert(t *testing.T) {
	lock := viewLock{views: make(chan keeper.LockView, 1)}
	c := newCluster(t, lock, testProducers)
	c.addNode("b", keeper.RoleB)
	c.net.Start()
	b := c.startAgent("b", keeper.RoleB)

	lock.views <- keeper.LockView{Err: errors.New("dial tcp 127.0.0.1:8500: connect: connection refused")}
	c.waitFor("consul_unreachable fired", 2, func() bool { return b.alerts.fired(keeper.AlertConsulUnreachable) })
	if st := b.k.Status(); st.State == keeper.Candidate || st.State == keeper.Leader {
		t.Fatalf("B acted on a view it could not read: %s", st.State)
	}
	lock.views <- keeper.LockView{Held: true, Record: keeper.LockRecord{Node: "a"}}
	c.waitFor("consul_unreachable resolved", 2, func() bool {
		for _, k := range b.k.Status().Firing {
			if k == keeper.AlertConsulUnreachable {
				return false
			}
		}
		return b.k.Status().LockHolder == "a"
	})
}
