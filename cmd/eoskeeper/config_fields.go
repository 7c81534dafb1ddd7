package main

import (
	"errors"
	"reflect"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/eoskeeper/eoskeeper/election"
	"github.com/eoskeeper/eoskeeper/keeper"
	"github.com/eoskeeper/eoskeeper/notify"
)

// This file turns the validation errors of the libraries into diagnostics at the keeper.hcl
// attribute each library field comes from. The libraries own their rules and messages; the
// tables below only say where a field is set and what it is called in the file.

// attr is where a library Config field is set in keeper.hcl.
type attr struct {
	// paths are the attributes an error about the field points at, the first present wins.
	paths []string
	// summary heads the diagnostic.
	summary string
}

// keeperFields maps keeper.Config fields to keeper.hcl.
var keeperFields = map[string]attr{
	"Producer":        {[]string{"producer"}, "Invalid producer name"},
	"Node":            {[]string{"node.name"}, "Invalid node name"},
	"Role":            {[]string{"node.role"}, "Invalid role"},
	"PriorityDelays":  {[]string{"failover.delay_slots", "failover.priority"}, "Invalid priority"},
	"PollInterval":    {[]string{"nodeos.poll_interval"}, "Invalid poll interval"},
	"CallTimeout":     {[]string{"nodeos.timeout"}, "Invalid timeout"},
	"MinPeers":        {[]string{"alerts.min_peers"}, "Invalid threshold"},
	"APIFailures":     {[]string{"alerts.api_failures"}, "Invalid threshold"},
	"MinProducers":    {[]string{"alerts.min_producers"}, "Invalid threshold"},
	"HeadStall":       {[]string{"alerts.head_stall"}, "Invalid duration"},
	"LIBStall":        {[]string{"alerts.lib_stall"}, "Invalid duration"},
	"ProducersWindow": {[]string{"alerts.producers_window"}, "Invalid duration"},
	"OnPromote":       {[]string{"hooks.on_promote", "hooks"}, "Invalid hook"},
	"OnDemote":        {[]string{"hooks.on_demote", "hooks"}, "Invalid hook"},
	"FenceCommand":    {[]string{"failover.fence_command"}, "Invalid fence_command"},
}

// electionFields maps election.Config fields to keeper.hcl. The renewal interval and the
// request timeout are not settings of their own: they follow session_ttl, and a conflict with
// them is one of lost_after.
var electionFields = map[string]attr{
	"Producer":       {[]string{"producer"}, "Invalid producer name"},
	"Node":           {[]string{"node.name"}, "Invalid node name"},
	"Prefix":         {[]string{"consul.key_prefix"}, "Invalid key prefix"},
	"SessionTTL":     {[]string{"consul.session_ttl"}, "Invalid session TTL"},
	"MinSessionTTL":  {[]string{"consul.session_ttl"}, "Invalid session TTL"},
	"LockDelay":      {[]string{"consul.lock_delay"}, "Invalid lock delay"},
	"LostAfter":      {[]string{"consul.lost_after", "consul.session_ttl", "consul.lock_delay"}, "Invalid lost_after"},
	"RenewInterval":  {[]string{"consul.lost_after", "consul.session_ttl"}, "Invalid lost_after"},
	"RequestTimeout": {[]string{"consul.lost_after", "consul.session_ttl"}, "Invalid lost_after"},
	// The client is built when the agent starts; CheckLibraries checks it.
	"Client": {},
}

// electionNames are the election's field names as keeper.hcl spells them, for its messages.
var electionNames = strings.NewReplacer(
	"MinSessionTTL", "Consul's session_ttl_min",
	"SessionTTL", "session_ttl",
	"LockDelay", "lock_delay",
	"LostAfter", "lost_after",
	"RenewInterval", "the session renewal interval session_ttl/3",
	"RequestTimeout", "the request timeout session_ttl/3",
	"Prefix", "key_prefix",
	"Producer", "producer",
	"Node", "node name",
)

// library reports the problems in a library's validation error err at the attributes its
// fields come from.
func (k *checker) library(err error, fields map[string]attr) {
	for _, fe := range fieldErrors(err) {
		a, ok := fields[fe.field]
		switch {
		case ok && a.paths == nil:
			continue
		case !ok:
			k.errAt(k.at("node"), "Invalid configuration", "%s.", fe.err)
			continue
		}
		msg := fe.err.Error()
		if isElectionErr(fe.err) {
			msg = electionNames.Replace(msg)
		}
		k.errAt(k.at(a.paths...), a.summary, "%s.", msg)
	}
}

// notifySettings reports the problems of a notify channel's settings at the attributes of
// its block at path: a field is named in the file by its hcl tag.
func (k *checker) notifySettings(err error, settings notify.ChannelSettings, path string) {
	typ := reflect.TypeOf(settings).Elem()
	for _, fe := range fieldErrors(err) {
		where := []string{path}
		if f, ok := typ.FieldByName(fe.field); ok {
			if name, _, _ := strings.Cut(f.Tag.Get("hcl"), ","); name != "" {
				where = []string{path + "." + name, path}
			}
		}
		k.errAt(k.at(where...), "Invalid notify setting", "%s.", fe.err)
	}
}

// fieldError is one problem a library's Validate found, with the field it names ("" for a
// problem that names none).
type fieldError struct {
	field string
	err   error
}

// fieldErrors flattens a validation error into its problems. The libraries join their
// FieldErrors under a sentinel (election.ErrInvalidConfig, notify.ErrConfig), which is not a
// problem of its own.
func fieldErrors(err error) []fieldError {
	switch e := err.(type) {
	case nil:
		return nil
	case *election.FieldError:
		return []fieldError{{e.Field, e}}
	case *keeper.FieldError:
		return []fieldError{{e.Field, e}}
	case *notify.FieldError:
		return []fieldError{{e.Field, e}}
	case interface{ Unwrap() []error }:
		var out []fieldError
		for _, c := range e.Unwrap() {
			if c == election.ErrInvalidConfig || c == notify.ErrConfig {
				continue
			}
			out = append(out, fieldErrors(c)...)
		}
		return out
	case interface{ Unwrap() error }:
		return fieldErrors(e.Unwrap())
	}
	return []fieldError{{"", err}}
}

// isElectionErr reports whether err comes from election.Config.Validate, whose messages use
// the Go field names.
func isElectionErr(err error) bool {
	var fe *election.FieldError
	return errors.As(err, &fe)
}

var spaces = regexp.MustCompile(`\s+`)

// dedupeSame drops a diagnostic that repeats an earlier one at the same position with the same
// text (keeper and election both require the producer and the node name, say).
func dedupeSame(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		rng    hcl.Range
		detail string
	}
	seen := make(map[key]bool)
	out := diags[:0:0]
	for _, d := range diags {
		if d.Subject != nil {
			k := key{*d.Subject, strings.ToLower(spaces.ReplaceAllString(d.Detail, " "))}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, d)
	}
	return out
}
