package keeper

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// TestAdmitHandoff is the hand-off rule as a table: who a resignation's record admits, when.
func TestAdmitHandoff(t *testing.T) {
	resign := func(mod func(*Evidence)) Evidence {
		e := Evidence{
			Node: "c", Role: RoleC, Delay: 6, Healthy: true, PausedConfirmed: true, Head: 510, MaxHandoffBlocks: 120,
			Record: LockRecord{Node: "a", Watermark: Block{Num: 500, Node: "a"}, Handoff: &Handoff{
				To: "b", Watermark: Block{Num: 500, Node: "a"}, Reason: "nodeos unhealthy", Head: 505,
				Successors: []Successor{{Node: "b"}, {Node: "c", After: 3 * time.Second}},
			}},
			LastOurBlock: Block{Num: 500},
		}
		mod(&e)
		return e
	}
	tests := []struct {
		name    string
		ev      Evidence
		contend bool
		path    string
		why     string
	}{
		{"first successor at once", resign(func(e *Evidence) { e.Node, e.Role, e.Delay = "b", RoleB, 2 }), true, PathHandoff, "hand-off to b at block 500 (a resigned: nodeos unhealthy)"},
		{"a successor waits for the end of the turn the holder resigned in", resign(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.HeadSlot = "b", RoleB, 2, 113
			e.Record.Handoff.ResumeFrom = 114
		}), false, "", "end of the turn"},
		{"and takes over once its head is there", resign(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.HeadSlot = "b", RoleB, 2, 114
			e.Record.Handoff.ResumeFrom = 114
		}), true, PathHandoff, "hand-off to b"},
		{"second successor waits its head start", resign(func(e *Evidence) { e.FreeFor = time.Second }), false, "", "successor 2"},
		{"second successor after its head start", resign(func(e *Evidence) { e.FreeFor = 3 * time.Second }), true, PathHandoff, "hand-off to c"},
		{"a node not named keeps the evidence rule", resign(func(e *Evidence) {
			e.Node, e.FreeFor, e.MissedTurns = "d", time.Hour, 1
		}), false, "", "missed 1 of the 6"},
		{"our blocks up to the old holder's head at its stop are its own", resign(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.LastOurBlock.Num = "b", RoleB, 2, 505
		}), true, PathHandoff, "hand-off to b"},
		{"a block of ours newer than the old holder's head", resign(func(e *Evidence) { e.FreeFor, e.LastOurBlock.Num = time.Hour, 506 }), false, "", "missed 0 of the 6"},
		{"a switchover accepts no block of ours newer than its watermark", resign(func(e *Evidence) {
			e.Record.Handoff = &Handoff{To: "c", Watermark: Block{Num: 500}}
			e.LastOurBlock.Num = 501
		}), false, "", "missed 0 of the 6"},
		{"the watermark block not reached yet", resign(func(e *Evidence) { e.FreeFor, e.Head = time.Hour, 499 }), false, "", "waits for our block 500"},
		{"a stale hand-off is ignored", resign(func(e *Evidence) {
			e.FreeFor, e.Head = time.Hour, 505+120+1
		}), false, "", "missed 0 of the 6"},
		{"a stale hand-off leaves the evidence rule", resign(func(e *Evidence) {
			e.FreeFor, e.Head, e.MissedTurns = time.Hour, 2000, 6
		}), true, PathEvidence, "missed 6 turns"},
		{"a held lock refuses the successor", resign(func(e *Evidence) { e.Node, e.LockHeld = "b", true }), false, "", "lock held"},
		{"an unpaused successor is refused", resign(func(e *Evidence) { e.Node, e.PausedConfirmed = "b", false }), false, "", "not confirmed paused"},
		{"the resigning node is demoted", resign(func(e *Evidence) {
			e.Node, e.Demoted, e.MaxDelay = "a", true, 6
		}), false, "", "gave up the lock"},
		{"a switchover names one target", resign(func(e *Evidence) {
			e.Node, e.Record.Handoff = "c", &Handoff{To: "c", Watermark: Block{Num: 500}}
		}), true, PathSwitchover, "hand-off to c at block 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Admit(tc.ev)
			if got.Contend != tc.contend || got.Path != tc.path || !strings.Contains(got.Why, tc.why) {
				t.Errorf("Admit = %+v, want contend %t, path %q, why containing %q", got, tc.contend, tc.path, tc.why)
			}
		})
	}
}

// fakePeers serves fixed statuses.
type fakePeers struct {
	statuses []Status
	err      error
}

func (f fakePeers) Statuses(context.Context) ([]Status, error) { return f.statuses, f.err }

// TestSuccessors checks who a resigning holder names, and in which order.
func TestSuccessors(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	standby := func(node string, role Role, mod ...func(*Status)) Status {
		s := Status{Node: node, Role: role, Producer: "eosstorebest", Time: now.Add(-2 * time.Second), State: Standby,
			Healthy: true, Paused: true, PausedKnown: true, Head: 600}
		for _, m := range mod {
			m(&s)
		}
		return s
	}
	tests := []struct {
		name  string
		peers Peers
		want  []Successor
	}{
		{"priority order with head starts", fakePeers{statuses: []Status{
			standby("c", RoleC), standby("a", RoleA), standby("b", RoleB), standby("a-self", RoleA),
		}}, []Successor{{Node: "a"}, {Node: "b", After: 3 * time.Second}, {Node: "c", After: 6 * time.Second}}},
		{"stale, unhealthy, unpaused, demoted, behind and maintenance are skipped", fakePeers{statuses: []Status{
			standby("b1", RoleB, func(s *Status) { s.Time = now.Add(-PeerFreshness - time.Second) }),
			standby("b2", RoleB, func(s *Status) { s.Healthy = false }),
			standby("b3", RoleB, func(s *Status) { s.Paused = false }),
			standby("b4", RoleB, func(s *Status) { s.Demoted = true }),
			standby("b5", RoleB, func(s *Status) { s.Head = 379 }), // more than a minute of chain (120 blocks) behind block 500
			standby("b6", RoleB, func(s *Status) { s.State = Maintenance }),
			standby("b7", RoleB, func(s *Status) { s.Producer = "other" }),
			standby("c", RoleC),
		}}, []Successor{{Node: "c"}}},
		{"a published head a little behind the watermark is on our chain", fakePeers{statuses: []Status{
			standby("b", RoleB, func(s *Status) { s.Head = 380 }), // exactly a minute of chain behind
			standby("c", RoleC, func(s *Status) { s.Head = 379 }),
		}}, []Successor{{Node: "b"}}},
		{"an unreadable Consul hands nothing on", fakePeers{err: errors.New("connection refused")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Producer, cfg.Node, cfg.Role = "eosstorebest", "a-self", RoleA
			k, err := New(cfg, Deps{Node: nopNode{}, Lock: nopLock{}, Peers: tc.peers, Clock: fixedClock{now}})
			if err != nil {
				t.Fatal(err)
			}
			got := k.successors(context.Background(), Block{Num: 500})
			if len(got) != len(tc.want) {
				t.Fatalf("successors = %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("successors = %+v, want %+v", got, tc.want)
				}
			}
		})
	}
}

// TestStopPoint checks the head and slot a resigning holder vouches for: for a nodeos that
// cannot be read, the last head read plus the blocks (and slots) the chain can have made since;
// for one that answers, its head read again.
func TestStopPoint(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	k := bareKeeper(t, now)
	k.obs.head, k.obs.headSlot, k.obs.headAdvancedAt = 1000, 5000, now.Add(-2*time.Second)
	for _, answers := range []bool{false, true} { // nopNode's Info fails: a nodeos that stopped answering
		head, slot := k.stopPoint(context.Background(), now, answers)
		if head != 1005 || slot != 5005 {
			t.Errorf("stopPoint(answers %t) = %d, %d; want 1005, 5005: head 1000 in slot 5000, 4 blocks of 500 ms and one on its way", answers, head, slot)
		}
	}
	k.deps.Node = infoNode{head: 1003, at: nodeos.Slot(5003).Time()}
	if head, slot := k.stopPoint(context.Background(), now, true); head != 1003 || slot != 5003 {
		t.Errorf("stopPoint of a nodeos that answers = %d, %d; want its head read again, 1003 in slot 5003", head, slot)
	}
}

// infoNode answers get_info with one head and nothing else.
type infoNode struct {
	nopNode
	head uint32
	at   time.Time
}

func (n infoNode) Info(context.Context) (ChainInfo, error) {
	return ChainInfo{Head: n.head, HeadTime: n.at, LIB: n.head - 1}, nil
}

// TestResumeFrom checks the slot before which a resignation's successors do not resume, so
// that none resumes inside our producer's turn under way.
func TestResumeFrom(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	k := bareKeeper(t, now)
	k.obs.sched, k.obs.schedKnown = nodeos.Schedule{Producers: []string{"eosstorebest", "p2", "p3", "p4"}}, true
	k.obs.head = 1000
	ours, ok := k.obs.sched.NextTurn("eosstorebest", 480000)
	if !ok {
		t.Fatal("no turn of ours")
	}
	end := uint32(ours.End) + 2 // the end of our turn and the 2-slot margin
	tests := []struct {
		name       string
		head, stop nodeos.Slot // the slot of the head last read, and of the stop
		want       uint32
	}{
		{"inside our turn", ours.First + 3, ours.First + 3, end},
		{"at its last slot", ours.End - 1, ours.End - 1, end},
		{"between our turns", ours.End + 1, ours.End + 1, 0},
		// The head read is the block before our turn, but the nodeos died after it could have
		// signed the turn's first block.
		{"head read before our turn, stopped in it", ours.First - 1, ours.First + 1, end},
		{"head read before our turn, stopped before it", ours.First - 3, ours.First - 1, 0},
		{"head read in our turn, stopped after it", ours.End - 2, ours.End + 3, end},
		{"head read after our turn, stopped before the next", ours.End, ours.End + 30, 0},
		{"a whole round unread: the latest turn", ours.First - 1, ours.First + 48 + 1, end + 48},
	}
	for _, tc := range tests {
		k.obs.headSlot = tc.head
		if got := k.resumeFrom(tc.stop); got != tc.want {
			t.Errorf("%s: resumeFrom = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// bareKeeper is A's keeper on a clock stopped at now, with a node and a lock that do nothing,
// for tests that call one of its methods directly.
func bareKeeper(t *testing.T, now time.Time) *Keeper {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Producer, cfg.Node, cfg.Role = "eosstorebest", "a", RoleA
	k, err := New(cfg, Deps{Node: nopNode{}, Lock: nopLock{}, Clock: fixedClock{now}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// nopNode and nopLock satisfy New for tests that call one keeper method directly.
type nopNode struct{}

func (nopNode) Info(context.Context) (ChainInfo, error) { return ChainInfo{}, errors.New("nop") }
func (nopNode) Block(context.Context, uint32) (BlockHeader, error) {
	return BlockHeader{}, errors.New("nop")
}
func (nopNode) Schedule(context.Context) (nodeos.Schedule, error) {
	return nodeos.Schedule{}, errors.New("nop")
}
func (nopNode) Paused(context.Context) (bool, error) { return true, nil }
func (nopNode) Pause(context.Context) error          { return nil }
func (nopNode) Resume(context.Context) error         { return nil }
func (nopNode) Peers(context.Context) (int, error)   { return 0, nil }

type nopLock struct{}

func (nopLock) Acquire(context.Context, LockRecord) (Term, error) { return nil, ErrLockHeld }
func (nopLock) Watch(context.Context) <-chan LockView             { return nil }
