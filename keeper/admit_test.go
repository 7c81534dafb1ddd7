package keeper

import (
	"strings"
	"testing"
	"time"
)

func TestAdmit(t *testing.T) {
	base := func(mod func(*Evidence)) Evidence {
		e := Evidence{
			Node: "b", Role: RoleB, Delay: 2, Healthy: true, PausedConfirmed: true,
			Record:       LockRecord{Node: "a", Watermark: Block{Num: 100, Slot: 1000, Node: "a"}},
			LastOurBlock: Block{Num: 100, Slot: 1000},
		}
		mod(&e)
		return e
	}
	tests := []struct {
		name    string
		ev      Evidence
		contend bool
		why     string
	}{
		{"missed fewer turns than the delay", base(func(e *Evidence) { e.MissedTurns = 1 }), false, "missed 1 of the 2"},
		{"missed exactly the delay", base(func(e *Evidence) { e.MissedTurns = 2 }), true, "missed 2 turns"},
		{"missed more than the delay", base(func(e *Evidence) { e.MissedTurns = 7 }), true, "missed 7 turns"},
		{"role C waits six turns", base(func(e *Evidence) { e.Role, e.Delay, e.MissedTurns = RoleC, 6, 5 }), false, "missed 5 of the 6"},
		{"role C after six turns", base(func(e *Evidence) { e.Role, e.Delay, e.MissedTurns = RoleC, 6, 6 }), true, "missed 6 turns"},
		{"role F never", base(func(e *Evidence) { e.Role, e.MissedTurns = RoleF, 50 }), false, "never produces"},
		{"maintenance blocks evidence", base(func(e *Evidence) { e.Maintenance, e.MissedTurns = true, 9 }), false, "maintenance"},
		{"unhealthy blocks evidence", base(func(e *Evidence) { e.Healthy, e.MissedTurns = false, 9 }), false, "unhealthy"},
		{"held lock blocks evidence", base(func(e *Evidence) { e.LockHeld, e.MissedTurns = true, 9 }), false, "lock held by a"},
		{"unconfirmed pause blocks evidence", base(func(e *Evidence) { e.PausedConfirmed, e.MissedTurns = false, 9 }), false, "not confirmed paused"},
		{"hand-off to this node", base(func(e *Evidence) { e.Record.Handoff = &Handoff{To: "b", Watermark: Block{Num: 100}} }), true, "hand-off to b"},
		{"hand-off to this node but newer block on chain", base(func(e *Evidence) {
			e.Record.Handoff = &Handoff{To: "b", Watermark: Block{Num: 90}}
		}), false, "missed 0 of the 2"},
		{"hand-off to another node", base(func(e *Evidence) { e.Record.Handoff = &Handoff{To: "c", Watermark: Block{Num: 100}} }), false, "missed 0"},
		{"hand-off to another node does not stop evidence", base(func(e *Evidence) {
			e.Record.Handoff, e.MissedTurns = &Handoff{To: "c"}, 2
		}), true, "missed 2 turns"},
		{"last producer re-acquires", base(func(e *Evidence) { e.Node, e.Role, e.Delay = "a", RoleA, 1 }), true, "produced the watermark block"},
		{"last producer but a newer block exists", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.LastOurBlock = "a", RoleA, 1, Block{Num: 101}
		}), false, "missed 0 of the 1"},
		{"last producer must be paused", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.PausedConfirmed = "a", RoleA, 1, false
		}), false, "not confirmed paused"},
		{"last producer after handing off to another node", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay = "a", RoleA, 1
			e.Record.Handoff = &Handoff{To: "b", Watermark: Block{Num: 100}}
		}), false, "missed 0 of the 1"},
		{"last holder produced the newest block", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.Record.Node, e.ProducedNewest = "a", RoleA, 1, "a", true
			e.LastOurBlock = Block{Num: 105}
		}), true, "held the lock last"},
		{"newest block produced here but another node held the lock last", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.Record.Node, e.ProducedNewest = "b", RoleB, 2, "a", true
			e.Record.Watermark.Node = "a"
			e.LastOurBlock = Block{Num: 105}
		}), false, "missed 0"},
		{"demoted node ignores its evidence", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.MissedTurns = "a", RoleA, 1, 3
			e.Demoted, e.MaxDelay, e.MissedSinceDemotion = true, 6, 3
		}), false, "gave up the lock for a fault"},
		{"demoted node ignores the last-producer rule", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.Record.Node, e.ProducedNewest = "a", RoleA, 1, "a", true
			e.Demoted, e.MaxDelay = true, 6
		}), false, "gave up the lock for a fault"},
		{"demoted node after more turns than any role waits", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay, e.MissedTurns = "a", RoleA, 1, 7
			e.Demoted, e.MaxDelay, e.MissedSinceDemotion = true, 6, 7
		}), true, "since this node gave up the lock"},
		{"evidence waits for the role's stagger", base(func(e *Evidence) {
			e.MissedTurns, e.FreeFor, e.Stagger = 6, time.Second, 2*time.Second
		}), false, "letting higher-priority roles try first"},
		{"evidence after the role's stagger", base(func(e *Evidence) {
			e.MissedTurns, e.FreeFor, e.Stagger = 6, 2*time.Second, 2*time.Second
		}), true, "missed 6 turns"},
		{"hand-off does not wait for the stagger", base(func(e *Evidence) {
			e.Record.Handoff, e.Stagger = &Handoff{To: "b", Watermark: Block{Num: 100}}, time.Hour
		}), true, "hand-off to b"},
		{"watermark of another node", base(func(e *Evidence) { e.Record.Watermark.Node = "c" }), false, "missed 0"},
		{"watermark ours but another node held the lock since", base(func(e *Evidence) {
			e.Node, e.Role, e.Delay = "a", RoleA, 1
			e.Record.Node = "b"
		}), false, "missed 0"},
		{"empty watermark", base(func(e *Evidence) { e.Node, e.Record.Watermark = "a", Block{Node: "a"} }), false, "missed 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Admit(tc.ev)
			if got.Contend != tc.contend {
				t.Fatalf("Admit contend = %t (%s), want %t", got.Contend, got.Why, tc.contend)
			}
			if !strings.Contains(got.Why, tc.why) {
				t.Fatalf("Admit why = %q, want it to contain %q", got.Why, tc.why)
			}
		})
	}
}
