// Command drill runs eoskeeper's failover drills with real processes (package internal/drill)
// and prints the results as a table.
//
//	drill [-scenarios 1,4,6,12] [-seed=false] [-evidence=false] [-markdown FILE] [-timelines DIR] [-bin bin] [-run-dir DIR]
//	      [-block-interval 50ms] [-producers 4]
//	drill -bench 10m [-block-interval 500ms] [-poll-interval 1s] [-markdown FILE]
//
// With -bench it runs no scenario but measures the agents' steady state instead: resident
// memory, CPU and Consul requests of each agent process over the given window.
//
// Each scenario runs under eoskeeper and then under the seed's policy (bin/baseline: a standby
// resumes after a wall-time span without our producer, with no lock), side by side; the crash
// scenarios (1a: A's nodeos killed right after one of our turns ends, 1b: at the first slot of
// one) also run with the agents' hand-off disabled (`eoskeeper agent -no-handoff`), so the
// table compares the hand-off, the evidence rule alone and the seed. -scenarios 1 selects 1a
// and 1b.
//
// It needs bin/eoskeeper, bin/nodeosnet, bin/baseline and bin/consul, and root for network namespaces
// (without them it runs on loopback and skips the scenarios that cut links). It exits 1 when
// a scenario fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/drill"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	list := fs.String("scenarios", "", "comma-separated scenarios, e.g. 1,1b,4 (default: all implemented)")
	md := fs.String("markdown", "", "also write the table as Markdown to this file")
	timelines := fs.String("timelines", "", "also copy each scenario's timeline (SVG) into this directory")
	bin := fs.String("bin", "bin", "directory holding eoskeeper, nodeosnet and consul")
	runDir := fs.String("run-dir", "", "directory for logs and configurations (default: a new temporary directory)")
	interval := fs.Duration("block-interval", 50*time.Millisecond, "simulated chain's wall time per block")
	producers := fs.Int("producers", 4, "size of the simulated chain's producer schedule")
	evidence := fs.Bool("evidence", true, "also run the crash scenarios with the agents' hand-off disabled (-no-handoff)")
	noNetns := fs.Bool("no-netns", false, "run on loopback even where network namespaces work")
	seed := fs.Bool("seed", true, "also run each scenario under the seed's policy (bin/baseline) for comparison")
	bench := fs.Duration("bench", 0, "measure the agents' steady state over this window instead of running scenarios")
	poll := fs.Duration("poll-interval", 0, "agents' nodeos poll_interval (default 100ms for scenarios, 1s for -bench)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var ids []string
	if *list != "" {
		for _, s := range strings.Split(*list, ",") {
			id := strings.TrimSpace(s)
			if n, err := strconv.Atoi(strings.TrimRight(id, "abcdefghijklmnopqrstuvwxyz")); err != nil || n <= 0 {
				fmt.Fprintf(os.Stderr, "drill: bad scenario %q\n", s)
				return 2
			}
			ids = append(ids, id)
		}
	}
	binDir, err := filepath.Abs(*bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 2
	}
	if *runDir == "" {
		if *runDir, err = os.MkdirTemp("", "eoskeeper-drill-"); err != nil {
			fmt.Fprintln(os.Stderr, "drill:", err)
			return 1
		}
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "drill", Output: os.Stderr})
	unlock, err := lockMachine(logger)
	if err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	defer unlock()
	logger.Info("run directory", "path", *runDir, "netns", !*noNetns && drill.NetnsAvailable())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := drill.Options{BinDir: binDir, RunDir: *runDir, BlockInterval: *interval, Producers: *producers, PollInterval: *poll,
		NoNetns: *noNetns, Evidence: *evidence, Logger: logger}
	start := time.Now()
	if *bench > 0 {
		return runBench(ctx, opts, *bench, *md, start)
	}
	results, err := drill.Run(ctx, opts, ids, *seed)
	_ = drill.WriteTable(os.Stdout, results)
	if *timelines != "" {
		files, terr := drill.CopyTimelines(*runDir, *timelines)
		if terr != nil {
			fmt.Fprintln(os.Stderr, "drill:", terr)
		}
		logger.Info("timelines written", "dir", *timelines, "files", len(files))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	if *md != "" {
		f, err := os.Create(*md)
		if err == nil {
			err = drill.WriteMarkdown(f, results, start, machine(), opts)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "drill:", err)
			return 1
		}
	}
	for _, r := range results {
		if r.Failed() {
			return 1
		}
	}
	return 0
}

// runBench measures the agents' steady state and prints (and optionally writes) the table.
func runBench(ctx context.Context, opts drill.Options, window time.Duration, md string, start time.Time) int {
	res, err := drill.Bench(ctx, opts, window)
	if err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	_ = drill.WriteBenchTable(os.Stdout, res)
	if md != "" {
		f, err := os.Create(md)
		if err == nil {
			err = drill.WriteBenchMarkdown(f, res, start, machine())
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "drill:", err)
			return 1
		}
	}
	return 0
}

// machine describes this computer for the table's heading.
func machine() string {
	host, _ := os.Hostname()
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s (%s, %d CPUs, %s/%s)", host, model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

// lockFile serialises drills on one machine: they share the namespace and bridge names.
const lockFile = "/tmp/eoskeeper-drill.lock"

// lockMachine waits until no other drill runs here and holds the machine until unlock.
func lockMachine(logger hclog.Logger) (unlock func(), err error) {
	f, err := os.OpenFile(lockFile, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", lockFile, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		logger.Info("another drill is running on this machine; waiting for it", "lock", lockFile)
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", lockFile, err)
		}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
