package drill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Options configures a drill.
type Options struct {
	// BinDir holds eoskeeper, nodeosnet and consul.
	BinDir string
	// RunDir receives one directory per scenario with every process's log and configuration.
	RunDir string
	// BlockInterval is the simulated chain's wall time per slot; default 50ms.
	BlockInterval time.Duration
	// Producers is the schedule size; default 4.
	Producers int
	// PollInterval is the agents' nodeos poll_interval; default 100ms.
	PollInterval time.Duration
	// NoNetns forces the loopback topology even where namespaces work.
	NoNetns bool
	// Evidence also runs the crash scenarios with the agents' hand-off disabled
	// (`eoskeeper agent -no-handoff`), for comparison with the hand-off.
	Evidence bool
	// Logger receives progress; default hclog.NewNullLogger().
	Logger hclog.Logger
}

// Lock timings of the generated keeper.hcl (seconds), and the policy's missed turns per role.
const (
	sessionTTL = 12
	lostAfter  = 6
	lockDelay  = 9
)

// Stall thresholds of the generated keeper.hcl, in blocks of the drill's chain (2 s and 3 s on
// the 50 ms chain, 20 s and 30 s at 500 ms). They must exceed a turn of ours (12 blocks): a
// turn our producer misses leaves the head standing that long, and a standby that took it for
// a stall would be unfit to take over.
const (
	headStallBlocks = 40
	libStallBlocks  = 60
)

// headStall and libStall are the stall thresholds in wall time (a frozen head has no chain time).
func (o Options) headStall() time.Duration { return headStallBlocks * o.BlockInterval }
func (o Options) libStall() time.Duration  { return libStallBlocks * o.BlockInterval }

var priority = map[string]int{"A": 1, "B": 2, "C": 6}

// hostOrder lists the drill's hosts; idx is each host's last address byte.
var (
	hostOrder = []string{"a", "b", "c", "f"}
	hostIdx   = map[string]int{"a": 2, "b": 3, "c": 4, "f": 5}
)

// host is one machine of the drill: its Consul client, its agent, its node in nodeosnet.
type host struct {
	name, role string
	consulHTTP string // the client agent's HTTP address as the drill reaches it
	statusAddr string // the agent's status listener
	config     string // keeper.hcl
	consul     *proc
	agent      *proc
}

// Cluster is one running drill setup.
type Cluster struct {
	opts       Options
	topo       topology
	dir        string
	log        hclog.Logger
	controlURL string
	hosts      map[string]*host
	servers    []*proc
	nodeosnet  *proc
	ours       string
	// policy is the failover policy under test: policyKeeper, policyEvidence or policySeed.
	policy    string
	alerts    *alertSink
	influx    *proc
	influxURL string
	// faultAt is when the scenario's fault was injected (alerts are reported from then on).
	faultAt time.Time
}

// The failover policies the drill compares.
const (
	policyKeeper   = "eoskeeper"
	policyEvidence = "evidence-only"
	policySeed     = "seed"
)

func (o *Options) defaults() {
	if o.BlockInterval <= 0 {
		o.BlockInterval = 50 * time.Millisecond
	}
	if o.Producers <= 0 {
		o.Producers = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
}

// roundWall is the wall time of one schedule round (12 blocks per producer).
func (o Options) roundWall() time.Duration {
	return time.Duration(12*o.Producers) * o.BlockInterval
}

// NetnsAvailable reports whether this machine can run the namespace topology.
func NetnsAvailable() bool { return os.Geteuid() == 0 && netnsWorks() }

// startCluster starts everything for one scenario in dir under the given failover policy and
// waits for the steady state: A producing, B and C paused standbys.
func startCluster(ctx context.Context, opts Options, netns bool, dir, policy string) (*Cluster, error) {
	c := &Cluster{opts: opts, topo: topology{netns: netns}, dir: dir, log: opts.Logger, hosts: map[string]*host{},
		ours: "eosstorebest", policy: policy}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("drill: run dir: %w", err)
	}
	if err := c.topo.setup(hostOrder, hostIdx); err != nil {
		c.Close()
		return nil, err
	}
	steps := []func(context.Context) error{c.startSinks, c.startNodeosnet}
	if policy == policySeed {
		steps = append(steps, c.startSeedAgents)
	} else {
		steps = append(steps, c.startConsul, c.startAgents)
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// startSinks starts the alert webhook and, when installed, InfluxDB, on the chain network.
func (c *Cluster) startSinks(ctx context.Context) error {
	for _, h := range hostOrder {
		i := hostIdx[h]
		c.hosts[h] = &host{name: h, role: strings.ToUpper(h),
			consulHTTP: fmt.Sprintf("%s:%d", c.topo.consulIP(i), 7510+i),
			statusAddr: fmt.Sprintf("%s:%d", c.topo.consulIP(i), 9270+i)}
	}
	if c.policy == policySeed {
		return nil
	}
	sink, err := startAlertSink(fmt.Sprintf("%s:%d", c.topo.chainIP(1), alertPort))
	if err != nil {
		return err
	}
	c.alerts = sink
	return c.startInflux(ctx, fmt.Sprintf("%s:%d", c.topo.chainIP(1), influxPort))
}

// Ports of the drill's own services on the chain network.
const (
	alertPort  = 8890
	influxPort = 8886
)

// Close kills every process and removes the namespaces.
func (c *Cluster) Close() {
	for _, h := range c.hosts {
		if h.agent != nil {
			h.agent.kill()
		}
		if h.consul != nil {
			h.consul.kill()
		}
	}
	for _, s := range c.servers {
		s.kill()
	}
	if c.nodeosnet != nil {
		c.nodeosnet.kill()
	}
	if c.influx != nil {
		c.influx.kill()
	}
	if c.alerts != nil {
		c.alerts.close()
	}
	c.topo.teardown(hostOrder)
}

func (c *Cluster) bin(name string) string { return filepath.Join(c.opts.BinDir, name) }

func (c *Cluster) startNodeosnet(ctx context.Context) error {
	root := c.topo.chainIP(1)
	ctl := root + ":8800"
	argv := []string{c.bin("nodeosnet"), "-producers", strconv.Itoa(c.opts.Producers),
		"-block-interval", c.opts.BlockInterval.String(), "-producer", c.ours,
		"-log-dir", filepath.Join(c.dir, "nodeos"), "-control", ctl}
	for _, h := range hostOrder {
		kind := "producer"
		if h == "f" {
			kind = "full"
		}
		argv = append(argv, "-node", fmt.Sprintf("%s,%s,%s:%d", h, kind, root, 8800+hostIdx[h]))
	}
	p, err := startProc("nodeosnet", filepath.Join(c.dir, "nodeosnet.log"), argv)
	if err != nil {
		return err
	}
	c.nodeosnet = p
	c.controlURL = "http://" + ctl
	return waitFor(ctx, 15*time.Second, "nodeosnet ready", func(ctx context.Context) bool {
		_, err := c.chain(ctx)
		return err == nil
	})
}

func consulPortArgs(http, server, serf, wan int) []string {
	return []string{"-http-port", strconv.Itoa(http), "-server-port", strconv.Itoa(server),
		"-serf-lan-port", strconv.Itoa(serf), "-serf-wan-port", strconv.Itoa(wan),
		"-dns-port", "-1", "-grpc-port", "-1", "-grpc-tls-port", "-1",
		"-hcl", "disable_update_check = true", "-log-level", "info"}
}

// consulJoins are the -retry-join arguments for the three servers. A client started before
// the servers listen retries every second (Consul's default is 30 s).
func (c *Cluster) consulJoins() []string {
	joins := []string{"-retry-interval", "1s"}
	for i := range 3 {
		joins = append(joins, "-retry-join", fmt.Sprintf("%s:%d", c.topo.consulIP(1), 7400+i))
	}
	return joins
}

// restartServer starts Consul server i with its data directory (new or kept from before).
func (c *Cluster) restartServer(i int) error {
	root := c.topo.consulIP(1)
	name := "server-" + strconv.Itoa(i)
	argv := append([]string{c.bin("consul"), "agent", "-server", "-bootstrap-expect", "3",
		"-data-dir", filepath.Join(c.dir, name), "-bind", root, "-client", root, "-node", name,
		"-hcl", "performance { raft_multiplier = 1 }"},
		consulPortArgs(7500+i, 7300+i, 7400+i, 7450+i)...)
	p, err := startProc(name, filepath.Join(c.dir, name+".log"), append(argv, c.consulJoins()...))
	if err != nil {
		return err
	}
	c.servers[i] = p
	return nil
}

func (c *Cluster) startConsul(ctx context.Context) error {
	c.servers = make([]*proc, 3)
	for i := range c.servers {
		if err := c.restartServer(i); err != nil {
			return err
		}
	}
	for _, h := range hostOrder {
		i := hostIdx[h]
		ip := c.topo.consulIP(i)
		clientAddrs := "127.0.0.1"
		if ip != "127.0.0.1" {
			clientAddrs += " " + ip
		}
		argv := append([]string{c.bin("consul"), "agent", "-data-dir", filepath.Join(c.dir, "consul-"+h),
			"-bind", ip, "-client", clientAddrs, "-node", "host-" + h,
			"-hcl", "leave_on_terminate = false", "-hcl", "skip_leave_on_interrupt = true",
			"-hcl", `telemetry { prometheus_retention_time = "24h" disable_hostname = true }`},
			consulPortArgs(7510+i, 7310+i, 7410+i, 7460+i)...)
		p, err := startProc("consul-"+h, filepath.Join(c.dir, "consul-"+h+".log"), c.topo.wrap(h, append(argv, c.consulJoins()...)))
		if err != nil {
			return err
		}
		c.hosts[h].consul = p
	}
	for _, h := range hostOrder {
		url := "http://" + c.hosts[h].consulHTTP + "/v1/status/leader"
		if err := waitFor(ctx, 60*time.Second, "consul client "+h+" sees a leader", func(ctx context.Context) bool {
			var leader string
			return getJSON(ctx, url, &leader) == nil && leader != ""
		}); err != nil {
			return err
		}
	}
	return nil
}

// keeperHCL is the agent configuration of host h.
func (c *Cluster) keeperHCL(h *host) string {
	i := hostIdx[h.name]
	return fmt.Sprintf(`node {
  name = %q
  role = %q
}
producer = %q
nodeos {
  url           = "http://%s:%d"
  log_file      = %q
  poll_interval = "`+c.opts.PollInterval.String()+`"
  timeout       = "1s"
}
consul {
  address     = "127.0.0.1:%d"
  session_ttl = "%ds"
  lost_after  = "%ds"
  lock_delay  = "%ds"
}
failover {
  priority = { A = %d, B = %d, C = %d }
%s}
alerts {
  min_peers  = 1
  head_stall = "%s"
  lib_stall  = "%s"
}
%soutput "http" {
  listen = %q
}
logging {
  level = "info"
}
`, h.name, h.role, c.ours, c.topo.chainIP(1), 8800+i, filepath.Join(c.dir, "nodeos", h.name+".log"),
		7510+i, sessionTTL, lostAfter, lockDelay, priority["A"], priority["B"], priority["C"], c.fenceHCL(h),
		c.opts.headStall(), c.opts.libStall(), c.notifyHCL(), h.statusAddr) + c.influxHCL()
}

// fenceHCL is a producer host's fence command: the drill's stand-in for
// `systemctl kill -s SIGKILL nodeos`, run when the agent cannot confirm nodeos paused.
func (c *Cluster) fenceHCL(h *host) string {
	if h.name == "f" {
		return ""
	}
	return fmt.Sprintf("  fence_command = [%q, \"ctl\", \"-control\", %q, \"kill\", %q]\n",
		c.bin("nodeosnet"), strings.TrimPrefix(c.controlURL, "http://"), h.name)
}

// notifyHCL is the webhook channel to the drill's alert sink.
func (c *Cluster) notifyHCL() string {
	if c.alerts == nil {
		return ""
	}
	return fmt.Sprintf("notify \"webhook\" \"drill\" {\n  url = %q\n}\n", c.alerts.url)
}

// influxHCL is the InfluxDB output when influxd runs.
func (c *Cluster) influxHCL() string {
	if c.influxURL == "" {
		return ""
	}
	return fmt.Sprintf("output \"influxdb\" {\n  url            = %q\n  version        = 1\n  database       = %q\n  flush_interval = \"1s\"\n}\n",
		c.influxURL, influxDatabase)
}

func (c *Cluster) startAgent(h *host) error {
	h.config = filepath.Join(c.dir, "keeper-"+h.role+".hcl")
	if err := os.WriteFile(h.config, []byte(c.keeperHCL(h)), 0o600); err != nil {
		return fmt.Errorf("drill: write %s: %w", h.config, err)
	}
	argv := []string{c.bin("eoskeeper"), "agent", "-config", h.config}
	if c.policy == policyEvidence {
		argv = append(argv, "-no-handoff")
	}
	p, err := startProc("agent-"+h.name, filepath.Join(c.dir, "agent-"+h.name+".log"), c.topo.wrap(h.name, argv))
	if err != nil {
		return err
	}
	h.agent = p
	return nil
}

// startAgents starts A, waits until it produces, then B, C and F, and waits for the steady state.
func (c *Cluster) startAgents(ctx context.Context) error {
	timeout := c.startupTimeout()
	if err := c.startAgent(c.hosts["a"]); err != nil {
		return err
	}
	if err := c.waitAgent(ctx, "a", timeout, "A leading and producing", leaderProducing); err != nil {
		// A stuck agent's goroutines go to its log.
		_ = c.hosts["a"].agent.signal(syscall.SIGQUIT)
		time.Sleep(500 * time.Millisecond)
		return err
	}
	for _, h := range []string{"b", "c", "f"} {
		if err := c.startAgent(c.hosts[h]); err != nil {
			return err
		}
	}
	return c.waitSteady(ctx, timeout)
}

// startupTimeout bounds each startup wait. It grows with the block interval: an agent is
// healthy only once it has seen a producers window of blocks (120 by default, 60 s at the
// real 500 ms), and A then waits for a missed turn.
func (c *Cluster) startupTimeout() time.Duration {
	return time.Minute + producersWindow*c.opts.BlockInterval + 2*c.opts.roundWall()
}

// producersWindow is the agent's default producers window in blocks (alerts.producers_window).
const producersWindow = 120

// waitSteady waits until A leads and produces, B and C are healthy standbys and F watches.
func (c *Cluster) waitSteady(ctx context.Context, timeout time.Duration) error {
	want := map[string]func(keeper.Status) bool{
		"a": func(s keeper.Status) bool { return s.State == keeper.Leader && s.Producing },
		"b": func(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy },
		"c": func(s keeper.Status) bool { return s.State == keeper.Standby && s.Healthy },
		"f": func(s keeper.Status) bool { return s.State == keeper.Watching },
	}
	var last string
	err := waitFor(ctx, timeout, "steady state", func(ctx context.Context) bool {
		for _, h := range hostOrder {
			s, err := c.agentStatus(ctx, h)
			if err != nil {
				last = err.Error()
				return false
			}
			if !want[h](s) {
				last = fmt.Sprintf("%s: state %s healthy %t %v producing %t", h, s.State, s.Healthy, s.HealthProblems, s.Producing)
				return false
			}
		}
		// The standbys' statuses in Consul, which a resigning holder reads, show them too.
		for _, h := range []string{"b", "c"} {
			if !c.publishedStandby(ctx, h) {
				last = h + ": its published status does not show a healthy paused standby yet"
				return false
			}
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("%w (last: %s)", err, last)
	}
	return nil
}

func (c *Cluster) waitAgent(ctx context.Context, h string, timeout time.Duration, what string, cond func(keeper.Status) bool) error {
	var last error
	err := waitFor(ctx, timeout, what, func(ctx context.Context) bool {
		s, err := c.agentStatus(ctx, h)
		if err != nil {
			last = err
			return false
		}
		last = fmt.Errorf("state %s reason %q producing %t", s.State, s.StateReason, s.Producing)
		return cond(s)
	})
	if err != nil {
		return errors.Join(err, last)
	}
	return nil
}
