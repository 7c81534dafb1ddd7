// Command eoskeeper keeps an EOS/Antelope block producer producing through failures without
// ever producing twice. One agent runs next to each nodeos (roles A, B, C produce; F is
// watched only); the agents share a Consul lock, and only the holder's nodeos is resumed.
//
// Usage:
//
//	eoskeeper agent -config keeper.hcl      run the agent
//	eoskeeper validate -config keeper.hcl   check a configuration and print it with defaults
//	eoskeeper version                       print the version
//
// Run `eoskeeper -help` for every command.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/cli"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line args (without the program name) and returns the exit code.
func run(args []string) int {
	ui := &cli.BasicUi{Reader: os.Stdin, Writer: os.Stdout, ErrorWriter: os.Stderr}
	c := cli.NewCLI("eoskeeper", Version)
	c.Args = args
	c.Commands = commands(ui)
	c.HelpWriter = os.Stderr
	code, err := c.Run()
	if err != nil {
		fmt.Fprintf(os.Stderr, "eoskeeper: %v\n", err)
		return 1
	}
	return code
}
