package nodeos

import (
	"fmt"
	"strings"
	"time"
)

// Message parsers, one per known message. Each gets the message (or its tail after the
// identifying text) and fills ev; errors name the field that did not parse.

// parseBlockLine parses the tail of a Produced/Received line:
// "<id>... #<n> @ <timestamp> signed by <producer> [<stats>]".
func parseBlockLine(ev *Event, s string) error {
	end := 16 // the id is 16 hex chars; look further only to describe a bad line
	if len(s) < end+5 || s[end:end+5] != "... #" {
		end = strings.Index(s, "... #")
	}
	if end < 0 {
		return fmt.Errorf("no \"... #\" after the block id")
	}
	if id := s[:end]; len(id) != 16 || !isHex(id) {
		return fmt.Errorf("block id %q is not 16 hex chars", id)
	}
	ev.BlockID, s = s[:end], s[end+len("... #"):]

	sp := 0
	for sp < len(s) && s[sp] != ' ' {
		sp++
	}
	if sp == len(s) {
		return fmt.Errorf("nothing after the block number")
	}
	n, ok := parseUint32(s[:sp])
	if !ok {
		return fmt.Errorf("block number %q is not a number", s[:sp])
	}
	ev.BlockNum, s = n, s[sp:]

	if !strings.HasPrefix(s, " @ ") {
		return fmt.Errorf("no \" @ \" after the block number")
	}
	s = s[len(" @ "):]
	if sp = len("2006-01-02T15:04:05.000"); len(s) <= sp || s[sp] != ' ' {
		sp = strings.IndexByte(s, ' ')
	}
	if sp < 0 {
		return fmt.Errorf("nothing after the block timestamp")
	}
	t, err := parseTimestamp(s[:sp])
	if err != nil {
		return fmt.Errorf("block time: %v", err)
	}
	ev.BlockTime, ev.BlockSlot, s = t, SlotOf(t), s[sp:]

	if !strings.HasPrefix(s, " signed by ") {
		return fmt.Errorf("no \" signed by \" after the block timestamp")
	}
	s = s[len(" signed by "):]
	sp = strings.IndexByte(s, ' ')
	if sp < 0 {
		return fmt.Errorf("no statistics after the producer")
	}
	if !isAccountName(s[:sp]) {
		return fmt.Errorf("producer %q is not an account name", s[:sp])
	}
	ev.Producer, s = s[:sp], s[sp:]

	if !strings.HasPrefix(s, " [") || !strings.HasSuffix(s, "]") {
		return fmt.Errorf("statistics are not enclosed in [ ]")
	}
	return parseBlockStats(ev, s[2:len(s)-1])
}

// parseBlockStats parses "trxs: N, lib: N[, confirmed: N | , conf: N], …[, latency: N ms]",
// the statistics every release prints in this order. Other statistics are not read.
func parseBlockStats(ev *Event, s string) error {
	trxs, s, ok := statNumber(s, "trxs: ")
	if !ok {
		return fmt.Errorf("statistics do not start with trxs: <n>")
	}
	lib, s, ok := statNumber(s, ", lib: ")
	if !ok {
		return fmt.Errorf("statistics have no lib: <n> after trxs")
	}
	ev.Trxs, ev.LIB = int(trxs), lib
	if conf, _, ok := statNumber(s, ", confirmed: "); ok {
		ev.Confirmed = int(conf)
	} else if conf, _, ok := statNumber(s, ", conf: "); ok {
		ev.Confirmed = int(conf)
	}
	if v, ok := latencyValue(s); ok {
		ms, ok := parseInt(strings.TrimSuffix(v, " ms"))
		if !ok || !strings.HasSuffix(v, " ms") {
			return fmt.Errorf("latency %q is not \"<n> ms\"", v)
		}
		ev.Latency = time.Duration(ms) * time.Millisecond
	}
	return nil
}

// latencyValue returns the value of the "latency" statistic, which is the last one when
// present. The usual "…, latency: <n> ms" is found by looking back from the end.
func latencyValue(s string) (string, bool) {
	const key = ", latency: "
	i := len(s) - len(" ms")
	for i > 0 && (isDigit(s[i-1]) || s[i-1] == '-') {
		i--
	}
	if i >= len(key) && s[i-len(key):i] == key {
		return s[i:], true
	}
	if j := strings.LastIndex(s, key); j >= 0 {
		return s[j+len(key):], true
	}
	return "", false
}

// statNumber reads key and the number after it from the front of s; it fails unless the
// number ends s or is followed by ", ".
func statNumber(s, key string) (uint32, string, bool) {
	if len(s) < len(key) || s[:len(key)] != key {
		return 0, s, false
	}
	s = s[len(key):]
	end := 0
	for end < len(s) && isDigit(s[end]) {
		end++
	}
	n, ok := parseUint32(s[:end])
	if !ok || (end < len(s) && !strings.HasPrefix(s[end:], ", ")) {
		return 0, s, false
	}
	return n, s[end:], true
}

// parseNotProducing parses the tail of "Not producing block because …".
func parseNotProducing(ev *Event, s string) error {
	switch {
	case strings.HasPrefix(s, "stale production not enabled"):
		ev.Reason = ReasonStaleProduction
	case strings.HasPrefix(s, "I don't have any private keys relevant to authority"):
		ev.Reason = ReasonNoKeys
	case strings.HasPrefix(s, "production is explicitly paused"):
		ev.Reason = ReasonPaused
	case strings.HasPrefix(s, "the irreversible block is too old"):
		ev.Reason = ReasonIrreversibleTooOld
	case strings.HasPrefix(s, "no recent "):
		ev.Reason = ReasonNoRecentVotes
	case strings.HasPrefix(s, "max-reversible-blocks "):
		ev.Reason = ReasonMaxReversible
		head, err := numberAfter(s, ", head ")
		if err != nil {
			return err
		}
		lib, err := numberAfter(s, ", lib ")
		if err != nil {
			return err
		}
		ev.BlockNum, ev.LIB = head, lib
	case strings.HasPrefix(s, `"`):
		ev.Reason = ReasonWatermark
		end := strings.IndexByte(s[1:], '"')
		if end < 0 || !isAccountName(s[1:1+end]) || !strings.HasPrefix(s[2+end:], " signed a block at ") {
			return fmt.Errorf("watermark reason %q does not name a producer", s)
		}
		ev.Producer = s[1 : 1+end]
	}
	// Spring appends ", block <timestamp>" (the block not produced); Leap and EOSIO do not.
	if i := strings.Index(s, ", block "); i >= 0 {
		ts := s[i+len(", block "):]
		if c := strings.IndexByte(ts, ','); c >= 0 {
			ts = ts[:c]
		}
		t, err := parseTimestamp(ts)
		if err != nil {
			return fmt.Errorf("block time: %v", err)
		}
		ev.BlockTime, ev.BlockSlot = t, SlotOf(t)
	}
	return nil
}

// numberAfter returns the number that follows key in s, up to the next ',' or the end.
func numberAfter(s, key string) (uint32, error) {
	i := strings.Index(s, key)
	if i < 0 {
		return 0, fmt.Errorf("no %q", strings.TrimSpace(strings.TrimPrefix(key, ",")))
	}
	v := s[i+len(key):]
	if c := strings.IndexByte(v, ','); c >= 0 {
		v = v[:c]
	}
	n, ok := parseUint32(v)
	if !ok {
		return 0, fmt.Errorf("%s %q is not a number", strings.TrimSpace(strings.TrimPrefix(key, ",")), v)
	}
	return n, nil
}

// parseForkSwitch parses the tail of "switching forks from <id> (block number <n>[ <producer>])[
// <comparison>] to <id> (block number <n>[ <producer>])[ <comparison>]".
func parseForkSwitch(ev *Event, s string) error {
	from, s, err := parseForkHead(s)
	if err != nil {
		return fmt.Errorf("old head: %v", err)
	}
	s = skipComparison(s)
	if !strings.HasPrefix(s, " to ") {
		return fmt.Errorf("no \" to \" after the old head")
	}
	to, s, err := parseForkHead(s[len(" to "):])
	if err != nil {
		return fmt.Errorf("new head: %v", err)
	}
	if s = skipComparison(s); s != "" {
		return fmt.Errorf("unexpected text %q after the new head", s)
	}
	ev.ForkFrom, ev.ForkTo = from, to
	ev.BlockNum, ev.Producer = to.Num, to.Producer
	return nil
}

// parseForkHead parses "<id> (block number <n>[ <producer>])" and returns the rest of s.
func parseForkHead(s string) (ForkHead, string, error) {
	const key = " (block number "
	i := strings.Index(s, key)
	if i < 0 {
		return ForkHead{}, "", fmt.Errorf("no %q", strings.TrimSpace(key))
	}
	if len(s[:i]) != 64 || !isHex(s[:i]) {
		return ForkHead{}, "", fmt.Errorf("block id %q is not 64 hex chars", s[:i])
	}
	h := ForkHead{ID: s[:i]}
	s = s[i+len(key):]
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return ForkHead{}, "", fmt.Errorf("no ')' after the block number")
	}
	num := s[:end]
	if sp := strings.IndexByte(num, ' '); sp >= 0 {
		if !isAccountName(num[sp+1:]) {
			return ForkHead{}, "", fmt.Errorf("producer %q is not an account name", num[sp+1:])
		}
		num, h.Producer = num[:sp], num[sp+1:]
	}
	n, ok := parseUint32(num)
	if !ok {
		return ForkHead{}, "", fmt.Errorf("block number %q is not a number", num)
	}
	h.Num = n
	return h, s[end+1:], nil
}

// skipComparison drops Spring's " [ … ]" fork comparison from the front of s.
func skipComparison(s string) string {
	if strings.HasPrefix(s, " [") {
		if end := strings.IndexByte(s, ']'); end >= 0 {
			return s[end+1:]
		}
	}
	return s
}

// parseForkSwitched parses the tail of "successfully switched fork to new head <id>[, removed
// {…}, applied {…}]".
func parseForkSwitched(ev *Event, s string) error {
	id := s
	if c := strings.IndexByte(s, ','); c >= 0 {
		id = s[:c]
	}
	if len(id) != 64 || !isHex(id) {
		return fmt.Errorf("new head id %q is not 64 hex chars", id)
	}
	ev.ForkTo.ID = id
	return nil
}

// parseDoubleProduced parses "<producer> double produced block <n>".
func parseDoubleProduced(ev *Event, msg string) error {
	i := strings.Index(msg, msgDoubleProduced)
	if !isAccountName(msg[:i]) {
		return fmt.Errorf("producer %q is not an account name", msg[:i])
	}
	n, ok := parseUint32(msg[i+len(msgDoubleProduced):])
	if !ok {
		return fmt.Errorf("block number %q is not a number", msg[i+len(msgDoubleProduced):])
	}
	ev.Producer, ev.BlockNum = msg[:i], n
	return nil
}

// parseDoubleConfirm finds "producer <name> double-confirming known range" in s.
func parseDoubleConfirm(ev *Event, s string) error {
	before := s[:strings.Index(s, msgDoubleConfirm)]
	p := strings.LastIndex(before, "producer ")
	if p < 0 || !isAccountName(before[p+len("producer "):]) {
		return fmt.Errorf("no \"producer <name>\" before %q", strings.TrimSpace(msgDoubleConfirm))
	}
	ev.Producer = before[p+len("producer "):]
	return nil
}

// parsePolicyChange parses "Finalizer policy generation change: <a> -> <b>" and
// "New finalizer policy becoming active in block <id>: <policy>".
func parsePolicyChange(ev *Event, msg string) error {
	if s, ok := strings.CutPrefix(msg, msgPolicyGen); ok {
		a, b, found := strings.Cut(s, " -> ")
		from, okA := parseUint32(a)
		to, okB := parseUint32(b)
		if !found || !okA || !okB {
			return fmt.Errorf("generation change %q is not \"<n> -> <n>\"", s)
		}
		ev.PolicyGenFrom, ev.PolicyGenTo = from, to
		return nil
	}
	s := msg[len(msgNewPolicy):]
	id, _, _ := strings.Cut(s, ":")
	if len(id) > 64 || !isHex(id) {
		return fmt.Errorf("block id %q is not hex", id)
	}
	ev.BlockID = id
	return nil
}
