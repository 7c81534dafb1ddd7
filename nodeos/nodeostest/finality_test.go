package nodeostest

import (
	"strings"
	"testing"
)

func TestImplicitVotePause(t *testing.T) {
	// Our turn is slots 12-23 of each 36-slot round; A holds the active finalizer key.
	n, nodes := manualNet(t, Config{Producers: 3, OurIndex: 1, Finalizers: true},
		NodeConfig{Name: "A", ProducerNode: true, FinalizerKey: "PUB_BLS_A"},
		NodeConfig{Name: "B", ProducerNode: true, FinalizerKey: "PUB_BLS_B"})
	a, b := nodes[0], nodes[1]
	if n.ActiveFinalizerKey() != "PUB_BLS_A" {
		t.Fatalf("active key %q, want the first node's", n.ActiveFinalizerKey())
	}
	post(t, b.URL+"/v1/producer/resume", "")
	n.Advance(15) // B signs slots 12-14; A, paused, still votes
	if b.Produced() != 3 || b.Paused() {
		t.Fatalf("B produced %d, paused %v; want 3, false", b.Produced(), b.Paused())
	}
	a.Kill() // last vote: slot 14
	n.Advance(9)
	if b.Produced() != 12 {
		t.Fatalf("B produced %d within the vote timeout, want 12", b.Produced())
	}
	n.Advance(4) // slot 27 is more than 12 slots after the last vote
	if status, body := post(t, b.URL+"/v1/producer/paused", ""); status != 201 || body != "true" {
		t.Fatalf("paused = %d %s, want 201 true (implicit)", status, body)
	}
	n.Advance(36) // next turn: nothing
	if b.Produced() != 12 || len(n.Missed()) != 1 {
		t.Fatalf("implicitly paused B produced %d; missed %v", b.Produced(), n.Missed())
	}
	lines := grep(readLog(t, b.LogPath), "Not producing block because no recent votes received from configured producer, block ")
	if len(lines) != 12 || !strings.HasPrefix(lines[0], "error ") || !strings.Contains(lines[0], ", last producer vote ") || !strings.Contains(lines[0], ", conflict block ") {
		t.Fatalf("%d vote-timeout lines, want 12 error lines: %q", len(lines), lines)
	}
	// resume() forgets the timeout: B signs a whole turn, then pauses itself again.
	next, _ := n.Schedule().NextTurn(DefaultOurs, n.Slot())
	n.Advance(int(next.First - 1 - n.Slot()))
	post(t, b.URL+"/v1/producer/resume", "")
	if b.Paused() {
		t.Fatal("B still paused after resume")
	}
	n.Advance(12)
	if b.Produced() != 24 {
		t.Fatalf("B produced %d after resume, want 24", b.Produced())
	}
	n.Advance(36)
	if b.Produced() != 24 || !b.Paused() {
		t.Fatalf("B produced %d (want 24) and paused %v (want true) once the limit hit again", b.Produced(), b.Paused())
	}
	// actfinkey to B's own key: a few blocks later B votes for itself and keeps producing.
	n.SetActiveFinalizerKey("PUB_BLS_B")
	_, info := post(t, b.URL+"/v1/chain/get_finalizer_info", "")
	if !strings.Contains(info, `"pending_finalizer_policy":{"generation":2,`) {
		t.Fatalf("pending policy missing: %s", info)
	}
	n.Advance(DefaultKeyActivationBlocks)
	post(t, b.URL+"/v1/producer/resume", "")
	before := b.Produced()
	n.Advance(3 * 36)
	if b.Produced() != before+36 || b.Paused() {
		t.Fatalf("B with its own active key produced %d more (want 36), paused %v", b.Produced()-before, b.Paused())
	}
	_, info = post(t, b.URL+"/v1/chain/get_finalizer_info", "")
	if !strings.Contains(info, `"active_finalizer_policy":{"generation":2,"threshold":3,"finalizers":[`) ||
		!strings.Contains(info, `{"description":"eosstorebest","weight":1,"public_key":"PUB_BLS_B"}`) ||
		!strings.Contains(info, `{"description":"eosstorebest","public_key":"PUB_BLS_B","is_vote_strong":true,"finalizer_policy_generation":2,"voted_for_block_id":"`+b.Head().ID) {
		t.Fatalf("finalizer info: %s", info)
	}
	if got := len(grep(readLog(t, b.LogPath), "] Finalizer policy generation change: 1 -> 2")); got != 1 {
		t.Fatalf("%d generation-change lines, want 1", got)
	}
	if err := CheckNoDoubleProduction(n.Ledger()); err != nil {
		t.Fatal(err)
	}
}

func TestExplicitPauseNoVotesNeeded(t *testing.T) {
	// Without Finalizers there is no implicit pause, and Leap never has one.
	for _, cfg := range []Config{{Producers: 2}, {Producers: 2, Finalizers: true, LogFormat: Leap5}} {
		n, nodes := manualNet(t, cfg, NodeConfig{Name: "B", ProducerNode: true})
		post(t, nodes[0].URL+"/v1/producer/resume", "")
		n.Advance(3 * 24)
		if nodes[0].Produced() != 36 || nodes[0].Paused() {
			t.Fatalf("%v: produced %d, paused %v", cfg.LogFormat, nodes[0].Produced(), nodes[0].Paused())
		}
	}
}
