package nodeos

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/loggen"
)

// TestLoggenLogParses checks the benchmark log: deterministic, and every line it counts as
// an event parses as one, with no errors.
func TestLoggenLogParses(t *testing.T) {
	var a, b bytes.Buffer
	st, err := loggen.Write(&a, 1<<20, loggen.Config{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loggen.Write(&b, 1<<20, loggen.Config{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two logs from the same config differ")
	}
	if st.Bytes != int64(a.Len()) || st.Bytes < 1<<20 {
		t.Fatalf("Stats.Bytes = %d, wrote %d, asked for at least %d", st.Bytes, a.Len(), 1<<20)
	}
	counts := map[EventKind]int64{}
	producers := map[string]bool{}
	var lines int64
	sc := bufio.NewScanner(&a)
	for sc.Scan() {
		lines++
		ev, ok, err := ParseLine(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		if ok {
			counts[ev.Kind]++
			producers[ev.Producer] = true
		}
	}
	if counts[EventProduced] != st.Produced || counts[EventReceived] != st.Received ||
		counts[EventNotProducing] != st.NotProducing || lines != st.Lines {
		t.Errorf("parsed %v in %d lines; generator wrote %+v", counts, lines, st)
	}
	if st.Produced == 0 || st.Received < 15*st.Produced || len(producers) != 22 { // 21 + "" of NotProducing
		t.Errorf("unrealistic mix: %+v, %d producers", st, len(producers)-1)
	}
}
