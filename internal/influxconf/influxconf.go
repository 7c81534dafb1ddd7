// Package influxconf writes the configuration of a throwaway InfluxDB 1.x server (Debian's
// influxd) for tests and drills: data under one directory, HTTP on one address, no reporting,
// no self-monitoring, no continuous queries.
package influxconf

import (
	"fmt"
	"path/filepath"
)

// Config returns an influxd configuration keeping its data under dir, serving HTTP on
// httpAddr and its backup RPC service on rpcAddr.
func Config(dir, httpAddr, rpcAddr string) string {
	return fmt.Sprintf(`reporting-disabled = true
bind-address = %q

[meta]
  dir = %q
  logging-enabled = false

[data]
  dir = %q
  wal-dir = %q
  query-log-enabled = false

[http]
  enabled = true
  bind-address = %q
  log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false

[subscriber]
  enabled = false
`, rpcAddr, filepath.Join(dir, "meta"), filepath.Join(dir, "data"), filepath.Join(dir, "wal"), httpAddr)
}
