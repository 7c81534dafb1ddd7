package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/notify"
)

// NotifyBlock is one `notify "<kind>" "<name>" { ... }` block before its body is decoded by
// kind. The settings every kind shares are decoded here.
type NotifyBlock struct {
	Kind      string    `hcl:"kind,label"`
	KindRange hcl.Range `hcl:"kind,label_range"`
	Name      string    `hcl:"name,label"`
	NameRange hcl.Range `hcl:"name,label_range"`

	MinSeverity string        `hcl:"min_severity,optional"`
	After       time.Duration `hcl:"after,optional"`
	Digest      *bool         `hcl:"digest,optional"`

	Body hcl.Body `hcl:",remain"`
}

// NotifyChannel is one alert channel after decoding: the shared routing settings and the
// kind's own settings, the config struct the notify package registered for the kind.
type NotifyChannel struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// MinSeverity is "info", "warning" or "critical": the lowest severity sent here.
	MinSeverity string `json:"min_severity"`
	// After delays the first notice until an alert has been firing this long.
	After time.Duration `json:"after"`
	// Digest says whether this channel receives the daily status digest.
	Digest bool `json:"digest"`
	// Settings are the kind's settings, e.g. a *notify.WebhookConfig for kind "webhook".
	Settings notify.ChannelSettings `json:"settings"`

	// Path locates the block in Config.Ranges, e.g. "notify[0]".
	Path string `json:"-"`
}

// decodeNotify decodes each notify block's body into the settings its kind registered.
func (c *Config) decodeNotify(d *hclconf.Decoder) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := make(map[string]hcl.Range)
	for i, b := range c.NotifyBlocks {
		path := fmt.Sprintf("notify[%d]", i)
		if prev, dup := seen[b.Name]; dup {
			diags = append(diags, hclconf.Error(b.NameRange, "Duplicate notify name",
				fmt.Sprintf("A notify channel named %q is already defined at %s.", b.Name, prev)))
			continue
		}
		seen[b.Name] = b.NameRange
		settings, ok := notify.NewSettings(b.Kind)
		if !ok {
			diags = append(diags, hclconf.Error(b.KindRange, "Unsupported notify kind",
				fmt.Sprintf("Notify kind %q is not known: use one of %s.", b.Kind, strings.Join(notify.Kinds(), ", "))))
			continue
		}
		diags = append(diags, d.Decode(b.Body, path, settings)...)
		c.Notify = append(c.Notify, &NotifyChannel{
			Kind: b.Kind, Name: b.Name, MinSeverity: b.MinSeverity, After: b.After,
			Digest: b.Digest == nil || *b.Digest, Settings: settings, Path: path,
		})
	}
	return diags
}

// finishNotify checks the shared settings of each channel and lets its kind fill its defaults
// and check its own settings.
func (c *Config) finishNotify(k *checker) {
	for _, ch := range c.Notify {
		if ch.After > notify.MaxAfter {
			k.errAt(k.at(ch.Path+".after", ch.Path), "Invalid duration", "after must be at most %s, got %s.", hclconf.FormatDuration(notify.MaxAfter), hclconf.FormatDuration(ch.After))
		}
		switch s := strings.ToLower(ch.MinSeverity); s {
		case "":
			ch.MinSeverity = notify.Info.String()
		case notify.Info.String(), notify.Warning.String(), notify.Critical.String():
			ch.MinSeverity = s
		default:
			k.errAt(k.at(ch.Path+".min_severity"), "Invalid severity", "min_severity %q: use \"info\", \"warning\" or \"critical\".", ch.MinSeverity)
		}
		ch.Settings.SetDefaults()
		k.notifySettings(ch.Settings.Validate(), ch.Settings, ch.Path)
	}
}
