package main

import (
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Defaults for keeper.hcl (docs/safety.md §4).
const (
	DefaultNodeosURL          = "http://127.0.0.1:8888"
	DefaultP2PPort            = 9876
	DefaultNodeosTimeout      = 2 * time.Second
	DefaultPollInterval       = time.Second
	DefaultConsulAddress      = "127.0.0.1:8500"
	DefaultKeyPrefix          = "eoskeeper"
	DefaultSessionTTL         = 15 * time.Second
	DefaultLockDelay          = 15 * time.Second
	DefaultMinPeers           = 5
	DefaultAPIFailures        = 5
	DefaultHeadStall          = 10 * time.Second
	DefaultLIBStall           = 20 * time.Second
	DefaultMinProducers       = 5
	DefaultProducersWindow    = 60 * time.Second
	DefaultRepeat             = 30 * time.Minute
	DefaultLang               = "zh"
	DefaultLogLevel           = "info"
	DefaultHTTPListen         = "127.0.0.1:9273"
	DefaultInfluxBatch        = 100
	DefaultInfluxBuffer       = 10000
	DefaultInfluxFlush        = 10 * time.Second
	DefaultInfluxTimeout      = 5 * time.Second
	minSessionTTL             = 10 * time.Second // Consul's lower bound
	maxSessionTTL             = 24 * time.Hour   // Consul's upper bound
	maxLockDelay              = 60 * time.Second // Consul's upper bound
	minPollInterval           = 100 * time.Millisecond
	maxInfluxPointsPerRequest = 5000
	defaultCommandTimeout     = 30 * time.Second
)

// DefaultLostAfter is the default fence deadline for a session TTL: two thirds of it, so a
// holder that stops renewing pauses well before Consul could let anyone else take the lock.
func DefaultLostAfter(ttl time.Duration) time.Duration { return ttl * 2 / 3 }

// DefaultPriority returns the missed turns each producing role waits for before contending:
// A 1, B 2, C 6.
func DefaultPriority() map[string]int {
	return map[string]int{string(keeper.RoleA): 1, string(keeper.RoleB): 2, string(keeper.RoleC): 6}
}

// DefaultDigest returns the seed's digest times for a role: three a day on producing hosts,
// two on full nodes.
func DefaultDigest(r keeper.Role) []string {
	if r == keeper.RoleF {
		return []string{"07:00", "19:00"}
	}
	return []string{"07:00", "13:00", "19:00"}
}
