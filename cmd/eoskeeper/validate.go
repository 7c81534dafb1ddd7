package main

import (
	"context"
	"flag"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/internal/redact"
	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/notify"
)

// ValidateCommand checks a configuration file through exactly the agent's load path and
// prints the effective configuration, defaults filled and secrets redacted.
type ValidateCommand struct {
	UI UI
}

// Help returns the command's usage text.
func (c *ValidateCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper validate [-config keeper.hcl] [-check-nodeos]

  Loads the configuration the way "eoskeeper agent" does, builds the keeper, election,
  InfluxDB and notify settings from it without connecting anywhere, and prints the effective
  configuration as JSON, with every default filled in and every secret shown as
  "<redacted>". Errors are printed with their file:line,column and the command exits 1.
  Warnings are printed but do not fail validation.

Options:

  -config=<path>   The configuration file. Default: keeper.hcl.
  -check-nodeos    Also ask the configured nodeos what the agent checks at start: that it
                   answers, serves every endpoint the keeper calls (get_supported_apis) and
                   keeps the blocks of the keeper's backfill window. A nodeos that does not
                   answer fails the check here (the agent would wait for it).
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
	checkNode := fs.Bool("check-nodeos", false, "also check the configured nodeos")
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
	if *checkNode {
		if err := checkNodeosNow(context.Background(), cfg, c.UI); err != nil {
			c.UI.Error("Error: " + err.Error())
			return 1
		}
	}
	return 0
}

// checkNodeosNow runs the agent's start check against the configured nodeos, strictly: a
// nodeos that does not answer is an error here. Warnings go to ui.
func checkNodeosNow(ctx context.Context, cfg *Config, ui UI) error {
	nc, err := nodeos.NewClient(nodeos.Config{URL: cfg.Nodeos.URL, Timeout: cfg.Nodeos.Timeout})
	if err != nil {
		return err
	}
	ictx, cancel := context.WithTimeout(ctx, 3*nc.Timeout())
	defer cancel()
	if _, err := nc.GetInfo(ictx); err != nil {
		return fmt.Errorf("nodeos at %s does not answer: %w", nc.URL(), err)
	}
	log := hclog.New(&hclog.LoggerOptions{Output: uiWriter{ui}, Level: hclog.Warn, DisableTime: true})
	if err := checkNodeos(ctx, nc, cfg.Node.Role.Producer(), cfg.KeeperConfig(nil).MaxBackfill, log); err != nil {
		return err
	}
	ui.Output(fmt.Sprintf("nodeos at %s serves what the agent needs", nc.URL()))
	return nil
}

// uiWriter writes log lines to a UI's error stream.
type uiWriter struct{ ui UI }

func (w uiWriter) Write(p []byte) (int, error) {
	w.ui.Error(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// effectiveJSON renders the configuration as indented JSON: durations in their canonical
// spelling, secrets as "<redacted>".
func effectiveJSON(cfg *Config) (string, error) {
	b, err := hclconf.MarshalIndent(printable(cfg))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// printable returns a copy of cfg to print: the URLs and addresses that may carry user
// information or a token in their query are redacted (redact.URL), and so are the URL
// settings of the notify channels that are not secrets already.
func printable(cfg *Config) *Config {
	c := *cfg
	n := *c.Nodeos
	n.URL = redact.URL(n.URL)
	c.Nodeos = &n
	s := *c.Consul
	s.Address = redact.URL(s.Address)
	c.Consul = &s
	c.InfluxDB = nil
	for _, o := range cfg.InfluxDB {
		o2 := *o
		o2.URL = redact.URL(o2.URL)
		c.InfluxDB = append(c.InfluxDB, &o2)
	}
	c.Notify = nil
	for _, ch := range cfg.Notify {
		ch2 := *ch
		ch2.Settings = redactURLSettings(ch.Settings)
		c.Notify = append(c.Notify, &ch2)
	}
	return &c
}

// redactURLSettings returns a copy of a notify channel's settings whose plain string URL
// settings (an hcl name ending in "url", or "endpoint") are redacted.
func redactURLSettings(settings notify.ChannelSettings) notify.ChannelSettings {
	v := reflect.ValueOf(settings)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return settings
	}
	cp := reflect.New(v.Elem().Type())
	cp.Elem().Set(v.Elem())
	st := cp.Elem()
	for i := range st.NumField() {
		f := st.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("hcl"), ",")
		if f.Type.Kind() == reflect.String && f.Type != reflect.TypeOf(notify.Secret("")) &&
			(strings.HasSuffix(name, "url") || name == "endpoint") {
			st.Field(i).SetString(redact.URL(st.Field(i).String()))
		}
	}
	s, ok := cp.Interface().(notify.ChannelSettings)
	if !ok {
		return settings
	}
	return s
}

// formatDiagnostic renders one diagnostic on one line, as `keeper.hcl:12,3-20: Summary;
// Detail`, prefixed with "Warning: " for warnings.
func formatDiagnostic(d *hcl.Diagnostic) string {
	text := d.Error()
	if d.Subject == nil {
		// hcl prints a missing position as "<nil>".
		text = d.Summary + "; " + d.Detail
	}
	if d.Severity == hcl.DiagWarning {
		return "Warning: " + text
	}
	return "Error: " + text
}
