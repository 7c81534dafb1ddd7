package sim

import "testing"

// regressions are seeds that once broke an invariant, with what they found. Each must stay
// clean; run one with -run TestReplay -sim.seed N -sim.trace to see it.
var regressions = []struct {
	seed  int64
	found string
}{
	{109, "a holder that resumed between turns and whose agent died before its next turn: a standby counted the turns missed before that tenure as evidence and resumed beside it (evidence now counts only turns after the newest tenure was seen)"},
	{44, "a node whose block is the watermark re-acquired as last producer although another node had held the lock since and resumed (the watermark rule now also requires that this node held the lock last)"},
	{264, "a switchover request whose target refused the hand-off was carried out again every round, a missed turn each time (a request is now carried out once)"},
	{30118, "a standby whose lock view was stale (cut from Consul) acquired by a hand-off record that a later holder's acquisition had superseded; with the old holder's session expired, its nodeos could still produce (an acquisition now names the value it read, and the lock refuses a newer one)"},
	{22, "a holder whose stalled nodeos was fenced named a successor without the turn's end to wait for: the head it had last read was 12 s old, before our turn, while its nodeos had signed in the turn; the successor signed the rest of the turn (the wait now reaches the slot of the stop, not only of the head read; split-turn)"},
	{27, "the same for a crashed nodeos: the holder resigned 4 s after the crash, its last head read from before our turn, which its nodeos had begun (split-turn)"},
	{179, "the same for a hung nodeos fenced 15 s into the hang, handed to C (split-turn)"},
	{285, "the same for B's hung nodeos, fenced and handed to C (split-turn)"},
	{186, "model: a holder whose agent was stopped past lost_after while its nodeos was frozen; no lock can exclude it, the nemesis no longer combines the two (fault hypothesis)"},
	{540, "model: an unpaused nodeos whose API hung, then froze, with no fence command; nothing can stop it, the nemesis no longer silences an unpaused nodeos without a fence command (fault hypothesis)"},
}

func TestRegressions(t *testing.T) {
	for _, r := range regressions {
		res := Run(r.seed, DefaultOptions())
		for _, v := range res.Violations {
			t.Errorf("seed %d (%s): %s", r.seed, r.found, v)
		}
	}
}
