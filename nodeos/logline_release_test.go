package nodeos

import (
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

// releaseLine is a line a release writes, laid out by nodeosfmt, and the event it must parse as.
type releaseLine struct {
	name string
	line string
	want Event
}

// releaseLines returns every message v writes, formatted by nodeosfmt with fixed values, and the
// event each must parse as. The literal fixtures of lineCases check the same parser against
// lines that did not come from nodeosfmt.
func releaseLines(v *nodeosfmt.Version) []releaseLine {
	at := time.Date(2025, 2, 10, 8, 0, 0, 250e6, time.UTC)
	blockAt := time.Date(2025, 2, 10, 8, 0, 0, 500e6, time.UTC)
	head := func(m nodeosfmt.Msg, kind EventKind) Event {
		method := m.Src.Method
		if len(method) > 20 {
			method = method[:20]
		}
		return Event{Kind: kind, Level: levelOf(m.Level), LogTime: at, Thread: nodeosfmt.MainThread, File: m.Src.File,
			Line: m.Src.Line, Method: method, Confirmed: NoConfirmed}
	}
	var out []releaseLine
	add := func(name string, m nodeosfmt.Msg, line []byte, want Event) {
		want.Text = string(line[strings.Index(string(line), " ] ")+3:])
		out = append(out, releaseLine{v.Name + " " + name, string(line), want})
	}
	for _, savanna := range []bool{true, false} {
		blk := nodeosfmt.Block{ID: idA[8:24], Num: 5000, Time: blockAt, Producer: "eosstorebest", Trxs: 3, LIB: 4990,
			Confirmed: 2, Savanna: savanna, Net: 10, CPU: 20, Elapsed: 30, Took: 40, Latency: -250}
		// confirmed is what a line of m shows: nothing for a proper Savanna block in Spring.
		confirmed := func(m nodeosfmt.Msg) int {
			if !strings.Contains(m.Format, "${confs}") || v.ConfsSuffix && savanna {
				return NoConfirmed
			}
			return blk.Confirmed
		}
		want := func(m nodeosfmt.Msg, kind EventKind, latency time.Duration) Event {
			e := head(m, kind)
			e.BlockID, e.BlockNum, e.BlockTime, e.BlockSlot = blk.ID, blk.Num, blockAt, SlotOf(blockAt)
			e.Producer, e.Trxs, e.LIB, e.Confirmed, e.Latency = blk.Producer, blk.Trxs, blk.LIB, confirmed(m), latency
			return e
		}
		add("produced savanna="+boolName(savanna), v.Produced, v.AppendProduced(nil, at, blk), want(v.Produced, EventProduced, 0))
		add("received savanna="+boolName(savanna), v.Received, v.AppendReceived(nil, at, blk),
			want(v.Received, EventReceived, -250*time.Millisecond))

		from := nodeosfmt.ForkHead{ID: idA, Num: 5000, Producer: "eosstorebest", Time: blockAt, LIB: 4990, QC: blockAt.Add(-time.Second)}
		to := from
		to.ID = idB
		e := head(v.SwitchForks, EventForkSwitch)
		e.ForkFrom, e.ForkTo = ForkHead{ID: idA, Num: 5000}, ForkHead{ID: idB, Num: 5000}
		if strings.Contains(v.SwitchForks.Format, "${cp}") {
			e.ForkFrom.Producer, e.ForkTo.Producer = "eosstorebest", "eosstorebest"
		}
		e.BlockNum, e.Producer = 5000, e.ForkTo.Producer
		add("switching forks savanna="+boolName(savanna), v.SwitchForks, v.SwitchForks.AppendLine(nil, at, nodeosfmt.Fork{From: from, To: to, Savanna: savanna}), e)
	}
	if v.DoubleProduced.Logged() {
		e := head(v.DoubleProduced, EventDoubleProduced)
		e.Producer, e.BlockNum = "eosstorebest", 5000
		add("double produced", v.DoubleProduced, v.DoubleProduced.AppendLine(nil, at, nodeosfmt.DoubleProduced{Producer: "eosstorebest", Num: 5000}), e)
	}
	notProducing := func(name string, m nodeosfmt.Msg, reason NotProducingReason) {
		e := head(m, EventNotProducing)
		e.Reason = reason
		if strings.Contains(m.Format, "${t}") {
			e.BlockTime, e.BlockSlot = blockAt, SlotOf(blockAt)
		}
		add(name, m, m.AppendLine(nil, at, nodeosfmt.NotProducing{Block: blockAt, LastVote: at.Add(-time.Minute), Conflict: at}), e)
	}
	notProducing("explicitly paused", v.NotProducingPaused, ReasonPaused)
	if v.NoRecentVotes.Logged() {
		notProducing("no recent votes", v.NoRecentVotes, ReasonNoRecentVotes)
	}
	add("paused", v.Paused, v.Paused.AppendLine(nil, at, nil), head(v.Paused, EventProducerPaused))
	add("resumed", v.Resumed, v.Resumed.AppendLine(nil, at, nil), head(v.Resumed, EventProducerResumed))
	if v.GenerationChange.Logged() {
		e := head(v.GenerationChange, EventFinalizerPolicyChange)
		e.PolicyGenFrom, e.PolicyGenTo = 1, 2
		add("generation change", v.GenerationChange, v.GenerationChange.AppendLine(nil, at, nodeosfmt.GenerationChange{From: 1, To: 2}), e)
	}
	return out
}

func levelOf(s string) Level {
	for _, l := range []Level{LevelDebug, LevelInfo, LevelWarn, LevelError} {
		if l.String() == s {
			return l
		}
	}
	return LevelNone
}

func boolName(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// TestParseLineEveryRelease parses every message of every release the simulated nodes imitate.
func TestParseLineEveryRelease(t *testing.T) {
	for _, v := range nodeosfmt.Versions {
		lines := releaseLines(v)
		if len(lines) < 9 {
			t.Fatalf("%s: only %d lines", v.Name, len(lines))
		}
		for _, tc := range lines {
			t.Run(tc.name, func(t *testing.T) {
				got, ok, err := ParseLine([]byte(tc.line))
				if err != nil || !ok {
					t.Fatalf("ParseLine(%q) = ok %v, err %v; want an event", tc.line, ok, err)
				}
				for _, d := range diffEvents(tc.want, got) {
					t.Errorf("%q: %s", tc.line, d)
				}
			})
		}
		launching := v.Launching.Line(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), nodeosfmt.Launching{Producers: 1})
		if ev, ok, err := ParseLine([]byte(launching)); ok || err != nil {
			t.Errorf("%s: ParseLine(%q) = %+v, %v, %v; want it skipped", v.Name, launching, ev, ok, err)
		}
	}
}
