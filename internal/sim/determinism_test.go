package sim

import (
	"bytes"
	"testing"
)

// TestDeterministic: one seed, run twice, gives the same trace byte for byte.
func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	o := DefaultOptions()
	o.Trace = &a
	Run(7, o)
	o.Trace = &b
	Run(7, o)
	if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("seed 7 ran differently twice (%d and %d bytes of trace)", a.Len(), b.Len())
	}
}
