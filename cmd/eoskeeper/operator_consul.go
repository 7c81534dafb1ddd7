package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/eoskeeper/eoskeeper/cmd/eoskeeper/internal/hclconf"
	"github.com/eoskeeper/eoskeeper/election"
)

// The operator commands need Consul only. They take its address, token and TLS settings
// from, in this order of precedence: their flags, Consul's own environment variables
// (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN_FILE, CONSUL_HTTP_TOKEN, CONSUL_CACERT, ...), and the
// consul block of a keeper.hcl given with -config, of which nothing else is read or
// evaluated: an operator needs neither the agents' notify or InfluxDB secrets nor their
// Consul token.

// operatorConsulHelp lists the options every operator command takes besides -config.
const operatorConsulHelp = `  -consul-addr=ADDR    the Consul HTTP API (default: $CONSUL_HTTP_ADDR, else the file's,
                       else 127.0.0.1:8500); the token comes from $CONSUL_HTTP_TOKEN_FILE
                       or $CONSUL_HTTP_TOKEN, else from the file
  -producer=NAME       the producer account (default: the file's)
  -key-prefix=PREFIX   the Consul KV prefix (default: the file's, else eoskeeper)`

// operatorCommonHelp ends the options of the commands that write: -config, the Consul
// options and -by.
const operatorCommonHelp = `  -config=PATH         any agent's keeper.hcl: only its producer and consul block are read
` + operatorConsulHelp + `
  -by=WHO              who acts, recorded with the change (default: $USER@host), with the
                       Consul token's accessor ID and description
`

// operatorFlags are the flags every operator command takes to reach Consul.
type operatorFlags struct {
	config, consulAddr, producer, keyPrefix string
}

// register adds the flags to fs.
func (f *operatorFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "")
	fs.StringVar(&f.consulAddr, "consul-addr", "", "")
	fs.StringVar(&f.producer, "producer", "", "")
	fs.StringVar(&f.keyPrefix, "key-prefix", "", "")
}

// operatorFile is the part of keeper.hcl the operator commands decode; Rest holds every
// other block and attribute, never evaluated.
type operatorFile struct {
	Producer string          `hcl:"producer,optional"`
	Consul   *operatorConsul `hcl:"consul,block"`
	Rest     hcl.Body        `hcl:",remain"`
}

// operatorConsul is the consul block as the operator commands read it. The token
// attributes are evaluated only when no token comes from the environment, so a file whose
// token reads a variable or file the operator lacks still works.
type operatorConsul struct {
	Address    string         `hcl:"address,optional"`
	Datacenter string         `hcl:"datacenter,optional"`
	KeyPrefix  string         `hcl:"key_prefix,optional"`
	Token      *hcl.Attribute `hcl:"token,optional"`
	TokenFile  *hcl.Attribute `hcl:"token_file,optional"`
	TLS        *TLSConfig     `hcl:"tls,block"`
	Rest       hcl.Body       `hcl:",remain"`
}

// operatorTarget is what an operator command connects to.
type operatorTarget struct {
	Producer  string
	KeyPrefix string
	API       *api.Config
	// InsecureTLS reports that certificate verification is off.
	InsecureTLS bool
}

// resolveOperatorTarget combines the flags, the environment (lookup) and the -config file.
func resolveOperatorTarget(f operatorFlags, lookup func(string) (string, bool)) (*operatorTarget, error) {
	file := &operatorFile{Consul: &operatorConsul{}}
	var evalCtx *hcl.EvalContext
	if f.config != "" {
		var err error
		if file, evalCtx, err = readOperatorFile(f.config, lookup); err != nil {
			return nil, err
		}
	}
	env := func(name string) string {
		v, _ := lookup(name)
		return v
	}
	c := file.Consul
	t := &operatorTarget{Producer: file.Producer, KeyPrefix: c.KeyPrefix}
	if f.producer != "" {
		t.Producer = f.producer
	}
	if f.keyPrefix != "" {
		t.KeyPrefix = f.keyPrefix
	}
	switch {
	case t.Producer == "":
		return nil, errors.New("name the producer with -producer or -config")
	case !producerRE.MatchString(t.Producer) || strings.HasSuffix(t.Producer, "."):
		return nil, fmt.Errorf("producer %q is not an account name: 1 to 12 of a-z, 1-5 and '.', not ending in '.'", t.Producer)
	}
	if t.KeyPrefix == "" {
		t.KeyPrefix = election.DefaultPrefix
	}

	cc := &api.Config{Address: first(f.consulAddr, env(api.HTTPAddrEnvName), c.Address, defaultConsulAddress), Datacenter: c.Datacenter}
	if env(api.HTTPTokenFileEnvName) == "" && env(api.HTTPTokenEnvName) == "" {
		var err error
		if cc.Token, err = evalString(c.Token, evalCtx); err != nil {
			return nil, err
		}
		if cc.TokenFile, err = evalString(c.TokenFile, evalCtx); err != nil {
			return nil, err
		}
	} else {
		cc.TokenFile = env(api.HTTPTokenFileEnvName)
		cc.Token = env(api.HTTPTokenEnvName)
	}
	tls := c.TLS
	if tls == nil {
		tls = &TLSConfig{}
	}
	cc.TLSConfig = api.TLSConfig{
		Address:  first(env(api.HTTPTLSServerName), tls.ServerName),
		CAFile:   first(env(api.HTTPCAFile), tls.CAFile),
		CAPath:   first(env(api.HTTPCAPath), tls.CAPath),
		CertFile: first(env(api.HTTPClientCert), tls.CertFile),
		KeyFile:  first(env(api.HTTPClientKey), tls.KeyFile),
	}
	cc.TLSConfig.InsecureSkipVerify = tls.InsecureSkipVerify
	if v := env(api.HTTPSSLVerifyEnvName); v != "" {
		verify, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", api.HTTPSSLVerifyEnvName, v, err)
		}
		cc.TLSConfig.InsecureSkipVerify = !verify
	}
	cc.Scheme = "http"
	if c.TLS != nil && !strings.Contains(cc.Address, "://") {
		cc.Scheme = "https"
	}
	if v := env(api.HTTPSSLEnvName); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", api.HTTPSSLEnvName, v, err)
		}
		cc.Scheme = map[bool]string{true: "https", false: "http"}[on]
	}
	t.API, t.InsecureTLS = cc, cc.TLSConfig.InsecureSkipVerify
	return t, nil
}

// readOperatorFile decodes the producer and the consul block of the keeper.hcl at path.
func readOperatorFile(path string, lookup func(string) (string, bool)) (*operatorFile, *hcl.EvalContext, error) {
	src, err := hclconf.ReadFile(path, hclconf.MaxConfigSize)
	if err != nil {
		return nil, nil, fmt.Errorf("read configuration: %w", err)
	}
	if diags := hclconf.CheckDepth(src, path, hclconf.MaxDepth); diags.HasErrors() {
		return nil, nil, diags
	}
	hf, diags := hclparse.NewParser().ParseHCL(src, path)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	evalCtx := hclconf.EvalContext(filepath.Dir(path), lookup)
	file := &operatorFile{}
	d := &hclconf.Decoder{Ctx: evalCtx}
	if diags := d.Decode(hf.Body, "", file); diags.HasErrors() {
		return nil, nil, diags
	}
	if file.Consul == nil {
		file.Consul = &operatorConsul{}
	}
	return file, evalCtx, nil
}

// evalString evaluates an optional string attribute; an absent one is "".
func evalString(a *hcl.Attribute, ctx *hcl.EvalContext) (string, error) {
	if a == nil {
		return "", nil
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return "", diags
	}
	v, err := convert.Convert(v, cty.String)
	if err != nil || v.IsNull() || !v.IsKnown() {
		return "", fmt.Errorf("%s: consul.%s must be a string", a.Expr.Range(), a.Name)
	}
	return v.AsString(), nil
}

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// operatorIdentity says who acts, for the maintenance flag and the switchover request: by
// when given, else $USER@host; followed by the accessor ID and description of the Consul
// token used, when Consul tells them (ACLs enabled).
func operatorIdentity(ctx context.Context, client *api.Client, by string) string {
	if by == "" {
		by = first(os.Getenv("USER"), os.Getenv("LOGNAME"), "unknown")
		if h, err := os.Hostname(); err == nil {
			by += "@" + h
		}
	}
	tok, _, err := client.ACL().TokenReadSelf((&api.QueryOptions{}).WithContext(ctx))
	if err != nil || tok == nil || tok.AccessorID == "" {
		return by
	}
	by += ", Consul token " + tok.AccessorID
	if tok.Description != "" {
		by += " (" + tok.Description + ")"
	}
	return by
}

// aclHint adds to an error Consul refused for want of permission what the operator's token
// needs (what examples/acl/operator.hcl grants).
func aclHint(err error, need string) error {
	var se api.StatusError
	if errors.As(err, &se) && se.Code == 403 {
		return fmt.Errorf("%w\nthe Consul token needs %s (see examples/acl/operator.hcl)", err, need)
	}
	return err
}
