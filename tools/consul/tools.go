//go:build tools

// Package consul pins the Consul server release that the integration tests run.
package consul

import _ "github.com/hashicorp/consul"
