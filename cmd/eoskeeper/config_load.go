package main

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
)

// LoadConfig reads, decodes and checks the configuration file at path. The diagnostics
// carry file:line,col positions; they may hold warnings even when the load succeeded, so
// test them with HasErrors. The config is nil when there are errors. `eoskeeper validate`
// and `eoskeeper agent` both load through here.
func LoadConfig(path string) (*Config, hcl.Diagnostics) {
	src, err := hclconf.ReadFile(path, hclconf.MaxConfigSize)
	if err != nil {
		return nil, hcl.Diagnostics{hclconf.FileError(path, "Cannot read configuration", err.Error()+".")}
	}
	return ParseConfig(path, src, filepath.Dir(path), nil)
}

// loadChecked is LoadConfig followed by CheckLibraries: the configuration `eoskeeper validate`,
// the agent's start and a SIGHUP reload accept. The config is nil when the diagnostics hold an
// error or the libraries' checks fail (err).
func loadChecked(path string) (*Config, hcl.Diagnostics, error) {
	cfg, diags := LoadConfig(path)
	if diags.HasErrors() {
		return nil, diags, nil
	}
	if err := cfg.CheckLibraries(); err != nil {
		return nil, diags, err
	}
	return cfg, diags, nil
}

// ParseConfig decodes src, named filename in diagnostics. baseDir resolves relative paths
// given to file(); lookup reads environment variables for env() (nil means os.LookupEnv).
func ParseConfig(filename string, src []byte, baseDir string, lookup func(string) (string, bool)) (*Config, hcl.Diagnostics) {
	return parseConfig(filename, src, baseDir, lookup, true)
}

// parseConfig is ParseConfig; without construct it skips the constructors' checks (tests
// use it to hand the agent a configuration the load path would refuse).
func parseConfig(filename string, src []byte, baseDir string, lookup func(string) (string, bool), construct bool) (*Config, hcl.Diagnostics) {
	if len(src) > hclconf.MaxConfigSize {
		return nil, hcl.Diagnostics{hclconf.FileError(filename, "Configuration too large",
			fmt.Sprintf("%s is larger than %d bytes.", filename, hclconf.MaxConfigSize))}
	}
	// The parser recurses once per nesting level: refuse a file nested past any real need
	// before it is parsed.
	if diags := hclconf.CheckDepth(src, filename, hclconf.MaxDepth); diags.HasErrors() {
		return nil, diags
	}
	file, diags := hclparse.NewParser().ParseHCL(src, filename)
	if diags.HasErrors() {
		return nil, diags
	}
	d := &hclconf.Decoder{Ctx: hclconf.EvalContext(baseDir, lookup), Ranges: hclconf.Ranges{}}
	cfg := &Config{Path: filename, Ranges: d.Ranges}
	diags = append(diags, d.Decode(file.Body, "", cfg)...)
	if diags.HasErrors() {
		return nil, dedupe(diags)
	}
	diags = append(diags, cfg.decodeOutputs(d)...)
	diags = append(diags, cfg.decodeNotify(d)...)
	if diags.HasErrors() {
		return nil, dedupe(diags)
	}
	diags = append(diags, cfg.finish(construct)...)
	if diags.HasErrors() {
		return nil, diags
	}
	return cfg, diags
}

// decodeOutputs decodes each output block's body by its kind.
func (c *Config) decodeOutputs(d *hclconf.Decoder) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for i, b := range c.OutputBlocks {
		path := fmt.Sprintf("output[%d]", i)
		switch b.Kind {
		case "influxdb":
			o := &InfluxDBOutput{Path: path}
			diags = append(diags, d.Decode(b.Body, path, o)...)
			c.InfluxDB = append(c.InfluxDB, o)
		case "http", "prometheus":
			if c.HTTP != nil {
				diags = append(diags, hclconf.Error(b.DefRange, "Duplicate output block",
					fmt.Sprintf("Only one http output is allowed (the first is at %s); \"prometheus\" is another name for it.", c.Ranges[c.HTTP.Path])))
				continue
			}
			o := &HTTPOutput{Path: path}
			diags = append(diags, d.Decode(b.Body, path, o)...)
			c.HTTP = o
		default:
			diags = append(diags, hclconf.Error(b.KindRange, "Unsupported output kind",
				fmt.Sprintf("Output kind %q is not known: use \"influxdb\" or \"http\" (alias \"prometheus\").", b.Kind)))
		}
	}
	if c.HTTP == nil {
		c.HTTP = &HTTPOutput{}
	}
	return diags
}

// dedupe keeps the first error per source range: a failed env() or file() call is reported
// once, not again as the unusable value it produced.
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	seen := make(map[hcl.Range]bool)
	out := diags[:0:0]
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Subject != nil {
			if seen[*d.Subject] {
				continue
			}
			seen[*d.Subject] = true
		}
		out = append(out, d)
	}
	return out
}
