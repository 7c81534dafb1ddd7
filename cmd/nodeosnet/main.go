// Command nodeosnet runs a simulated nodeos network (package nodeostest) as its own process,
// for failover drills that drive real eoskeeper agents: every node serves the nodeos HTTP API
// on its own address and writes its log under -log-dir, and -control serves the network's
// fault knobs and referee (nodeostest.Network.ControlHandler).
//
//	nodeosnet -producers 4 -block-interval 50ms -log-dir /tmp/run \
//	    -node a,producer,10.77.1.1:8801 -node b,producer,10.77.1.1:8802 -node f,full,10.77.1.1:8804 \
//	    -control 10.77.1.1:8800
//
// Once every node listens it prints one line, "nodeosnet ready control=ADDR nodes=N", and
// runs until SIGINT or SIGTERM.
//
//	nodeosnet ctl -control 10.77.1.1:8800 kill a
//
// posts one node action (kill, restart, stop, cont, ...) to a running network's control API,
// for use as an agent's fence_command in drills ("systemctl kill -s SIGKILL nodeos" on a host).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// nodeFlags collects repeated -node NAME,producer|full,ADDR values.
type nodeFlags []nodeostest.NodeConfig

func (f *nodeFlags) String() string { return fmt.Sprint(len(*f), " nodes") }

func (f *nodeFlags) Set(v string) error {
	parts := strings.Split(v, ",")
	if len(parts) != 3 || parts[0] == "" {
		return fmt.Errorf("node %q: want NAME,producer|full,ADDR", v)
	}
	var producer bool
	switch parts[1] {
	case "producer":
		producer = true
	case "full":
	default:
		return fmt.Errorf("node %q: kind must be producer or full", v)
	}
	if _, _, err := net.SplitHostPort(parts[2]); err != nil {
		return fmt.Errorf("node %q: address: %w", v, err)
	}
	*f = append(*f, nodeostest.NodeConfig{Name: parts[0], ProducerNode: producer, Addr: parts[2]})
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "nodeosnet:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 && args[0] == "ctl" {
		return ctl(args[1:])
	}
	fs := flag.NewFlagSet("nodeosnet", flag.ContinueOnError)
	producers := fs.Int("producers", 4, "size of the producer schedule")
	interval := fs.Duration("block-interval", 50*time.Millisecond, "wall time of one block slot")
	ours := fs.String("producer", nodeostest.DefaultOurs, "our producer account")
	logDir := fs.String("log-dir", "", "directory for the nodes' logs (required)")
	control := fs.String("control", "127.0.0.1:0", "listen address of the control API")
	var nodes nodeFlags
	fs.Var(&nodes, "node", "NAME,producer|full,ADDR (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *logDir == "" || len(nodes) == 0 {
		return errors.New("-log-dir and at least one -node are required")
	}
	if err := os.MkdirAll(*logDir, 0o755); err != nil {
		return fmt.Errorf("log dir: %w", err)
	}
	cfg := nodeostest.Config{Producers: *producers, BlockInterval: *interval, Ours: *ours, Dir: *logDir}
	if err := cfg.Validate(); err != nil {
		return err
	}
	// The control listener is bound first so a busy address fails before any node starts.
	ln, err := net.Listen("tcp", *control)
	if err != nil {
		return fmt.Errorf("control listener: %w", err)
	}
	for _, nc := range nodes {
		// AddNode panics when it cannot listen; check the address first for a clean error.
		probe, err := net.Listen("tcp", nc.Addr)
		if err != nil {
			return fmt.Errorf("node %s: %w", nc.Name, err)
		}
		probe.Close()
	}
	n := nodeostest.NewUnstartedNetwork(cfg)
	defer n.Close()
	for _, nc := range nodes {
		nc.LogPath = filepath.Join(*logDir, nc.Name+".log")
		n.AddNode(nc)
	}
	n.Start()
	srv := &http.Server{Handler: n.ControlHandler(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("nodeosnet ready control=%s nodes=%d\n", ln.Addr(), len(nodes))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("control server: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// ctl posts one node action to a running network's control API.
func ctl(args []string) error {
	fs := flag.NewFlagSet("nodeosnet ctl", flag.ContinueOnError)
	control := fs.String("control", "", "address of the network's control API (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *control == "" || fs.NArg() != 2 {
		return errors.New("ctl: want -control ADDR ACTION NODE")
	}
	action, node := fs.Arg(0), fs.Arg(1)
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Post("http://"+*control+"/nodes/"+url.PathEscape(node)+"/"+url.PathEscape(action), "application/json", nil)
	if err != nil {
		return fmt.Errorf("ctl: %s %s: %w", action, node, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ctl: %s %s: %s: %s", action, node, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
