package drill

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

func (r Result) verdict() string {
	switch {
	case r.Skipped:
		return "skipped"
	case r.Err:
		return "ERROR"
	case r.Policy == policySeed && r.DoubleProduced > 0:
		return "DOUBLE-PRODUCED"
	case r.Policy == policySeed && !r.Unbounded && r.Missed > r.MaxMissed:
		return "more missed"
	case r.Policy == policySeed:
		return "ok"
	case r.Pass:
		return "pass"
	default:
		return "FAIL"
	}
}

// Failed reports whether r is an eoskeeper row that did not pass (seed rows are shown for
// comparison and never fail the drill).
func (r Result) Failed() bool {
	return !r.Skipped && !r.Pass && r.Policy != policySeed
}

func (r Result) cells() []string {
	wall := "-"
	if r.FailoverWall > 0 {
		wall = r.FailoverWall.Round(100 * time.Millisecond).String()
	}
	policy := r.Policy
	if policy == "" {
		policy = policyKeeper
	}
	id := fmt.Sprint(r.ID) + r.Sub
	if r.Skipped {
		return []string{id, r.Name, policy, r.Topology, "-", "-", "-", "-", "-", "-", "-", r.verdict(), r.Note}
	}
	bounds := fmt.Sprintf("%d / ≤%d", r.MinMissed, r.MaxMissed)
	if r.Unbounded {
		bounds = "no automatic action"
	}
	alerts := r.Alerts
	if alerts == "" {
		alerts = "-"
	}
	path := r.Path
	if path == "" {
		path = "-"
	}
	return []string{id, r.Name, policy, r.Topology, path, fmt.Sprint(r.DoubleProduced),
		fmt.Sprintf("%d", r.Missed), bounds, wall, FormatSlots(r.FailoverSlots), alerts,
		r.verdict(), r.Note}
}

var header = []string{"#", "scenario", "policy", "topology", "takeover path", "double-produced turns", "missed turns", "eoskeeper min / max",
	"failover (wall)", "failover (slots)", "alerts", "result", "notes"}

// WriteTable prints the results as an aligned text table.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range results {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t"))
	}
	return tw.Flush()
}

// WriteMarkdown writes the results as a Markdown table under a line naming when and where
// they were measured.
func WriteMarkdown(w io.Writer, results []Result, when time.Time, machine string, opts Options) error {
	opts.defaults()
	fmt.Fprintf(w, "Drill of %s on %s: %d producers, %s blocks, session_ttl %ds, lost_after %ds, lock_delay %ds, priority A=%d B=%d C=%d.\n\n",
		when.UTC().Format("2006-01-02 15:04 UTC"), machine, opts.Producers, opts.BlockInterval, sessionTTL, lostAfter, lockDelay,
		priority["A"], priority["B"], priority["C"])
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(header)))
	for _, r := range results {
		cells := r.cells()
		for i := range cells {
			cells[i] = strings.ReplaceAll(cells[i], "|", "\\|")
		}
		if _, err := fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |"); err != nil {
			return fmt.Errorf("drill: write table: %w", err)
		}
	}
	return nil
}
