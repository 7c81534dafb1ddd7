package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/buildinfo"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// StatusCommand prints the producer's nodes as their agents last published them, once or,
// with -watch, redrawn until interrupted.
type StatusCommand struct {
	UI UI
	// ctx, when set, ends a -watch as SIGINT or SIGTERM does.
	ctx context.Context
}

// Help describes the command.
func (c *StatusCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper status -config keeper.hcl [-json] [-watch [-interval 2s]]

  Prints every agent of the producer as last published to Consul (every 5 s) with its
  eoskeeper version, the lock holder with its watermark, and the maintenance flag. REASON
  says, for a standby, what it waits for now (the lock held by another node, the missed
  turns its role waits for, a healthy nodeos, the end of maintenance); for the other
  states, why the agent entered its state.

Options:

  -config=PATH     any agent's keeper.hcl (for Consul and the producer)
  -json            print JSON instead of a table
  -watch           redraw every -interval until interrupted (Ctrl-C); on a terminal the
                   screen is cleared for each table, otherwise tables follow each other,
                   separated by a blank line
  -interval=2s     how often -watch redraws
` + operatorConsulHelp + `

  The Consul token needs key read on <key_prefix>/<producer>/ (examples/acl/operator.hcl).
`)
}

// Synopsis is the one-line description.
func (c *StatusCommand) Synopsis() string {
	return "Show the producer's agents, lock and maintenance flag"
}

// Run runs the command.
func (c *StatusCommand) Run(args []string) int {
	var (
		asJSON, watch bool
		interval      time.Duration
	)
	o, ok := openOperator(c.UI, "status", args, c.Help(), func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "")
		fs.BoolVar(&watch, "watch", false, "")
		fs.DurationVar(&interval, "interval", 2*time.Second, "")
	})
	if !ok {
		return 1
	}
	if !watch {
		ctx, cancel := opContext()
		defer cancel()
		out, err := o.statusReport(ctx, asJSON)
		if err != nil {
			c.UI.Error("status: " + err.Error())
			return 1
		}
		c.UI.Output(out)
		return 0
	}
	if interval <= 0 {
		c.UI.Error("status: -interval must be positive\n\n" + c.Help())
		return 1
	}
	base := c.ctx
	if base == nil {
		base = context.Background()
	}
	ctx, stop := signal.NotifyContext(base, os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.watchStatus(ctx, c.UI, asJSON, interval, isTerminal(c.UI))
	return 0
}

// clearScreen moves the cursor home and clears the terminal.
const clearScreen = "\x1b[H\x1b[2J"

// watchStatus writes a status report every interval until ctx ends: after clearing the
// screen on a terminal, else after a blank line. A report that cannot be read shows its error
// in its place, and the watch goes on.
func (o *operator) watchStatus(ctx context.Context, ui UI, asJSON bool, interval time.Duration, terminal bool) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for frame := 0; ; frame++ {
		rctx, cancel := context.WithTimeout(ctx, min(interval, 10*time.Second))
		out, err := o.statusReport(rctx, asJSON)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			out = "status: " + err.Error()
		}
		stamp := time.Now().Format(time.DateTime) + ", every " + interval.String() + " (Ctrl-C ends)"
		switch {
		case terminal:
			ui.Output(clearScreen + stamp + "\n\n" + out)
		case frame > 0:
			ui.Output("\n" + stamp + "\n" + out)
		default:
			ui.Output(stamp + "\n" + out)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// isTerminal reports whether ui writes its output to a terminal.
func isTerminal(ui UI) bool {
	s, ok := ui.(streamUI)
	if !ok {
		return false
	}
	f, ok := s.out.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// statusReport reads the agents' statuses, the lock and the maintenance flag, and renders
// them as a table or as JSON.
func (o *operator) statusReport(ctx context.Context, asJSON bool) (string, error) {
	statuses, err := o.statuses(ctx)
	if err != nil {
		return "", err
	}
	rec, held, err := o.el.Leader(ctx)
	if err != nil {
		return "", err
	}
	maint, err := o.el.Maintenance(ctx)
	if err != nil {
		return "", err
	}
	if asJSON {
		b, err := json.MarshalIndent(map[string]any{"nodes": statuses, "lock": rec, "lock_held": held, "maintenance": maint}, "", "  ")
		if err != nil {
			return "", fmt.Errorf("encode status: %w", err)
		}
		return string(b), nil
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NODE\tROLE\tSTATE\tHEALTHY\tHEAD\tLIB\tPAUSED\tPEERS\tMISSED\tAGE\tVERSION\tREASON")
	names := make([]string, 0, len(statuses))
	for n := range statuses {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := statuses[n]
		fmt.Fprintf(w, "%s\t%s\t%s\t%t\t%d\t%d\t%t\t%d\t%d\t%s\t%s\t%s\n", s.Node, s.Role, s.State, s.Healthy, s.Head, s.LIB,
			s.Paused, s.Peers, s.MissedTurns, time.Since(s.Time).Round(time.Second), versionText(s), clip(agentReason(s.Status), 60))
	}
	w.Flush()
	holder := "none (free)"
	if held {
		holder = rec.Node
	}
	fmt.Fprintf(&b, "\nlock holder: %s; watermark: block %d (slot %d, node %q)\n", holder, rec.Watermark.BlockNum, rec.Watermark.Slot, rec.Watermark.Node)
	if s, ok := statuses[rec.Node]; held && ok {
		if t := takeoverText(s.LastTakeover, time.Now()); t != "" {
			b.WriteString(t + "\n")
		}
	}
	if maint.On {
		fmt.Fprintf(&b, "maintenance: ON since %s by %s: %s", maint.At.Format(time.RFC3339), maint.By, maint.Reason)
	} else {
		b.WriteString("maintenance: off")
	}
	return b.String(), nil
}

// versionText is an agent's version with its commit, "?" for an agent that published none
// (one older than the version field).
func versionText(s buildinfo.Stamped) string {
	switch {
	case s.Version == "":
		return "?"
	case s.Commit == "":
		return s.Version
	}
	return s.Version + "@" + s.Commit
}

// agentReason is what the REASON column says for s: for a standby, what it waits for now;
// for the other states, why the agent entered its state.
func agentReason(s keeper.Status) string {
	if s.State != keeper.Standby {
		return s.StateReason
	}
	switch {
	case !s.Healthy && len(s.HealthProblems) > 0:
		return "unhealthy: " + strings.Join(s.HealthProblems, "; ")
	case !s.Healthy:
		return "unhealthy"
	case s.Maintenance:
		return "maintenance"
	case s.Demoted && s.Waiting != "":
		return "demoted: " + s.Waiting
	case s.Demoted:
		return "demoted"
	case s.Waiting != "":
		return "waiting: " + s.Waiting
	}
	return s.StateReason
}
