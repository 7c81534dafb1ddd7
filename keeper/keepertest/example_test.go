package keepertest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/keeper/keepertest"
)

// Two agents contend for one producer's lock: the lock refuses the second while the first
// holds it, and takes it once the first's session has expired.
func ExampleLock() {
	ctx := context.Background()
	lock := keepertest.NewLock()

	if _, err := lock.Acquire(ctx, keeper.LockRecord{Node: "a", Role: keeper.RoleA}); err != nil {
		fmt.Println("a:", err)
	}
	_, err := lock.Acquire(ctx, keeper.LockRecord{Node: "b", Role: keeper.RoleB})
	fmt.Println("b refused:", errors.Is(err, keeper.ErrLockHeld))
	fmt.Println("holder:", lock.Holder())

	lock.Revoke() // a's session expires
	if _, err := lock.Acquire(ctx, keeper.LockRecord{Node: "b", Role: keeper.RoleB}); err != nil {
		fmt.Println("b:", err)
	}
	fmt.Println("holder:", lock.Holder())
	fmt.Println("acquisitions:", lock.Acquisitions())
	// Output:
	// b refused: true
	// holder: a
	// holder: b
	// acquisitions: [a b]
}
