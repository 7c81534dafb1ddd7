package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// HistoryCommand prints the producer's lock history: every change of the holder, as the node
// that made it recorded it.
type HistoryCommand struct{ UI UI }

// Help describes the command.
func (c *HistoryCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper history -config keeper.hcl [-json]

  Prints the producer's lock history, oldest first: the newest 100 changes of the lock
  holder, each recorded in Consul by the node that made it. A node that took the lock over
  records a takeover with the path it was admitted by (evidence, handoff, switchover,
  last-producer), or an acquire when no other node held it before; a holder that gave the
  lock up records a switchover, resign or fence with its reason.

  MISSED counts our producer's blocks missed between the previous holder's last block and
  the new holder's first (the empty slots between the two); "?" until the new holder has
  produced, or when it gave the lock up first. WATERMARK is our newest block on record then.

Options:

  -config=PATH  any agent's keeper.hcl (for Consul and the producer)
  -json         print the entries as JSON
` + operatorConsulHelp + `

  The Consul token needs key read on <key_prefix>/<producer>/ (examples/acl/operator.hcl).
`)
}

// Synopsis is the one-line description.
func (c *HistoryCommand) Synopsis() string { return "Show the changes of the lock holder" }

// Run runs the command.
func (c *HistoryCommand) Run(args []string) int {
	var asJSON bool
	o, ok := openOperator(c.UI, "history", args, c.Help(), func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "") })
	if !ok {
		return 1
	}
	ctx, cancel := opContext()
	defer cancel()
	entries, _, err := readHistory(ctx, o.consul.KV(), historyKey(o.cfg))
	if err != nil {
		c.UI.Error("history: " + err.Error())
		return 1
	}
	if asJSON {
		if entries == nil {
			entries = []HistoryEntry{}
		}
		b, _ := json.MarshalIndent(entries, "", "  ")
		c.UI.Output(string(b))
		return 0
	}
	if len(entries) == 0 {
		c.UI.Output("no change of the lock holder recorded for " + o.cfg.Producer)
		return 0
	}
	c.UI.Output(historyTable(entries))
	return 0
}

// historyTable renders entries as a table, oldest first.
func historyTable(entries []HistoryEntry) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TIME\tEVENT\tFROM\tTO\tPATH\tREASON\tMISSED\tWATERMARK")
	for _, e := range entries {
		missed := "-"
		if e.Event == historyTakeover || e.Event == historyAcquire {
			missed = "?"
		}
		if e.Missed != nil {
			missed = strconv.Itoa(*e.Missed)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.Local().Format(time.DateTime), e.Event,
			dash(e.From), dash(e.To), dash(e.Path), clip(e.Reason, 60), missed, blockText(e.Watermark))
	}
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// blockText renders a block as "1234 (a)", with the node when known; "-" for none.
func blockText(bl keeper.Block) string {
	if bl.Num == 0 {
		return "-"
	}
	if bl.Node == "" {
		return strconv.FormatUint(uint64(bl.Num), 10)
	}
	return fmt.Sprintf("%d (%s)", bl.Num, bl.Node)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
