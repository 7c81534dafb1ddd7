package nodeos

import (
	"fmt"
	"reflect"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

// formatEvent writes ev back as a Spring-style line carrying its key fields, laid out by
// nodeosfmt, so that a parsed line can be checked to round-trip.
func formatEvent(ev Event) string {
	level := ev.Level.String()
	if ev.Level == LevelNone {
		level = "info"
	}
	var msg string
	switch ev.Kind {
	case EventProduced, EventReceived:
		word := "Received"
		if ev.Kind == EventProduced {
			word = "Produced"
		}
		conf := ""
		if ev.Confirmed != NoConfirmed {
			conf = fmt.Sprintf(", confirmed: %d", ev.Confirmed)
		}
		msg = fmt.Sprintf("%s block %s... #%d @ %s signed by %s [trxs: %d, lib: %d%s, latency: %d ms]",
			word, ev.BlockID, ev.BlockNum, nodeosfmt.Time(ev.BlockTime), ev.Producer, ev.Trxs, ev.LIB, conf,
			ev.Latency.Milliseconds())
	case EventForkSwitch:
		head := func(h ForkHead) string {
			if h.Producer == "" {
				return fmt.Sprintf("%s (block number %d)", h.ID, h.Num)
			}
			return fmt.Sprintf("%s (block number %d %s)", h.ID, h.Num, h.Producer)
		}
		msg = "switching forks from " + head(ev.ForkFrom) + " to " + head(ev.ForkTo)
	case EventForkSwitched:
		msg = "successfully switched fork to new head " + ev.ForkTo.ID
	case EventDoubleProduced:
		msg = fmt.Sprintf("%s double produced block %d", ev.Producer, ev.BlockNum)
	case EventDoubleConfirm:
		msg = fmt.Sprintf("producer %s double-confirming known range", ev.Producer)
		level = "error"
	case EventProducerPaused:
		msg = "Producer paused."
	case EventProducerResumed:
		msg = "Producer resumed."
	case EventFinalizerPolicyChange:
		if ev.BlockID != "" {
			msg = "New finalizer policy becoming active in block " + ev.BlockID + ": {}"
		} else {
			msg = fmt.Sprintf("Finalizer policy generation change: %d -> %d", ev.PolicyGenFrom, ev.PolicyGenTo)
		}
	case EventNotProducing:
		msg = "Not producing block because " + notProducingText(ev)
	}
	if ev.Kind == EventDoubleProduced {
		level = "warn"
	}
	return nodeosfmt.Line(level, ev.LogTime, ev.Thread, nodeosfmt.Source{File: ev.File, Line: ev.Line, Method: ev.Method}, msg)
}

func notProducingText(ev Event) string {
	var s string
	switch ev.Reason {
	case ReasonStaleProduction:
		s = "stale production not enabled"
	case ReasonNoKeys:
		s = "I don't have any private keys relevant to authority: PUB_K1_x"
	case ReasonPaused:
		s = "production is explicitly paused"
	case ReasonIrreversibleTooOld:
		s = "the irreversible block is too old [age:400s, max:300s]"
	case ReasonNoRecentVotes:
		s = "no recent votes received from others"
	case ReasonMaxReversible:
		s = fmt.Sprintf("max-reversible-blocks 3600 reached, head %d, lib %d", ev.BlockNum, ev.LIB)
	case ReasonWatermark:
		s = fmt.Sprintf(`"%s" signed a block at a higher block number (10) than the current fork's head (9)`, ev.Producer)
	default:
		s = "of something new"
	}
	if !ev.BlockTime.IsZero() {
		s += ", block " + nodeosfmt.Time(ev.BlockTime)
	}
	return s
}

// keyFields lists the fields a round trip through formatEvent must preserve.
func keyFields(ev Event) map[string]any {
	return map[string]any{
		"Kind": ev.Kind, "BlockNum": ev.BlockNum, "BlockID": ev.BlockID, "Producer": ev.Producer,
		"BlockTime": ev.BlockTime.UnixMilli(), "BlockSlot": ev.BlockSlot, "LIB": ev.LIB,
		"Reason": ev.Reason, "ForkFrom": ev.ForkFrom, "ForkTo": ev.ForkTo,
		"PolicyGenFrom": ev.PolicyGenFrom, "PolicyGenTo": ev.PolicyGenTo,
	}
}

// diffEvents names every field in which got differs from want.
func diffEvents(want, got Event) []string {
	var diffs []string
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := 0; i < wv.NumField(); i++ {
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if wt, ok := w.(time.Time); ok {
			if !wt.Equal(g.(time.Time)) {
				diffs = append(diffs, fmt.Sprintf("%s: got %v, want %v", wv.Type().Field(i).Name, g, w))
			}
			continue
		}
		if !reflect.DeepEqual(w, g) {
			diffs = append(diffs, fmt.Sprintf("%s: got %#v, want %#v", wv.Type().Field(i).Name, g, w))
		}
	}
	return diffs
}
