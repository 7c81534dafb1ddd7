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
	case r.Pass:
		return "pass"
	default:
		return "FAIL"
	}
}

func (r Result) cells() []string {
	wall := "-"
	if r.FailoverWall > 0 {
		wall = r.FailoverWall.Round(100 * time.Millisecond).String()
	}
	if r.Skipped {
		return []string{fmt.Sprint(r.ID), r.Name, r.Topology, "-", "-", "-", "-", "-", r.verdict(), r.Note}
	}
	return []string{fmt.Sprint(r.ID), r.Name, r.Topology, fmt.Sprint(r.DoubleProduced),
		fmt.Sprintf("%d", r.Missed), fmt.Sprintf("%d / ≤%d", r.MinMissed, r.MaxMissed), wall, FormatSlots(r.FailoverSlots),
		r.verdict(), r.Note}
}

var header = []string{"#", "scenario", "topology", "double-produced turns", "missed turns", "policy min / max", "failover (wall)", "failover (slots)", "result", "notes"}

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
