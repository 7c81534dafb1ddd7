package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// chainNode is a Node on a chain that grows two blocks per get_info, every block signed by
// its slot's scheduled producer; fail, when set, makes one call fail with failErr.
type chainNode struct {
	sched   nodeos.Schedule
	start   nodeos.Slot
	head    uint32
	fail    nodeCall
	failOn  bool
	failErr error
}

func newChainNode() *chainNode {
	s := nodeos.Schedule{Version: 3}
	for i := range 21 {
		s.Producers = append(s.Producers, fmt.Sprintf("prod%c", 'a'+i))
	}
	s.Producers[0] = "eosstorebest"
	return &chainNode{sched: s, start: nodeos.SlotOf(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), head: 1000}
}

func (n *chainNode) failing(c nodeCall) error {
	if n.failOn && n.fail == c {
		return n.failErr
	}
	return nil
}

func (n *chainNode) header(num uint32) BlockHeader {
	slot := n.start + nodeos.Slot(num)
	return BlockHeader{Num: num, Time: slot.Time(), Producer: n.sched.ProducerAt(slot), ScheduleVersion: n.sched.Version}
}

func (n *chainNode) Info(context.Context) (ChainInfo, error) {
	if err := n.failing(callInfo); err != nil {
		return ChainInfo{}, err
	}
	n.head += 2
	h := n.header(n.head)
	return ChainInfo{Head: h.Num, HeadTime: h.Time, HeadProducer: h.Producer, LIB: n.head - 2}, nil
}

func (n *chainNode) Block(_ context.Context, num uint32) (BlockHeader, error) {
	if err := n.failing(callBlock); err != nil {
		return BlockHeader{}, err
	}
	return n.header(num), nil
}

func (n *chainNode) Schedule(context.Context) (nodeos.Schedule, error) {
	return n.sched, n.failing(callSchedule)
}

func (n *chainNode) Paused(context.Context) (bool, error) { return true, n.failing(callPaused) }
func (n *chainNode) Pause(context.Context) error          { return nil }
func (n *chainNode) Resume(context.Context) error         { return nil }
func (n *chainNode) Peers(context.Context) (int, error)   { return 8, n.failing(callPeers) }

// stepClock is a Clock the test moves.
type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time                         { return c.t }
func (c *stepClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// alertRecorder keeps every alert change.
type alertRecorder struct {
	mu  sync.Mutex
	all []notify.Alert
}

func (r *alertRecorder) Notify(a notify.Alert) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, a)
}

func (r *alertRecorder) changes(key string) []notify.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Alert
	for _, a := range r.all {
		if a.Key == key {
			out = append(out, a)
		}
	}
	return out
}

// linesWith returns the lines of text that contain s.
func linesWith(text, s string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// quietLock is a lock that is always held by another node.
type quietLock struct{}

func (quietLock) Acquire(context.Context, LockRecord) (Term, error) { return nil, ErrLockHeld }
func (quietLock) Watch(context.Context) <-chan LockView             { return nil }

// notFound is nodeos's answer for an endpoint it does not serve.
func notFound(endpoint string) error {
	return &nodeos.APIError{Endpoint: endpoint, Status: 404, Code: 404, Message: "Not Found",
		Err: nodeos.ErrorInfo{Name: "exception", What: "unspecified", Details: []nodeos.ErrorDetail{{Message: "Unknown Endpoint"}}}}
}

// TestCallFailing: a nodeos read that fails on every tick while get_info answers is logged
// once, raises nodeos_call_failing with nodeos's error (shown in Status.Firing), explains the
// health problem it causes, and resolves once the read answers again.
func TestCallFailing(t *testing.T) {
	unknownBlock := &nodeos.APIError{Endpoint: nodeos.PathGetBlockInfo, Status: 400, Code: 400, Message: "Unknown Block",
		Err: nodeos.ErrorInfo{Code: 3100002, Name: "unknown_block_exception", What: "Unknown block",
			Details: []nodeos.ErrorDetail{{Message: "Could not find block: 1003"}}}}
	tests := []struct {
		name string
		fail nodeCall
		err  error
		// alert is the nodeos_call_failing message expected, "" for none; sev its severity.
		alert string
		sev   notify.Severity
		// problem is the health problem expected while failing, "" when health is unaffected.
		problem string
		// logged is the call named by the one log line of the failure.
		logged string
	}{
		{"EOSIO 2.0 without get_block_info", callBlock, notFound(nodeos.PathGetBlockInfo),
			"nodeos keeps failing a call the keeper needs: nodeos: /v1/chain/get_block_info: 404 Not Found: Unknown Endpoint; older releases (EOSIO 2.0) do not serve get_block_info; use get_block",
			notify.Critical,
			"observed fewer than 120 blocks so far: nodeos: /v1/chain/get_block_info: 404 Not Found: Unknown Endpoint",
			"block header"},
		{"block log pruned", callBlock, unknownBlock,
			"nodeos keeps failing a call the keeper needs: nodeos: /v1/chain/get_block_info: 400 Unknown Block: Could not find block: 1003 (unknown_block_exception 3100002)",
			notify.Critical, "observed fewer than 120 blocks so far: nodeos: /v1/chain/get_block_info: 400 Unknown Block", "block header"},
		{"a header of another block", callBlock, errors.New("asked for block 1003, answered block 7"),
			"nodeos keeps failing a call the keeper needs: block header: asked for block 1003, answered block 7",
			notify.Critical, "observed fewer than 120 blocks so far: block header: asked for block 1003", "block header"},
		{"schedule", callSchedule, &nodeos.TransportError{Endpoint: nodeos.PathGetProducerSchedule, Kind: nodeos.ErrTimeout, Err: context.DeadlineExceeded},
			"nodeos keeps failing a call the keeper needs: nodeos: /v1/chain/get_producer_schedule: timed out: context deadline exceeded",
			notify.Critical, "producer schedule unknown: nodeos: /v1/chain/get_producer_schedule: timed out", nodeos.PathGetProducerSchedule},
		{"producer_api_plugin missing", callPaused, notFound(nodeos.PathPaused),
			`nodeos keeps failing a call the keeper needs: nodeos: /v1/producer/paused: 404 Not Found: Unknown Endpoint; producer_api_plugin is probably not loaded (add "plugin = eosio::producer_api_plugin" to config.ini)`,
			notify.Critical, "", nodeos.PathPaused},
		{"peer count", callPeers, errors.New("open /proc/net/tcp: permission denied"),
			"nodeos keeps failing a call the keeper needs: p2p peer count: open /proc/net/tcp: permission denied",
			notify.Warning, "", "p2p peer count"},
		{"get_info: nodeos_api_failing, not this alert", callInfo, &nodeos.TransportError{Endpoint: nodeos.PathGetInfo, Kind: nodeos.ErrUnreachable, Err: errors.New("connection refused")},
			"", 0, "", nodeos.PathGetInfo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			node := newChainNode()
			node.fail, node.failErr, node.failOn = tc.fail, tc.err, true
			clock := &stepClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
			var logs bytes.Buffer
			rec := &alertRecorder{}
			cfg := DefaultConfig()
			cfg.Producer, cfg.Node, cfg.Role = "eosstorebest", "a", RoleA
			cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
			k, err := New(cfg, Deps{Node: node, Lock: quietLock{}, Alerts: rec, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			ticks := func(n int) {
				for range n {
					clock.t = clock.t.Add(time.Second)
					k.Step(ctx, Event{Kind: EventTick})
				}
			}
			ticks(80)
			st := k.Status()
			firing := strings.Join(st.Firing, " ")
			changes := rec.changes(alertCallFailing)
			if tc.alert == "" {
				if len(changes) != 0 || strings.Contains(firing, alertCallFailing) {
					t.Errorf("nodeos_call_failing raised: %+v", changes)
				}
				if tc.fail == callInfo && !strings.Contains(firing, alertAPIFailing) {
					t.Errorf("firing %v, want %s", st.Firing, alertAPIFailing)
				}
			} else {
				if len(changes) != 1 || changes[0].State != notify.Fired || changes[0].Message != tc.alert || changes[0].Severity != tc.sev {
					t.Fatalf("nodeos_call_failing changes %+v\nwant one fired %s alert %q", changes, tc.sev, tc.alert)
				}
				if !strings.Contains(firing, alertCallFailing) {
					t.Errorf("Status.Firing %v lacks %s", st.Firing, alertCallFailing)
				}
			}
			problems := strings.Join(st.HealthProblems, "\n")
			if tc.problem != "" && !strings.Contains(problems, tc.problem) {
				t.Errorf("health problems\n%s\nlack %q", problems, tc.problem)
			}
			if tc.problem == "" && tc.fail != callInfo && !st.Healthy {
				t.Errorf("unhealthy with only %s failing: %v", tc.fail.label(), st.HealthProblems)
			}
			if lines := linesWith(logs.String(), "a nodeos call keeps failing"); len(lines) != 1 ||
				!strings.Contains(lines[0], "[ERROR]") || !strings.Contains(lines[0], tc.logged) || !strings.Contains(lines[0], "failures=5") {
				t.Errorf("log\n%s\nwant one ERROR line naming %s after 5 failures", logs.String(), tc.logged)
			}

			// The call answers again: the alert resolves, health recovers, and that is logged.
			node.failOn = false
			ticks(80)
			st = k.Status()
			if changes := rec.changes(alertCallFailing); tc.alert != "" &&
				(len(changes) != 2 || changes[1].State != notify.Resolved) {
				t.Errorf("after recovery nodeos_call_failing changes %+v, want fired then resolved", changes)
			}
			if !st.Healthy || strings.Contains(strings.Join(st.Firing, " "), alertCallFailing) {
				t.Errorf("after recovery healthy %t, problems %v, firing %v", st.Healthy, st.HealthProblems, st.Firing)
			}
			if lines := linesWith(logs.String(), "a nodeos call answers again"); len(lines) != 1 || !strings.Contains(lines[0], tc.logged) {
				t.Errorf("log\n%s\nwant one line saying %s answers again", logs.String(), tc.logged)
			}
		})
	}
}
