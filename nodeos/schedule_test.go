package nodeos

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// schedule21 returns a 21-producer schedule p00 … p20, the size of a mainnet schedule.
func schedule21() Schedule {
	s := Schedule{Version: 1}
	for i := range 21 {
		s.Producers = append(s.Producers, fmt.Sprintf("p%02d", i))
	}
	return s
}

func TestSlotTime(t *testing.T) {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    time.Time
		want Slot
	}{
		{"epoch", epoch, 0},
		{"just before slot 1", epoch.Add(499 * time.Millisecond), 0},
		{"slot 1", epoch.Add(500 * time.Millisecond), 1},
		{"before the epoch", epoch.Add(-time.Hour), 0},
		{"one day", epoch.Add(24 * time.Hour), 172800},
		// EOS mainnet head of the get_info example (Leap 4.0.3): 2023-09-04T20:36:31.500.
		{"mainnet head", time.Date(2023, 9, 4, 20, 36, 31, 500e6, time.UTC), 1494349983},
		{"mainnet head, other zone", time.Date(2023, 9, 5, 4, 36, 31, 999e6, time.FixedZone("UTC+8", 8*3600)), 1494349983},
		{"mainnet LIB", time.Date(2023, 9, 4, 20, 33, 47, 500e6, time.UTC), 1494349655},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SlotOf(tc.t); got != tc.want {
				t.Fatalf("SlotOf(%s) = %d, want %d", tc.t, got, tc.want)
			}
		})
	}
	// Slot → time → slot round-trips, and every slot time is on a 500 ms boundary in UTC.
	for _, s := range []Slot{0, 1, 12, 1494349983, 1<<32 - 1} {
		tm := s.Time()
		if SlotOf(tm) != s || tm.Location() != time.UTC || tm.Nanosecond()%int(BlockInterval) != 0 {
			t.Errorf("Slot(%d).Time() = %s does not round-trip", s, tm)
		}
	}
	if got := Slot(1494349983).Time().Format(fcTimeLayout); got != "2023-09-04T20:36:31.500" {
		t.Errorf("mainnet head slot time = %s", got)
	}
}

func TestMainnetExampleConsistency(t *testing.T) {
	// In the real get_info, head and LIB are 328 blocks apart and their timestamps 328 slots
	// apart: no slot was skipped in between.
	var info Info
	if err := decodeFixture("get_info_leap403.json", &info); err != nil {
		t.Fatal(err)
	}
	blocks := info.HeadBlockNum - info.LastIrreversibleBlockNum
	slots := info.HeadSlot() - SlotOf(info.LastIrreversibleBlockTime.Time)
	if blocks != 328 || uint32(slots) != blocks {
		t.Errorf("head-LIB = %d blocks, %d slots; want 328 each", blocks, slots)
	}
	// With 21 producers, the head slot is the 4th block of the 6th producer's turn.
	s := schedule21()
	head := info.HeadSlot()
	if got := s.ProducerAt(head); got != "p05" {
		t.Errorf("ProducerAt(head) = %s, want p05", got)
	}
	turn := s.TurnAt(head)
	if turn.First != 1494349980 || turn.End != 1494349992 || head-turn.First != 3 {
		t.Errorf("TurnAt(head) = %v", turn)
	}
	if rs := head.RoundStart(); rs != turn.First {
		t.Errorf("RoundStart = %d, want %d", rs, turn.First)
	}
}

func TestScheduleBasics(t *testing.T) {
	s := schedule21()
	if s.RoundBlocks() != 252 || s.RoundDuration() != 126*time.Second {
		t.Errorf("21 producers: %d blocks, %s per round; want 252, 2m6s", s.RoundBlocks(), s.RoundDuration())
	}
	if s.Index("p20") != 20 || s.Index("nobody") != -1 || !s.Contains("p00") || s.Contains("") {
		t.Error("Index/Contains")
	}
	var empty Schedule
	if empty.ProducerAt(100) != "" || empty.RoundBlocks() != 0 || empty.TurnAt(100) != (Turn{}) {
		t.Error("empty schedule")
	}
	if _, ok := empty.NextTurn("p00", 0); ok {
		t.Error("NextTurn on an empty schedule")
	}
	if got := (Turn{Producer: "p05", First: 60, End: 72}).String(); got != "p05[60,72)" {
		t.Errorf("Turn.String() = %s", got)
	}
}

func TestProducerAt(t *testing.T) {
	s := schedule21()
	tests := []struct {
		slot Slot
		want string
	}{
		{0, "p00"}, {11, "p00"}, {12, "p01"}, {59, "p04"}, {60, "p05"}, {71, "p05"},
		{240, "p20"}, {251, "p20"}, {252, "p00"}, {252*1000 + 13, "p01"},
		{1<<32 - 1, "p00"}, // (2^32-1) % 252 = 3 → index 0
	}
	for _, tc := range tests {
		if got := s.ProducerAt(tc.slot); got != tc.want {
			t.Errorf("ProducerAt(%d) = %s, want %s", tc.slot, got, tc.want)
		}
	}
	one := Schedule{Producers: []string{"solo"}}
	for _, sl := range []Slot{0, 11, 12, 1494349983} {
		if one.ProducerAt(sl) != "solo" {
			t.Errorf("single producer: ProducerAt(%d) = %s", sl, one.ProducerAt(sl))
		}
	}
}

func TestTurns(t *testing.T) {
	s := schedule21()
	turn := func(first Slot) Turn { return Turn{Producer: "p05", First: first, End: first + 12} }
	// p05's turns: [60,72), [312,324), [564,576), ...
	tests := []struct {
		name string
		slot Slot
		cur  Turn
		next Turn
		prev Turn
		// curOK, prevOK report whether CurrentTurn and PrevTurn find a turn.
		curOK, prevOK bool
	}{
		{"before first turn", 59, Turn{}, turn(60), Turn{}, false, false},
		{"first slot of turn", 60, turn(60), turn(312), Turn{}, true, false},
		{"last slot of turn", 71, turn(60), turn(312), Turn{}, true, false},
		{"turn just ended", 72, Turn{}, turn(312), turn(60), false, true},
		{"round boundary", 252, Turn{}, turn(312), turn(60), false, true},
		{"second turn last slot", 323, turn(312), turn(564), turn(60), true, true},
		{"second turn ended", 324, Turn{}, turn(564), turn(312), false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cur, ok := s.CurrentTurn("p05", tc.slot)
			if ok != tc.curOK || cur != tc.cur {
				t.Errorf("CurrentTurn(%d) = %v, %v; want %v, %v", tc.slot, cur, ok, tc.cur, tc.curOK)
			}
			next, ok := s.NextTurn("p05", tc.slot)
			if !ok || next != tc.next {
				t.Errorf("NextTurn(%d) = %v, %v; want %v", tc.slot, next, ok, tc.next)
			}
			prev, ok := s.PrevTurn("p05", tc.slot)
			if ok != tc.prevOK || prev != tc.prev {
				t.Errorf("PrevTurn(%d) = %v, %v; want %v, %v", tc.slot, prev, ok, tc.prev, tc.prevOK)
			}
		})
	}
	for _, f := range []func(string, Slot) (Turn, bool){s.CurrentTurn, s.NextTurn, s.PrevTurn} {
		if tu, ok := f("nobody", 100); ok {
			t.Errorf("turn %v found for an unscheduled producer", tu)
		}
		if tu, ok := f("", 100); ok {
			t.Errorf("turn %v found for an empty producer name", tu)
		}
	}
	// Turns of the last producer end exactly at the round boundary.
	if tu, ok := s.PrevTurn("p20", 252); !ok || tu.First != 240 || tu.End != 252 {
		t.Errorf("PrevTurn(p20, 252) = %v, %v", tu, ok)
	}
	if tu := s.TurnAt(250); tu != (Turn{Producer: "p20", First: 240, End: 252}) {
		t.Errorf("TurnAt(250) = %v", tu)
	}
}

func TestMissedTurns(t *testing.T) {
	s := schedule21()
	turn := func(first Slot) Turn { return Turn{Producer: "p05", First: first, End: first + 12} }
	// Rounds start at 0, 252, 504, 756; p05's turns at 60, 312, 564, 816.
	tests := []struct {
		name     string
		produced []Slot
		since    Slot
		now      Slot
		limit    int
		want     []Turn
	}{
		{"nothing produced, back to the first round", nil, 0, 828, 10, []Turn{turn(816), turn(564), turn(312), turn(60)}},
		{"latest turn produced", []Slot{816}, 0, 828, 10, nil},
		{"produced in its last slot", []Slot{827}, 0, 828, 10, nil},
		{"one block two turns ago stops the run", []Slot{570}, 0, 828, 10, []Turn{turn(816)}},
		{"blocks outside the turns do not count", []Slot{815, 828, 100}, 0, 828, 10, []Turn{turn(816), turn(564), turn(312), turn(60)}},
		{"limit", nil, 0, 828, 2, []Turn{turn(816), turn(564)}},
		{"zero limit", nil, 0, 828, 0, nil},
		{"since at a turn start includes it", nil, 312, 828, 10, []Turn{turn(816), turn(564), turn(312)}},
		{"since inside a turn excludes it", nil, 313, 828, 10, []Turn{turn(816), turn(564)}},
		{"current turn not ended is not examined", nil, 0, 827, 10, []Turn{turn(564), turn(312), turn(60)}},
		{"since after the last ended turn", nil, 820, 828, 10, nil},
		{"before any turn ended", nil, 0, 71, 10, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.MissedTurns("p05", tc.produced, tc.since, tc.now, tc.limit)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("MissedTurns = %v, want %v", got, tc.want)
			}
		})
	}
	if got := s.MissedTurns("nobody", nil, 0, 828, 10); got != nil {
		t.Errorf("MissedTurns for an unscheduled producer = %v", got)
	}
}

func BenchmarkSlotMath(b *testing.B) {
	s := schedule21()
	base := time.Date(2023, 9, 4, 20, 36, 31, 500e6, time.UTC)
	produced := []Slot{1494349980 - 252*3, 1494349980 - 252*2}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		slot := SlotOf(base.Add(time.Duration(i%100000) * BlockInterval))
		_ = s.ProducerAt(slot)
		if _, ok := s.NextTurn("p05", slot); !ok {
			b.Fatal("no next turn")
		}
		_ = s.MissedTurns("p05", produced, slot-252*6, slot, 6)
	}
}
