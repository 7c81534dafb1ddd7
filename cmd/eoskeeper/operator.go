package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/buildinfo"
	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
)

// operator is what the operator commands share: the producer and key prefix, a Consul
// client and the producer's election. cfg holds only what the operator commands read: the
// producer and the consul block's address and key prefix.
type operator struct {
	cfg    *Config
	consul *api.Client
	el     *election.Election
	// by names who acts, from -by or $USER@host, with the Consul token's accessor.
	by string
}

// operatorNode names the operator in the election's configuration; it never holds a session.
const operatorNode = "operator"

// openOperator parses the Consul flags (plus the command's own flags) and connects to
// Consul. It reads the producer and the consul block of -config only, so an operator needs
// neither the agents' other secrets nor their token (see operator_consul.go).
func openOperator(ui UI, name string, args []string, help string, flags func(*flag.FlagSet)) (*operator, bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var of operatorFlags
	of.register(fs)
	by := fs.String("by", "", "")
	if flags != nil {
		flags(fs)
	}
	if !parseFlags(ui, fs, args, help) {
		return nil, false
	}
	if fs.NArg() > 0 {
		ui.Error(fmt.Sprintf("%s: unexpected argument %q\n\n%s", name, fs.Arg(0), help))
		return nil, false
	}
	if of.config == "" && of.producer == "" {
		ui.Error(fmt.Sprintf("%s: -config is required, or -producer with Consul's flags or environment\n\n%s", name, help))
		return nil, false
	}
	t, err := resolveOperatorTarget(of, os.LookupEnv)
	if err != nil {
		ui.Error(fmt.Sprintf("%s: %v", name, err))
		return nil, false
	}
	if t.InsecureTLS {
		ui.Warn(name + ": warning: TLS certificate verification is off (insecure_skip_verify or CONSUL_HTTP_SSL_VERIFY=false)")
	}
	client, err := api.NewClient(t.API)
	if err != nil {
		ui.Error(fmt.Sprintf("%s: consul client: %v", name, err))
		return nil, false
	}
	cfg := &Config{Producer: t.Producer, Node: NodeConfig{Name: operatorNode},
		Consul: &ConsulConfig{Address: t.API.Address, Datacenter: t.API.Datacenter, KeyPrefix: t.KeyPrefix}}
	el, err := election.New(election.Config{Client: client, Producer: cfg.Producer, Prefix: cfg.Consul.KeyPrefix, Node: operatorNode})
	if err != nil {
		ui.Error(fmt.Sprintf("%s: %v", name, err))
		return nil, false
	}
	return &operator{cfg: cfg, consul: client, el: el, by: *by}, true
}

// actor says who acts, for the records operators write.
func (o *operator) actor(ctx context.Context) string {
	return operatorIdentity(ctx, o.consul, o.by)
}

// producerPrefix is the KV prefix of the producer's keys, with a trailing slash.
func (o *operator) producerPrefix() string {
	return o.cfg.Consul.KeyPrefix + "/" + o.cfg.Producer + "/"
}

// statuses reads the statuses the agents publish, with their versions, by node name.
func (o *operator) statuses(ctx context.Context) (map[string]buildinfo.Stamped, error) {
	prefix := statusPrefix(o.cfg)
	pairs, meta, err := o.consul.KV().List(prefix, (&api.QueryOptions{}).WithContext(ctx))
	if err != nil {
		return nil, aclHint(fmt.Errorf("read agent statuses %s: %w", prefix, err), "key read on "+o.producerPrefix())
	}
	if meta != nil && meta.ResultsFilteredByACLs {
		return nil, fmt.Errorf("read agent statuses %s: the Consul token may not read some of them; it needs key read on %s (see examples/acl/operator.hcl)", prefix, o.producerPrefix())
	}
	out := make(map[string]buildinfo.Stamped, len(pairs))
	for _, p := range pairs {
		var s buildinfo.Stamped
		if err := json.Unmarshal(p.Value, &s); err != nil {
			return nil, fmt.Errorf("agent status %s: %w", p.Key, err)
		}
		out[s.Node] = s
	}
	return out, nil
}

func opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// PauseCommand sets maintenance mode: agents take no automatic action.
type PauseCommand struct{ UI UI }

// Help describes the command.
func (c *PauseCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper pause -config keeper.hcl -reason TEXT [-by WHO]

  Sets maintenance mode for the producer: no agent fails over, contends or resigns on its
  own; the holder keeps producing and every agent keeps reporting. A holder that loses the
  lock still pauses its nodeos. Use it before restarting agents or nodeos by hand.

  The Consul token needs key write on <key_prefix>/<producer>/maintenance
  (examples/acl/operator.hcl).

Options:

  -reason=TEXT         why, for the other operators (required)
` + operatorCommonHelp)
}

// Synopsis is the one-line description.
func (c *PauseCommand) Synopsis() string { return "Set maintenance mode (no automatic failover)" }

// Run runs the command.
func (c *PauseCommand) Run(args []string) int {
	return setMaintenance(c.UI, "pause", args, c.Help(), true)
}

// ResumeCommand clears maintenance mode.
type ResumeCommand struct{ UI UI }

// Help describes the command.
func (c *ResumeCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper resume -config keeper.hcl [-by WHO]

  Clears maintenance mode: agents act on their own again.

  The Consul token needs key write on <key_prefix>/<producer>/maintenance
  (examples/acl/operator.hcl).

Options:

` + operatorCommonHelp)
}

// Synopsis is the one-line description.
func (c *ResumeCommand) Synopsis() string { return "Clear maintenance mode" }

// Run runs the command.
func (c *ResumeCommand) Run(args []string) int {
	return setMaintenance(c.UI, "resume", args, c.Help(), false)
}

func setMaintenance(ui UI, name string, args []string, help string, on bool) int {
	var reason string
	o, ok := openOperator(ui, name, args, help, func(fs *flag.FlagSet) { fs.StringVar(&reason, "reason", "", "") })
	if !ok {
		return 1
	}
	if on && reason == "" {
		ui.Error(name + ": -reason is required, so other operators know why")
		return 1
	}
	ctx, cancel := opContext()
	defer cancel()
	if err := o.el.SetMaintenance(ctx, on, reason, o.actor(ctx)); err != nil {
		ui.Error(name + ": " + aclHint(err, "key write on "+o.el.MaintenanceKey()).Error())
		return 1
	}
	ui.Output(fmt.Sprintf("maintenance mode %s for %s", map[bool]string{true: "on", false: "off"}[on], o.cfg.Producer))
	return 0
}

// SwitchoverCommand moves production to another node between our producer's turns.
type SwitchoverCommand struct{ UI UI }

// Help describes the command.
func (c *SwitchoverCommand) Help() string {
	return strings.TrimSpace(`
Usage: eoskeeper switchover -config keeper.hcl -to NODE [-timeout 3m] [-by WHO]

  Asks the lock holder to hand production to NODE: between our producer's turns the holder
  pauses its nodeos, confirms it, records the hand-off with the watermark and releases; NODE
  acquires and resumes at once. Waits until NODE holds the lock and reports our producer's
  missed turns (expected: 0).

  The Consul token needs key write on <key_prefix>/<producer>/switchover and key read on
  the rest of <key_prefix>/<producer>/ (examples/acl/operator.hcl).

Options:

  -to=NODE             the node to hand production to (required)
  -timeout=3m          how long to wait for NODE to produce
` + operatorCommonHelp)
}

// Synopsis is the one-line description.
func (c *SwitchoverCommand) Synopsis() string { return "Hand production to another node (planned)" }

// Run runs the command.
func (c *SwitchoverCommand) Run(args []string) int {
	var to string
	var timeout time.Duration
	o, ok := openOperator(c.UI, "switchover", args, c.Help(), func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "")
		fs.DurationVar(&timeout, "timeout", 3*time.Minute, "")
	})
	if !ok {
		return 1
	}
	if err := o.switchover(c.UI, to, timeout); err != nil {
		c.UI.Error("switchover: " + err.Error())
		return 1
	}
	return 0
}

func (o *operator) switchover(ui UI, to string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if to == "" {
		return errors.New("-to NODE is required")
	}
	statuses, err := o.statuses(ctx)
	if err != nil {
		return err
	}
	target, ok := statuses[to]
	switch {
	case !ok:
		return fmt.Errorf("no agent %q has published a status for %s", to, o.cfg.Producer)
	case !target.Role.Producer():
		return fmt.Errorf("%s has role %s and never produces", to, target.Role)
	case target.State != keeper.Standby || !target.Healthy || !target.Paused:
		return fmt.Errorf("%s is not a healthy paused standby (state %s, healthy %t %v, paused %t, as published %s ago)", to,
			target.State, target.Healthy, target.HealthProblems, target.Paused, time.Since(target.Time).Round(time.Second))
	}
	rec, held, err := o.el.Leader(ctx)
	if err != nil {
		return aclHint(err, "key read on "+o.producerPrefix())
	}
	if !held {
		return errors.New("nobody holds the lock; nothing to switch over")
	}
	if rec.Node == to {
		return fmt.Errorf("%s already holds the lock", to)
	}
	if err := o.el.RequestHandoff(ctx, to, o.actor(ctx)); err != nil {
		return aclHint(err, "key write on "+o.el.HandoffRequestKey())
	}
	defer func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer dcancel()
		if err := o.el.CancelHandoffRequest(dctx); err != nil {
			ui.Warn("could not remove the switchover request (agents ignore it after 10 minutes): " + err.Error())
		}
	}()
	ui.Output(fmt.Sprintf("asked %s to hand production to %s between our turns ...", rec.Node, to))
	for {
		now, held, err := o.el.Leader(ctx)
		if err == nil && held && now.Node == to {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not take over within %s", to, timeout)
		case <-time.After(200 * time.Millisecond):
		}
	}
	ui.Output(fmt.Sprintf("%s holds the lock; waiting for its first block ...", to))
	for {
		statuses, err := o.statuses(ctx)
		if err == nil {
			if s := statuses[to]; s.State == keeper.Leader && s.Producing {
				ui.Output(fmt.Sprintf("switchover done: %s produces; our producer's missed turns: %d", to, s.MissedTurns))
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s holds the lock but was not seen producing within %s", to, timeout)
		case <-time.After(time.Second):
		}
	}
}
