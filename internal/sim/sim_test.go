package sim

import (
	"flag"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

var (
	flagSeeds = flag.Int("sim.seeds", 0, "number of seeds TestSeeds runs (0: a short smoke run)")
	flagFrom  = flag.Int64("sim.from", 1, "first seed TestSeeds runs")
	flagSeed  = flag.Int64("sim.seed", 0, "replay one seed (TestReplay) with its trace on stdout when -sim.trace is set")
	flagTrace = flag.Bool("sim.trace", false, "print the replayed seed's event trace")
)

// TestSeeds runs a range of seeds and fails with every violation found, each with the seed
// that replays it.
func TestSeeds(t *testing.T) {
	n := *flagSeeds
	if n == 0 {
		n = 8
		if testing.Short() {
			n = 2
		}
	}
	results := RunSeeds(*flagFrom, n, runtime.GOMAXPROCS(0), DefaultOptions())
	var sum Summary
	for _, r := range results {
		sum.Add(r)
		for _, v := range r.Violations {
			t.Errorf("seed %d: %s (replay: go test ./internal/sim -run TestReplay -sim.seed %d -sim.trace)", r.Seed, v, r.Seed)
		}
	}
	t.Logf("%s", sum.String())
}

// TestReplay replays one seed.
func TestReplay(t *testing.T) {
	if *flagSeed == 0 {
		t.Skip("no -sim.seed given")
	}
	opts := DefaultOptions()
	if *flagTrace {
		opts.Trace = os.Stdout
	}
	r := Run(*flagSeed, opts)
	for _, v := range r.Violations {
		t.Errorf("seed %d: %s", r.Seed, v)
	}
}

// RunSeeds is used by the tests and by cmd/sim; see run.go.
var _ = sync.Mutex{}
var _ = time.Second
