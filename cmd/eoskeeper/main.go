// Command eoskeeper keeps an EOS/Antelope block producer producing through failures without
// ever producing twice. One agent runs next to each nodeos (roles A, B, C produce; F is
// watched only); the agents share a Consul lock, and only the holder's nodeos is resumed.
//
// Usage:
//
//	eoskeeper agent -config keeper.hcl      run the agent
//	eoskeeper validate -config keeper.hcl   check a configuration and print it with defaults
//	eoskeeper status -config keeper.hcl     show the agents (-watch redraws)
//	eoskeeper history -config keeper.hcl    show the changes of the lock holder
//	eoskeeper completion bash|zsh           print a shell completion script
//	eoskeeper version                       print the version
//
// Run `eoskeeper -help` for every command.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args (without the program name) and returns the exit code.
// Results go to stdout; errors, help and the version to stderr.
func run(args []string, stdout, stderr io.Writer) int {
	return dispatch(commandTable(streamUI{out: stdout, err: stderr}), args, stderr)
}

// commandTable lists every command. Each lives in its own file as an XCommand with Synopsis,
// Help and Run.
func commandTable(ui UI) []command {
	return []command{
		entry("agent", &AgentCommand{UI: ui}),
		entry("completion", &CompletionCommand{UI: ui, table: func() []command { return commandTable(ui) }}),
		entry("demo", &DemoCommand{UI: ui}),
		entry("history", &HistoryCommand{UI: ui}),
		entry("pause", &PauseCommand{UI: ui}),
		entry("resume", &ResumeCommand{UI: ui}),
		entry("status", &StatusCommand{UI: ui}),
		entry("switchover", &SwitchoverCommand{UI: ui}),
		entry("validate", &ValidateCommand{UI: ui}),
		entry("version", &VersionCommand{UI: ui}),
	}
}
