package influx

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// The seed's measurements: one row per poll for producing hosts and for full nodes.
const (
	MeasurementBP = "eosbpinfo"
	MeasurementFN = "eosfninfo"
)

// MaxInfo is the longest info field, in characters, as in the seed's table.
const MaxInfo = 60

// Publish converts a status snapshot to the seed's schema and queues it. It never blocks.
func (w *Writer) Publish(s keeper.Status) { w.Write(StatusPoint(s)) }

// StatusPoint converts a status snapshot to the seed's schema. Roles A, B and C go to
// eosbpinfo with fields hbn, lib, linkn (int), lpbt ("10秒前": seconds since this node last
// produced a block, "无" when it never has), lpbt_s (the same seconds as an integer, absent
// when unknown), paused ("是"/"否", "未知" when unknown) and info; role F goes to eosfninfo
// with hbn, lib, linkn and info. The node name is the host tag.
func StatusPoint(s keeper.Status) Point {
	now := s.Time
	if now.IsZero() {
		now = time.Now()
	}
	p := Point{
		Tags: map[string]string{"host": s.Node},
		Time: now,
		Fields: []Field{
			{"hbn", int64(s.Head)},
			{"lib", int64(s.LIB)},
			{"linkn", int64(s.Peers)},
		},
	}
	if s.Role == keeper.RoleF {
		p.Measurement = MeasurementFN
		p.Fields = append(p.Fields, Field{"info", Info(s)})
		return p
	}
	p.Measurement = MeasurementBP
	if s.LastProducedAt.IsZero() {
		p.Fields = append(p.Fields, Field{"lpbt", "无"})
	} else {
		secs := int64(now.Sub(s.LastProducedAt) / time.Second)
		if secs < 0 {
			secs = 0
		}
		p.Fields = append(p.Fields, Field{"lpbt", strconv.FormatInt(secs, 10) + "秒前"}, Field{"lpbt_s", secs})
	}
	paused := "未知"
	if s.PausedKnown {
		paused = "否"
		if s.Paused {
			paused = "是"
		}
	}
	p.Fields = append(p.Fields, Field{"paused", paused}, Field{"info", Info(s)})
	return p
}

// Info summarises the state and its problems in at most MaxInfo characters, e.g.
// "leader producing", "standby: peers 3<5, head stalled", "fencing: lock lost".
func Info(s keeper.Status) string {
	var b strings.Builder
	b.WriteString(s.State.String())
	if s.Maintenance && s.State != keeper.Maintenance {
		b.WriteString(" maint")
	}
	if s.Producing {
		b.WriteString(" producing")
	}
	var problems []string
	if !s.Reachable {
		problems = append(problems, "nodeos unreachable")
	}
	problems = append(problems, s.HealthProblems...)
	if len(problems) == 0 && s.StateReason != "" && s.State != keeper.Leader && s.State != keeper.Standby && s.State != keeper.Watching {
		problems = append(problems, s.StateReason)
	}
	if len(problems) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(problems, ", "))
	}
	return truncate(b.String(), MaxInfo)
}

// truncate shortens s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
