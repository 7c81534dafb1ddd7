package main

import "github.com/hashicorp/cli"

// commands returns the command map. Each command lives in its own file as a *XCommand with
// Help, Synopsis and Run; add its factory here.
func commands(ui cli.Ui) map[string]cli.CommandFactory {
	return map[string]cli.CommandFactory{
		"validate":   func() (cli.Command, error) { return &ValidateCommand{UI: ui}, nil },
		"version":    func() (cli.Command, error) { return &VersionCommand{UI: ui}, nil },
		"demo":       func() (cli.Command, error) { return &DemoCommand{UI: ui}, nil },
		"agent":      func() (cli.Command, error) { return &AgentCommand{UI: ui}, nil },
		"status":     func() (cli.Command, error) { return &StatusCommand{UI: ui}, nil },
		"pause":      func() (cli.Command, error) { return &PauseCommand{UI: ui}, nil },
		"resume":     func() (cli.Command, error) { return &ResumeCommand{UI: ui}, nil },
		"switchover": func() (cli.Command, error) { return &SwitchoverCommand{UI: ui}, nil },
	}
}
