package nodeos

import (
	"fmt"
	"time"
)

// Chain timing constants, as in nodeos's libraries/chain/include/eosio/chain/config.hpp.
const (
	// BlockInterval is the chain time between two block slots.
	BlockInterval = 500 * time.Millisecond
	// BlockTimestampEpochMs is the block timestamp epoch, 2000-01-01T00:00:00Z, in Unix milliseconds.
	BlockTimestampEpochMs = 946684800000
	// ProducerRepetitions is the number of consecutive blocks each scheduled producer signs per round.
	ProducerRepetitions = 12
)

// Slot is a block timestamp slot: the number of 500 ms intervals since BlockTimestampEpochMs.
// Every block carries the slot of its timestamp; skipped slots leave gaps.
type Slot uint32

// SlotOf returns the slot containing t (nodeos's block_timestamp::set_time_point, rounding down).
// Times before the epoch map to slot 0.
func SlotOf(t time.Time) Slot {
	ms := t.UnixMilli() - BlockTimestampEpochMs
	if ms < 0 {
		return 0
	}
	return Slot(ms / int64(BlockInterval/time.Millisecond))
}

// Time returns the block timestamp of the slot.
func (s Slot) Time() time.Time {
	return time.UnixMilli(BlockTimestampEpochMs + int64(s)*int64(BlockInterval/time.Millisecond)).UTC()
}

// RoundStart returns the first slot of the 12-slot producer round that contains s
// (nodeos's get_current_round_start_slot).
func (s Slot) RoundStart() Slot { return s - s%ProducerRepetitions }

// Turn is one producer's run of ProducerRepetitions consecutive block slots within a round:
// the turn of docs/safety.md §1 (12 blocks, 6 s). First is inclusive, End exclusive.
type Turn struct {
	Producer string
	First    Slot
	End      Slot
}

// Contains reports whether slot s lies within the turn.
func (t Turn) Contains(s Slot) bool { return s >= t.First && s < t.End }

// String formats the turn for logs.
func (t Turn) String() string {
	return fmt.Sprintf("%s[%d,%d)", t.Producer, t.First, t.End)
}

// Schedule is an ordered producer schedule, as in the active member of get_producer_schedule.
type Schedule struct {
	Version   uint32
	Producers []string
}

// RoundBlocks returns the number of block slots in one full round: n × 12.
func (s Schedule) RoundBlocks() int { return len(s.Producers) * ProducerRepetitions }

// RoundDuration returns the chain time of one full round.
func (s Schedule) RoundDuration() time.Duration {
	return time.Duration(s.RoundBlocks()) * BlockInterval
}

// Index returns the position of producer in the schedule, or -1 when it is not scheduled.
func (s Schedule) Index(producer string) int {
	for i, p := range s.Producers {
		if p == producer {
			return i
		}
	}
	return -1
}

// Contains reports whether producer is in the schedule.
func (s Schedule) Contains(producer string) bool { return s.Index(producer) >= 0 }

// ProducerAt returns the producer scheduled for slot (nodeos's get_scheduled_producer), or ""
// for an empty schedule.
func (s Schedule) ProducerAt(slot Slot) string {
	n := uint32(s.RoundBlocks())
	if n == 0 {
		return ""
	}
	return s.Producers[(uint32(slot)%n)/ProducerRepetitions]
}

// TurnAt returns the turn that contains slot. It is the zero Turn for an empty schedule.
func (s Schedule) TurnAt(slot Slot) Turn {
	if len(s.Producers) == 0 {
		return Turn{}
	}
	first := slot.RoundStart()
	return Turn{Producer: s.ProducerAt(slot), First: first, End: first + ProducerRepetitions}
}

// turnInRound returns producer's turn in the round that contains slot.
func (s Schedule) turnInRound(idx int, slot Slot) Turn {
	n := Slot(s.RoundBlocks())
	roundFirst := slot - slot%n
	first := roundFirst + Slot(idx*ProducerRepetitions)
	return Turn{Producer: s.Producers[idx], First: first, End: first + ProducerRepetitions}
}

// CurrentTurn returns producer's turn containing slot, and false when slot is outside its turns
// or producer is not scheduled.
func (s Schedule) CurrentTurn(producer string, slot Slot) (Turn, bool) {
	t := s.TurnAt(slot)
	if t.Producer != producer || producer == "" {
		return Turn{}, false
	}
	return t, true
}

// NextTurn returns producer's first turn that starts after slot, and false when producer is not
// scheduled.
func (s Schedule) NextTurn(producer string, slot Slot) (Turn, bool) {
	idx := s.Index(producer)
	if idx < 0 {
		return Turn{}, false
	}
	t := s.turnInRound(idx, slot)
	if t.First <= slot {
		n := Slot(s.RoundBlocks())
		t.First += n
		t.End += n
	}
	return t, true
}

// PrevTurn returns producer's most recent turn that ended at or before slot (End <= slot), and
// false when producer is not scheduled or no such turn exists since the epoch.
func (s Schedule) PrevTurn(producer string, slot Slot) (Turn, bool) {
	idx := s.Index(producer)
	if idx < 0 {
		return Turn{}, false
	}
	n := Slot(s.RoundBlocks())
	t := s.turnInRound(idx, slot)
	if t.End > slot {
		if t.First < n {
			return Turn{}, false
		}
		t.First -= n
		t.End -= n
	}
	return t, true
}

// MissedTurns examines producer's turns that ended at or before now, newest first, and returns the
// consecutive run of the most recent ones in which no block was produced: a turn counts as produced
// when any slot in produced lies within it. At most limit turns are examined, and none that starts
// before since (turns the caller could not have observed are never counted as missed).
// A caller adds its propagation margin by passing now minus the margin.
func (s Schedule) MissedTurns(producer string, produced []Slot, since, now Slot, limit int) []Turn {
	var missed []Turn
	t, ok := s.PrevTurn(producer, now)
	n := Slot(s.RoundBlocks())
	for ok && len(missed) < limit && t.First >= since {
		for _, p := range produced {
			if t.Contains(p) {
				return missed
			}
		}
		missed = append(missed, t)
		if t.First < n {
			break
		}
		t.First -= n
		t.End -= n
	}
	return missed
}
