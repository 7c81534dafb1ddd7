package consultest

import "fmt"

// Option adjusts an agent started by Start, StartCluster or Cluster.AddClient.
type Option func(*options)

type options struct {
	nodeName string
	hcl      []string
	logLevel string
	token    string
}

// WithNodeName sets the agent's node name.
func WithNodeName(name string) Option {
	return func(o *options) { o.nodeName = name }
}

// WithHCL adds a fragment of agent configuration, passed as one -hcl flag
// after the package's own fragments, so it can override them.
func WithHCL(hcl string) Option {
	return func(o *options) { o.hcl = append(o.hcl, hcl) }
}

// WithACL enables Consul's ACL system with default_policy "deny" and
// managementToken (a UUID) as the initial management token, also used as the
// agent's own token. Server.Client then sends managementToken; clients for
// other tokens come from NewClientWithToken. Every agent of a cluster needs
// the same option.
func WithACL(managementToken string) Option {
	return func(o *options) {
		o.token = managementToken
		o.hcl = append(o.hcl, fmt.Sprintf(`acl {
  enabled                  = true
  default_policy           = "deny"
  enable_token_persistence = false
  tokens {
    initial_management = %q
    agent              = %q
  }
}`, managementToken, managementToken))
	}
}

// WithLogLevel sets the agent's log level (default "info").
func WithLogLevel(level string) Option {
	return func(o *options) { o.logLevel = level }
}

// baseHCL is passed to every agent: short session TTLs for tests and no
// network calls home.
var baseHCL = []string{
	`session_ttl_min = "1s"`,
	`disable_update_check = true`,
}

func buildOptions(defaultName string, opts []Option) options {
	o := options{nodeName: defaultName, logLevel: "info"}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
