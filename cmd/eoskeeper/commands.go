package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// exitUsage is the exit code when the command line names no known command (0 is success,
// 1 an error).
const exitUsage = 127

// command is one entry of the command table: the name typed after "eoskeeper", the one-line
// synopsis of the command list, the help text printed for -help, and run, which gets the
// arguments after the name and returns the exit code.
type command struct {
	name     string
	synopsis string
	help     string
	run      func(args []string) int
}

// runner is what each command type (AgentCommand, ValidateCommand, ...) implements.
type runner interface {
	Synopsis() string
	Help() string
	Run(args []string) int
}

// entry makes the table entry for the command r under name.
func entry(name string, r runner) command {
	return command{name: name, synopsis: r.Synopsis(), help: r.Help(), run: r.Run}
}

// dispatch runs the command line args (without the program name) against table and returns
// the exit code. The command list, a command's help and the version go to stderr.
//
// Up to a "--", -h, -help or --help anywhere prints the named command's help (or the command
// list when none is named) and exits 0; -v, -version or --version before the command prints
// the version and exits 0. No command, an unknown one (including "help") prints the command
// list and exits 127. Any other flag before the command is an error (exit 1).
func dispatch(table []command, args []string, stderr io.Writer) int {
	var (
		name                  string
		rest, topFlags        []string
		wantHelp, wantVersion bool
	)
	for i, arg := range args {
		if arg == "--" {
			break
		}
		if arg == "-h" || arg == "-help" || arg == "--help" {
			wantHelp = true
			continue
		}
		if name != "" || arg == "" {
			continue
		}
		if arg == "-v" || arg == "-version" || arg == "--version" {
			wantVersion = true
			continue
		}
		if arg[0] == '-' {
			topFlags = append(topFlags, arg)
			continue
		}
		name, rest = arg, args[i+1:]
	}

	switch {
	case wantVersion:
		fmt.Fprintln(stderr, currentBuild().Version)
		return 0
	case wantHelp && name == "":
		fmt.Fprintln(stderr, usage(table))
		return 0
	}
	var cmd *command
	for i := range table {
		if table[i].name == name {
			cmd = &table[i]
		}
	}
	switch {
	case cmd == nil:
		fmt.Fprintln(stderr, usage(table))
		return exitUsage
	case wantHelp:
		fmt.Fprintln(stderr, cmd.help)
		return 0
	case len(topFlags) > 0:
		fmt.Fprint(stderr, "Invalid flags before the subcommand. If these flags are for\n"+
			"the subcommand, please put them after the subcommand.\n\n")
		fmt.Fprintln(stderr, cmd.help)
		return 1
	}
	return cmd.run(rest)
}

// usage renders the command list, sorted by name.
func usage(table []command) string {
	sorted := append([]command(nil), table...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	width := 0
	for _, c := range sorted {
		width = max(width, len(c.name))
	}
	var b strings.Builder
	b.WriteString("Usage: eoskeeper [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n")
	for _, c := range sorted {
		fmt.Fprintf(&b, "    %-*s    %s\n", width, c.name, c.synopsis)
	}
	return b.String()
}

// parseFlags parses a command's arguments into fs. On an error it prints "<command>: <error>"
// followed by the command's help, naming the offending flag, and returns false.
func parseFlags(ui UI, fs *flag.FlagSet, args []string, help string) bool {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		ui.Error(fmt.Sprintf("%s: %v\n\n%s", fs.Name(), err, help))
		return false
	}
	return true
}
