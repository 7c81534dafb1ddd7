package main

import (
	"flag"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
)

// ValidateCommand checks a configuration file through exactly the agent's load path and
// prints the effective configuration, defaults filled and secrets redacted.
type ValidateCommand struct {
	UI UI
}

// Help returns the command's usage text.
func (c *ValidateCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper validate [-config keeper.hcl]

  Loads the configuration the way "eoskeeper agent" does, builds the keeper, election,
  InfluxDB and notify settings from it without connecting anywhere, and prints the effective
  configuration as JSON, with every default filled in and every secret shown as
  "<redacted>". Errors are printed with their file:line,column and the command exits 1.
  Warnings are printed but do not fail validation.

Options:

  -config=<path>   The configuration file. Default: keeper.hcl.
`)
}

// Synopsis returns the one-line summary.
func (c *ValidateCommand) Synopsis() string {
	return "Check a configuration file and print it with defaults"
}

// Run validates the configuration and returns 0 when it is valid, 1 otherwise.
func (c *ValidateCommand) Run(args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	path := fs.String("config", "keeper.hcl", "configuration file")
	if !parseFlags(c.UI, fs, args, c.Help()) {
		return 1
	}
	if fs.NArg() != 0 {
		c.UI.Error("validate takes no arguments besides -config")
		return 1
	}
	cfg, ok := loadForCommand(c.UI, *path)
	if !ok {
		return 1
	}
	out, err := effectiveJSON(cfg)
	if err != nil {
		c.UI.Error("cannot print the configuration: " + err.Error())
		return 1
	}
	c.UI.Output(out)
	return 0
}

// effectiveJSON renders the configuration as indented JSON: durations in their canonical
// spelling, secrets as "<redacted>".
func effectiveJSON(cfg *Config) (string, error) {
	b, err := hclconf.MarshalIndent(cfg)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// formatDiagnostic renders one diagnostic on one line, as `keeper.hcl:12,3-20: Summary;
// Detail`, prefixed with "Warning: " for warnings.
func formatDiagnostic(d *hcl.Diagnostic) string {
	if d.Severity == hcl.DiagWarning {
		return "Warning: " + d.Error()
	}
	return "Error: " + d.Error()
}
