package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFormat(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	since := time.Date(2026, 3, 1, 10, 0, 0, 0, cst)
	a := Alert{
		Key: "head_stalled", Severity: Critical, State: Fired, Node: "bp-a", Role: "A", Producer: "eosstorebest",
		Message: "head not advancing for 12s", Figures: []Figure{Fig("head", 1234), Fig("lib", 1200), Fig("peers", 7)},
		Time: since,
	}
	tests := []struct {
		name   string
		lang   Lang
		state  State
		repeat int
		now    time.Time
		want   string
	}{
		{"en fired", English, Fired, 0, since, "[CRITICAL] head_stalled FIRING\nhost: bp-a  role: A  producer: eosstorebest\nhead not advancing for 12s\nhead: 1234  lib: 1200  peers: 7\n2026-03-01 10:00:00 CST"},
		{"zh fired", Chinese, Fired, 0, since, "[严重] head_stalled 告警\n主机：bp-a  角色：A  生产者：eosstorebest\nhead not advancing for 12s\n头块：1234  不可逆块：1200  连接数：7\n2026-03-01 10:00:00 CST"},
		{"en repeat", English, Fired, 2, since.Add(65 * time.Minute), "[CRITICAL] head_stalled STILL FIRING (firing for 1h5m)"},
		{"zh resolved", Chinese, Resolved, 0, since.Add(90 * time.Second), "[严重] head_stalled 已恢复 (持续 2分钟)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Message{Alert: a, Repeat: tc.repeat, Since: since}
			m.Alert.State = tc.state
			m.format(tc.lang, cst, tc.now)
			if !strings.HasPrefix(m.Text, tc.want) || (strings.Contains(tc.want, "\n") && m.Text != tc.want) {
				t.Errorf("text:\n%s\nwant:\n%s", m.Text, tc.want)
			}
			if !strings.HasPrefix(m.Markdown, "**") || !strings.Contains(m.Markdown, "head\\_stalled") {
				t.Errorf("markdown %q should bold the escaped title", m.Markdown)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("区块", 1000) // 3 bytes per rune
	got := truncate(s, 2048)
	if len(got) > 2048 || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Fatalf("truncate gave %d bytes, valid=%v", len(got), utf8.ValidString(got))
	}
	if truncate("short", 2048) != "short" || truncate(s, 0) != s {
		t.Fatal("truncate must leave short text and a zero limit alone")
	}
}

func TestTokenBucket(t *testing.T) {
	b := newTokenBucket(RateLimit{Burst: 2, Every: time.Minute})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		want time.Duration
	}{
		{0, 0}, {0, 0}, {0, time.Minute}, {30 * time.Second, 30 * time.Second},
		{time.Minute, 0}, {time.Minute, time.Minute}, {10 * time.Minute, 0}, {10 * time.Minute, 0}, {10 * time.Minute, time.Minute},
	}
	for i, s := range steps {
		if got := b.take(now.Add(s.at)); got != s.want {
			t.Fatalf("step %d at +%s: wait %s, want %s", i, s.at, got, s.want)
		}
	}
	if newTokenBucket(RateLimit{}).take(now) != 0 {
		t.Fatal("zero RateLimit must not limit")
	}
}

func TestNextDigest(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	times, err := parseDigestTimes([]string{"19:00", "07:00", "13:00", "07:00"})
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m, s int) time.Time { return time.Date(2026, 3, d, h, m, s, 0, cst) }
	tests := []struct{ now, want time.Time }{
		{at(1, 6, 59, 59), at(1, 7, 0, 0)},
		{at(1, 7, 0, 0), at(1, 13, 0, 0)}, // strictly after
		{at(1, 18, 0, 0), at(1, 19, 0, 0)},
		{at(1, 19, 0, 1), at(2, 7, 0, 0)},
		{at(1, 23, 0, 0).UTC(), at(2, 7, 0, 0)}, // now given in another zone
	}
	for _, tc := range tests {
		if got := nextDigest(tc.now, times, cst); !got.Equal(tc.want) {
			t.Errorf("nextDigest(%s) = %s, want %s", tc.now, got, tc.want)
		}
	}
	if _, err := parseDigestTimes([]string{"25:00"}); err == nil {
		t.Error("parseDigestTimes accepted 25:00")
	}
}

// FuzzRenderBodyJSON checks that any text placed into a JSON body template yields valid JSON
// that decodes back to the same text.
func FuzzRenderBodyJSON(f *testing.F) {
	for _, s := range []string{"plain", `quo"te`, "line\nbreak", "{{text}}", "\\", "区块\u2028", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		body := renderBody(`{"to":"{{mobiles}}","msg":"{{text}}"}`, BodyJSON, "138", text)
		var got struct{ To, Msg string }
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("body %q is not JSON: %v", body, err)
		}
		want := string([]rune(text)) // each invalid byte becomes U+FFFD, as encoding/json does
		if got.Msg != want || got.To != "138" {
			t.Fatalf("decoded %q/%q, want %q", got.To, got.Msg, want)
		}
	})
}
