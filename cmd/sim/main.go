// Command sim runs the deterministic simulation of eoskeeper (package internal/sim): many
// seeds in parallel with a summary of the figures, or one seed with its event trace.
//
//	sim -seeds 100000 -from 1     run seeds 1..100000, print the figures and every violation
//	sim -seed 109 -trace          replay seed 109 and print its event trace
//
// The exit code is 1 when any seed broke an invariant, 2 on bad flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/sim"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.Int("seeds", 1000, "number of seeds to run")
	from := fs.Int64("from", 1, "first seed")
	seed := fs.Int64("seed", 0, "replay this one seed (overrides -seeds and -from)")
	trace := fs.Bool("trace", false, "print the event trace (with -seed)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "seeds run in parallel")
	handoff := fs.Bool("handoff", true, "let resigning holders hand production on (false: evidence only, for comparison)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sim: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *seeds < 1 || *workers < 1 {
		fmt.Fprintln(stderr, "sim: -seeds and -workers must be at least 1")
		return 2
	}
	opts := sim.DefaultOptions()
	opts.NoHandoff = !*handoff
	if *seed != 0 {
		if *trace {
			opts.Trace = stdout
		}
		r := sim.Run(*seed, opts)
		for _, v := range r.Violations {
			fmt.Fprintf(stdout, "seed %d: %s\n", r.Seed, v)
		}
		if len(r.Violations) > 0 {
			return 1
		}
		fmt.Fprintf(stdout, "seed %d: no violation in %s simulated\n", r.Seed, r.Stats.Simulated)
		return 0
	}
	start := time.Now()
	results := sim.RunSeeds(*from, *seeds, *workers, opts)
	wall := time.Since(start)
	var sum sim.Summary
	failed := 0
	for _, r := range results {
		sum.Add(r)
		for _, v := range r.Violations {
			failed++
			fmt.Fprintf(stdout, "seed %d: %s (replay: go run ./cmd/sim -seed %d -trace)\n", r.Seed, v, r.Seed)
		}
	}
	fmt.Fprintln(stdout, sum.String())
	fmt.Fprintf(stdout, "wall %s on %d workers: %.0f simulated seconds per wall second\n",
		wall.Round(time.Second), *workers, sum.Simulated.Seconds()/wall.Seconds())
	if failed > 0 {
		return 1
	}
	return 0
}
