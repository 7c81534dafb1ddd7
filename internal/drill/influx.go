package drill

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/eoskeeper/eoskeeper/internal/influxconf"
)

// influxDatabase is the database the agents write their status to.
const influxDatabase = "eoskeeper"

// startInflux starts a real InfluxDB 1.x (Debian's influxd) on addr when it is installed, and
// creates the agents' database. Without influxd the drill runs with no InfluxDB output.
func (c *Cluster) startInflux(ctx context.Context, addr string) error {
	bin, err := exec.LookPath("influxd")
	if err != nil {
		c.log.Warn("influxd not installed: the agents run without an InfluxDB output")
		return nil
	}
	dir := filepath.Join(c.dir, "influxdb")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("drill: influxdb dir: %w", err)
	}
	conf := influxconf.Config(dir, addr, "127.0.0.1:0")
	confPath := filepath.Join(dir, "influxdb.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return fmt.Errorf("drill: influxdb config: %w", err)
	}
	p, err := startProc("influxd", filepath.Join(c.dir, "influxd.log"), []string{bin, "run", "-config", confPath})
	if err != nil {
		return err
	}
	c.influx = p
	q := "http://" + addr + "/query?q=" + url.QueryEscape("CREATE DATABASE "+influxDatabase)
	if err := waitFor(ctx, 30*time.Second, "influxd ready", func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, q, nil)
		if err != nil {
			return false
		}
		return doJSON(req, nil) == nil
	}); err != nil {
		return err
	}
	c.influxURL = "http://" + addr
	return nil
}
