// Command baseline runs the failover rule of eoskeeper's predecessor next to one nodeos
// (package internal/baseline), so drills can compare it with eoskeeper on the same scenarios.
//
//	baseline -url http://127.0.0.1:8888 -producer eosstorebest -role B [-absent 250s] [-interval 1s]
//	    [-timeout 2s] [-log-level info]
//
// Role A takes no action. Roles B and C pause their nodeos at start and resume it once our
// producer has been absent from the head for -absent (default B 250s, C 850s); there is no
// lock and no pause afterwards. Once started (for B and C: once nodeos accepted the pause) it
// prints one line, "baseline ready role=R producer=P url=U absent=D interval=D", and runs until
// SIGINT or SIGTERM, then exits 0. Bad flags exit 2 with a message naming the flag; a failure
// at start exits 1. Logs go to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/internal/baseline"
	"github.com/eoskeeper/eoskeeper/nodeos"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options is the parsed command line.
type options struct {
	cfg   baseline.Config
	level hclog.Level
}

// flagOf names the flag that sets a baseline.Config field, for error messages.
func flagOf(field string) string {
	switch field {
	case "URL":
		return "-url"
	case "Producer":
		return "-producer"
	case "Role":
		return "-role"
	case "Absent":
		return "-absent"
	case "Interval":
		return "-interval"
	case "Timeout":
		return "-timeout"
	}
	return field
}

// parse reads args into options. Its errors name the offending flag.
func parse(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "nodeos HTTP API base URL, e.g. http://127.0.0.1:8888 (required)")
	producer := fs.String("producer", "", "our producer account (required)")
	role := fs.String("role", "", "A (primary, no action), B or C (standbys) (required)")
	absent := fs.Duration("absent", 0, "wall time of our producer's absence before a standby resumes (default B 250s, C 850s)")
	interval := fs.Duration("interval", baseline.DefaultInterval, "time between two get_info samples")
	timeout := fs.Duration("timeout", nodeos.DefaultTimeout, "timeout of each nodeos call")
	level := fs.String("log-level", "info", "trace, debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q: every setting is a flag", fs.Arg(0))
	}
	if *role == "" {
		return options{}, errors.New("-role: required: A, B or C")
	}
	r, err := baseline.ParseRole(*role)
	if err != nil {
		return options{}, fmt.Errorf("-role: %q: must be A, B or C", *role)
	}
	if *absent <= 0 && isSet(fs, "absent") {
		return options{}, fmt.Errorf("-absent: %s: must be positive", *absent)
	}
	if *interval <= 0 {
		return options{}, fmt.Errorf("-interval: %s: must be positive", *interval)
	}
	if *timeout <= 0 {
		return options{}, fmt.Errorf("-timeout: %s: must be positive", *timeout)
	}
	lvl := hclog.LevelFromString(*level)
	if lvl == hclog.NoLevel || lvl == hclog.Off {
		return options{}, fmt.Errorf("-log-level: %q: must be trace, debug, info, warn or error", *level)
	}
	return options{
		cfg:   baseline.Config{URL: *base, Producer: *producer, Role: r, Absent: *absent, Interval: *interval, Timeout: *timeout},
		level: lvl,
	}, nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// run runs the command until ctx is done and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "baseline:", err)
		return 2
	}
	log := hclog.New(&hclog.LoggerOptions{Name: "baseline", Level: opts.level, Output: stderr})
	if opts.cfg.Role == baseline.RoleA && opts.cfg.Absent > 0 {
		log.Warn("-absent is not used by role A, which never resumes")
	}
	a, err := baseline.New(opts.cfg, log)
	if err != nil {
		var ce *baseline.ConfigError
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "baseline: %s: %s\n", flagOf(ce.Field), ce.Reason)
			return 2
		}
		fmt.Fprintln(stderr, "baseline:", err)
		return 1
	}
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx) }()
	select {
	case <-a.Ready():
		cfg := a.Config()
		fmt.Fprintf(stdout, "baseline ready role=%s producer=%s url=%s absent=%s interval=%s\n",
			cfg.Role, cfg.Producer, redact(cfg.URL), cfg.Absent, cfg.Interval)
	case err := <-errc:
		return exitCode(stderr, err)
	}
	return exitCode(stderr, <-errc)
}

// exitCode reports Run's error, if any, and turns it into the exit code.
func exitCode(stderr io.Writer, err error) int {
	if err != nil {
		fmt.Fprintln(stderr, "baseline:", err)
		return 1
	}
	return 0
}

// redact hides any password in a URL before printing it.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}
