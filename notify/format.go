package notify

import (
	"fmt"
	"strings"
	"time"
)

// Lang selects the language of message text.
type Lang string

const (
	// English renders messages in English.
	English Lang = "en"
	// Chinese renders messages in simplified Chinese.
	Chinese Lang = "zh"
)

// valid reports whether l is a supported language.
func (l Lang) valid() bool { return l == English || l == Chinese }

// words holds the fixed strings of one language.
type words struct {
	severity            [3]string
	fired, repeat, res  string
	host, role, prod    string
	firingFor, resolved string
	digest              string
	sep                 string
	figures             map[string]string
}

var vocabulary = map[Lang]words{
	English: {
		severity: [3]string{"INFO", "WARNING", "CRITICAL"},
		fired:    "FIRING", repeat: "STILL FIRING", res: "RESOLVED",
		host: "host", role: "role", prod: "producer",
		firingFor: "firing for", resolved: "after",
		digest: "status digest",
		sep:    ": ",
	},
	Chinese: {
		severity: [3]string{"通知", "警告", "严重"},
		fired:    "告警", repeat: "持续告警", res: "已恢复",
		host: "主机", role: "角色", prod: "生产者",
		firingFor: "已持续", resolved: "持续",
		digest: "状态汇报",
		sep:    "：",
		figures: map[string]string{
			"head": "头块", "lib": "不可逆块", "peers": "连接数", "paused": "暂停",
			"producer": "出块者", "missed": "漏块", "dropped": "丢弃",
		},
	},
}

// format renders m's alert as plain text in lang, with times shown in loc (nil means
// time.Local), and fills m.Title, m.Text and m.Markdown. since is when the fault started
// firing and now is the time of sending; both may be zero.
func (m *Message) format(lang Lang, loc *time.Location, now time.Time) {
	w, ok := vocabulary[lang]
	if !ok {
		w = vocabulary[English]
	}
	if loc == nil {
		loc = time.Local
	}
	a := m.Alert
	sev := a.Severity.String()
	if int(a.Severity) >= 0 && int(a.Severity) < len(w.severity) {
		sev = w.severity[a.Severity]
	}
	var status string
	switch {
	case a.State == Resolved:
		status = w.res
		if !m.Since.IsZero() && now.After(m.Since) {
			status += " (" + w.resolved + " " + humanDuration(now.Sub(m.Since), lang) + ")"
		}
	case m.Repeat > 0:
		status = w.repeat
		if !m.Since.IsZero() && now.After(m.Since) {
			status += " (" + w.firingFor + " " + humanDuration(now.Sub(m.Since), lang) + ")"
		}
	default:
		status = w.fired
	}
	m.Title = fmt.Sprintf("[%s] %s %s", sev, a.Key, status)

	var who []string
	for _, kv := range [][2]string{{w.host, a.Node}, {w.role, a.Role}, {w.prod, a.Producer}} {
		if kv[1] != "" {
			who = append(who, kv[0]+w.sep+kv[1])
		}
	}
	figs := make([]string, 0, len(a.Figures))
	for _, f := range a.Figures {
		name := f.Name
		if t, ok := w.figures[name]; ok {
			name = t
		}
		figs = append(figs, name+w.sep+f.Value)
	}
	when := a.Time
	if when.IsZero() {
		when = now
	}
	stamp := when.In(loc).Format("2006-01-02 15:04:05 MST")

	var text, md []string
	text = append(text, m.Title)
	md = append(md, "**"+markdownEscape(m.Title)+"**")
	if len(who) > 0 {
		text = append(text, strings.Join(who, "  "))
		md = append(md, markdownEscape(strings.Join(who, "  ")))
	}
	if a.Message != "" {
		text = append(text, a.Message)
		md = append(md, markdownEscape(a.Message))
	}
	if len(figs) > 0 {
		text = append(text, strings.Join(figs, "  "))
		md = append(md, markdownEscape(strings.Join(figs, "  ")))
	}
	text = append(text, stamp)
	md = append(md, "> "+stamp)
	m.Text = strings.Join(text, "\n")
	m.Markdown = strings.Join(md, "\n\n")
}

// formatDigest fills m's text fields for a digest with the given status text.
func (m *Message) formatDigest(lang Lang, loc *time.Location, now time.Time, node, status string) {
	w, ok := vocabulary[lang]
	if !ok {
		w = vocabulary[English]
	}
	if loc == nil {
		loc = time.Local
	}
	m.Title = "[" + w.digest + "]"
	if node != "" {
		m.Title += " " + node
	}
	stamp := now.In(loc).Format("2006-01-02 15:04 MST")
	m.Text = m.Title + " " + stamp + "\n" + strings.TrimSpace(status)
	m.Markdown = "**" + markdownEscape(m.Title) + "** " + stamp + "\n\n" + strings.TrimSpace(status)
}

// humanDuration renders d to the minute (or second when under a minute).
func humanDuration(d time.Duration, lang Lang) string {
	if d < time.Minute {
		s := int(d.Round(time.Second) / time.Second)
		if lang == Chinese {
			return fmt.Sprintf("%d秒", s)
		}
		return fmt.Sprintf("%ds", s)
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case lang == Chinese && h > 0:
		return fmt.Sprintf("%d小时%d分钟", h, m)
	case lang == Chinese:
		return fmt.Sprintf("%d分钟", m)
	case h > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

// markdownEscape escapes the characters that change meaning in the Markdown subset the chat
// providers render.
func markdownEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "#", `\#`)
	return r.Replace(s)
}

// truncate shortens s to at most max bytes without splitting a UTF-8 sequence, marking the cut
// with "…". max <= 0 means no limit.
func truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	const mark = "…"
	cut := max - len(mark)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !runeStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

func runeStart(b byte) bool { return b&0xC0 != 0x80 }
