package nodeos_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// A keeper-style loop: one select over the follower's events and its own shutdown.
func ExampleFollower() {
	dir, _ := os.MkdirTemp("", "nodeos-log")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "nodeos.log")
	_ = os.WriteFile(path, []byte(
		"info  2025-01-01T00:00:05.963 nodeos    controller.cpp:3608           log_applied          ] Produced block 1f2e3d4c5b6a7980... #1000 @ 2025-01-01T00:00:06.000 signed by eosstorebest [trxs: 3, lib: 998, net: 1200, cpu: 800 us, elapsed: 450 us, producing time: 462421 us]\n"+
			"info  2025-01-01T00:00:06.001 net-0     net_plugin.cpp:1524           operator()           ] [\"peer1:9876 - 1a2b3c4\"] Closing connection\n"+
			"warn  2025-01-01T00:00:06.100 http-0    producer_plugin.cpp:2110      determine_pending_bl ] Not producing block because production is explicitly paused, block 2025-01-01T00:00:06.500\n"),
		0o644)

	f, err := nodeos.NewFollower(nodeos.FollowerConfig{Path: path, Start: nodeos.AtOffset(0)})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	for seen := 0; seen < 2; {
		select {
		case ev, ok := <-f.Events():
			if !ok {
				return
			}
			seen++
			switch ev.Kind {
			case nodeos.EventProduced:
				fmt.Printf("produced #%d in slot %d\n", ev.BlockNum, ev.BlockSlot)
			case nodeos.EventNotProducing:
				fmt.Printf("not producing (%s) at %s\n", ev.Reason, ev.BlockTime.Format("15:04:05.000"))
			}
		case <-ctx.Done():
			return
		}
	}
	cancel()
	fmt.Println(<-done)
	// Output:
	// produced #1000 in slot 1578009612
	// not producing (paused) at 00:00:06.500
	// context canceled
}
