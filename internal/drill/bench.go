package drill

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eoskeeper/eoskeeper/keeper"
)

// Steady-state goals of an agent (issue 9, "Benchmarks").
const (
	// GoalRSS is the most resident memory an agent may use.
	GoalRSS = 20 << 20
	// GoalCPUPercent is the most CPU an agent may use, in percent of one core, at 1 s polling.
	GoalCPUPercent = 0.5
)

// benchWarmup is how long the bench lets a fresh steady state settle before its window opens.
const benchWarmup = 15 * time.Second

// userHZ is the unit of utime and stime in /proc/<pid>/stat (USER_HZ, 100 on Linux).
const userHZ = 100

// metricsPath is the drill's own request to each Consul client; it is left out of the counts.
const metricsPath = "v1_agent_metrics"

// ErrNotAgent is returned when a drill process's pid is not an eoskeeper agent.
var ErrNotAgent = errors.New("drill: process is not an eoskeeper agent")

// PathCount is the number of HTTP requests one Consul client served for one method and path
// (Consul's label, e.g. "v1_session_renew_").
type PathCount struct {
	Method, Path string
	Count        float64
}

// AgentLoad is one agent's steady-state resource use over the bench window.
type AgentLoad struct {
	Host  string // a, b, c, f
	Role  string // "A holder", "B standby", ...
	State string // the agent's state at the end of the window
	PID   int
	// MaxRSS and FinalRSS are VmRSS in bytes, sampled every second. FinalAnon and FinalFile split
	// FinalRSS into anonymous memory (heap, stacks) and file pages (mostly the mapped binary,
	// shared by every process running it).
	MaxRSS, FinalRSS     int64
	FinalAnon, FinalFile int64
	// CPUSeconds is utime+stime over the window; CPUPercent is that per wall second, × 100.
	CPUSeconds, CPUPercent float64
	// ConsulRequests counts the HTTP requests the agent made to its Consul client in the window;
	// ConsulRate is that per second. TopPaths lists the busiest method/path pairs, busiest first.
	ConsulRequests float64
	ConsulRate     float64
	TopPaths       []PathCount
	// Transitions counts the agent's state changes inside the window (0 in a steady state).
	Transitions uint64
}

// BenchResult is the outcome of an agent steady-state bench.
type BenchResult struct {
	Topology      string
	Window        time.Duration
	PollInterval  time.Duration
	BlockInterval time.Duration
	Agents        []AgentLoad
	// DoubleProduced and Missed count the referee's findings for our producer inside the window.
	DoubleProduced, Missed int
}

// agentRole names each host's part in the steady state.
var agentRole = map[string]string{"a": "A holder", "b": "B standby", "c": "C standby", "f": "F watcher"}

// Bench starts a drill cluster, waits for the steady state and a warm-up, then measures every
// agent process for window: resident memory, CPU time, and the HTTP requests it makes to its
// Consul client (from the client's Prometheus metrics). PollInterval defaults to 1s here.
func Bench(ctx context.Context, opts Options, window time.Duration) (BenchResult, error) {
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	opts.defaults()
	netns := !opts.NoNetns && NetnsAvailable()
	res := BenchResult{Topology: "netns", Window: window, PollInterval: opts.PollInterval, BlockInterval: opts.BlockInterval}
	if !netns {
		res.Topology = "no netns"
	}
	if window <= 0 {
		return res, fmt.Errorf("drill: bench window %s: must be positive", window)
	}
	dir := filepath.Join(opts.RunDir, "bench")
	opts.Logger.Info("bench starting", "window", window, "poll_interval", opts.PollInterval, "block_interval", opts.BlockInterval, "logs", dir)
	c, err := startCluster(ctx, opts, netns, dir, policyKeeper)
	if err != nil {
		return res, fmt.Errorf("drill: bench steady state: %w", err)
	}
	defer c.Close()
	if err := sleepCtx(ctx, benchWarmup); err != nil {
		return res, fmt.Errorf("drill: bench warm-up: %w", err)
	}
	if err := c.waitSteady(ctx, 10*time.Second); err != nil {
		return res, fmt.Errorf("drill: bench after warm-up: %w", err)
	}
	for _, h := range hostOrder {
		if err := verifyAgentPID(c.hosts[h].agent.cmd.Process.Pid); err != nil {
			return res, err
		}
	}
	before, err := c.benchSample(ctx)
	if err != nil {
		return res, err
	}
	opts.Logger.Info("bench window open", "until", time.Now().Add(window).Format(time.TimeOnly))
	maxRSS := map[string]int64{}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	end := time.NewTimer(window)
	defer end.Stop()
sampling:
	for {
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("drill: bench: %w", ctx.Err())
		case <-end.C:
			break sampling
		case <-t.C:
			for _, h := range hostOrder {
				rss, err := readRSS(c.hosts[h].agent.cmd.Process.Pid)
				if err != nil {
					return res, fmt.Errorf("drill: agent %s: %w", h, err)
				}
				maxRSS[h] = max(maxRSS[h], rss.total)
			}
		}
	}
	after, err := c.benchSample(ctx)
	if err != nil {
		return res, err
	}
	wall := after.at.Sub(before.at).Seconds()
	res.DoubleProduced = len(after.referee.DoubleProduced) - len(before.referee.DoubleProduced)
	res.Missed = len(after.referee.Missed) - len(before.referee.Missed)
	for _, h := range hostOrder {
		b, a := before.hosts[h], after.hosts[h]
		cpu := float64(a.cpuTicks-b.cpuTicks) / userHZ
		reqs, top := diffRequests(b.requests, a.requests)
		res.Agents = append(res.Agents, AgentLoad{
			Host: h, Role: agentRole[h], State: a.status.State.String(), PID: a.pid,
			MaxRSS: max(maxRSS[h], a.rss.total), FinalRSS: a.rss.total, FinalAnon: a.rss.anon, FinalFile: a.rss.file,
			CPUSeconds: cpu, CPUPercent: cpu / wall * 100,
			ConsulRequests: reqs, ConsulRate: reqs / wall, TopPaths: top,
			Transitions: a.status.Transitions - b.status.Transitions,
		})
	}
	res.Window = after.at.Sub(before.at)
	return res, nil
}

// hostSample is one host's counters at one moment.
type hostSample struct {
	pid      int
	rss      procRSS
	cpuTicks uint64
	requests map[PathCount]float64 // Count is zero in the keys
	status   keeper.Status
}

// benchSample is every host's counters at one moment.
type benchSample struct {
	at      time.Time
	hosts   map[string]hostSample
	referee referee
}

// benchSample reads each agent's /proc counters, status and Consul client request counts.
func (c *Cluster) benchSample(ctx context.Context) (benchSample, error) {
	s := benchSample{hosts: map[string]hostSample{}}
	var err error
	if s.referee, err = c.referee(ctx); err != nil {
		return s, err
	}
	for _, h := range hostOrder {
		hs := hostSample{pid: c.hosts[h].agent.cmd.Process.Pid}
		if !c.hosts[h].agent.running() {
			return s, fmt.Errorf("drill: agent %s: %w", h, errExited)
		}
		if hs.status, err = c.agentStatus(ctx, h); err != nil {
			return s, err
		}
		if hs.requests, err = consulRequests(ctx, "http://"+c.hosts[h].consulHTTP); err != nil {
			return s, err
		}
		s.hosts[h] = hs
	}
	// The /proc counters are read together, right before the timestamp that brackets the window.
	for _, h := range hostOrder {
		hs := s.hosts[h]
		if hs.rss, err = readRSS(hs.pid); err != nil {
			return s, fmt.Errorf("drill: agent %s: %w", h, err)
		}
		if hs.cpuTicks, err = readCPUTicks(hs.pid); err != nil {
			return s, fmt.Errorf("drill: agent %s: %w", h, err)
		}
		s.hosts[h] = hs
	}
	s.at = time.Now()
	return s, nil
}

// verifyAgentPID checks that pid runs the eoskeeper binary: `ip netns exec` execs the agent,
// so the started process's pid must be the agent's own.
func verifyAgentPID(pid int) error {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return fmt.Errorf("drill: pid %d: %w", pid, err)
	}
	exe = strings.TrimSuffix(exe, " (deleted)")
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return fmt.Errorf("drill: pid %d: %w", pid, err)
	}
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	if filepath.Base(exe) != "eoskeeper" || len(args) < 2 || args[1] != "agent" {
		return fmt.Errorf("%w: pid %d runs %s %q", ErrNotAgent, pid, exe, args)
	}
	return nil
}

// procRSS is a process's resident memory in bytes: VmRSS, and its RssAnon and RssFile parts.
type procRSS struct{ total, anon, file int64 }

func readRSS(pid int) (procRSS, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procRSS{}, fmt.Errorf("drill: %w", err)
	}
	return parseRSS(b)
}

// parseRSS reads VmRSS, RssAnon and RssFile from a /proc/<pid>/status file.
func parseRSS(status []byte) (procRSS, error) {
	var r procRSS
	for _, f := range []struct {
		key string
		v   *int64
	}{{"VmRSS", &r.total}, {"RssAnon", &r.anon}, {"RssFile", &r.file}} {
		v, err := statusKB(status, f.key)
		if err != nil {
			return procRSS{}, err
		}
		*f.v = v
	}
	return r, nil
}

func readCPUTicks(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("drill: %w", err)
	}
	return parseStatCPU(b)
}

// statusKB returns the "<key>: <n> kB" line of a /proc/<pid>/status file in bytes.
func statusKB(status []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("drill: %s %q: want \"<n> kB\"", key, strings.TrimSpace(v))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("drill: %s: %w", key, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("drill: no %s in status", key)
}

// parseStatCPU returns utime+stime (in USER_HZ ticks) of a /proc/<pid>/stat line. The command
// name (field 2) may hold spaces and parentheses, so fields are counted after the last ')'.
func parseStatCPU(stat []byte) (uint64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("drill: stat: no command name")
	}
	// After the name: state is field 3, utime field 14, stime field 15.
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("drill: stat: %d fields after the name, want at least 13", len(f))
	}
	utime, err := strconv.ParseUint(f[11], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("drill: stat utime: %w", err)
	}
	stime, err := strconv.ParseUint(f[12], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("drill: stat stime: %w", err)
	}
	return utime + stime, nil
}

// consulRequests reads a Consul agent's cumulative HTTP request counts per method and path.
func consulRequests(ctx context.Context, base string) (map[PathCount]float64, error) {
	url := base + "/v1/agent/metrics?format=prometheus"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("drill: GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("drill: GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	out, err := parseHTTPCounts(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("drill: GET %s: %w", url, err)
	}
	return out, nil
}

// httpCountMetric is Consul's per-request summary count (telemetry with a Prometheus sink).
const httpCountMetric = "consul_api_http_count"

// parseHTTPCounts reads the consul_api_http_count{method,path} samples of a Prometheus text
// exposition. The unlabelled sample (the summary's empty default) is skipped.
func parseHTTPCounts(r io.Reader) (map[PathCount]float64, error) {
	out := map[PathCount]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, httpCountMetric)
		if !ok || !strings.HasPrefix(rest, "{") {
			continue
		}
		labels, value, err := splitLabels(rest)
		if err != nil {
			return nil, fmt.Errorf("%w in %q", err, line)
		}
		f := strings.Fields(value)
		if len(f) < 1 || len(f) > 2 {
			return nil, fmt.Errorf("drill: metrics: bad sample %q", line)
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return nil, fmt.Errorf("drill: metrics: %w in %q", err, line)
		}
		k := PathCount{Method: labels["method"], Path: labels["path"]}
		if k.Path == "" {
			return nil, fmt.Errorf("drill: metrics: no path label in %q", line)
		}
		out[k] += v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("drill: metrics: %w", err)
	}
	return out, nil
}

// splitLabels parses `{k="v",...} rest` into the labels and rest, honouring \" \\ \n escapes.
func splitLabels(s string) (map[string]string, string, error) {
	labels := map[string]string{}
	i := 1 // past '{'
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return nil, "", errors.New("drill: metrics: unterminated labels")
		}
		if s[i] == '}' {
			return labels, s[i+1:], nil
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq <= 0 || i+eq+1 >= len(s) || s[i+eq+1] != '"' {
			return nil, "", errors.New("drill: metrics: bad label")
		}
		name := strings.TrimSpace(s[i : i+eq])
		i += eq + 2
		var v strings.Builder
		for {
			if i >= len(s) {
				return nil, "", errors.New("drill: metrics: unterminated label value")
			}
			ch := s[i]
			if ch == '"' {
				i++
				break
			}
			if ch == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					v.WriteByte('\n')
				default:
					v.WriteByte(s[i])
				}
				i++
				continue
			}
			v.WriteByte(ch)
			i++
		}
		labels[name] = v.String()
	}
}

// diffRequests returns the requests served between two samples, without the drill's own
// metrics reads, and the method/path pairs by count, busiest first.
func diffRequests(before, after map[PathCount]float64) (float64, []PathCount) {
	var total float64
	var top []PathCount
	for k, a := range after {
		if k.Path == metricsPath {
			continue
		}
		n := a - before[k]
		if n <= 0 {
			continue
		}
		total += n
		top = append(top, PathCount{Method: k.Method, Path: k.Path, Count: n})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].Count != top[j].Count {
			return top[i].Count > top[j].Count
		}
		return top[i].Method+top[i].Path < top[j].Method+top[j].Path
	})
	return total, top
}

var benchHeader = []string{"agent", "pid", "state (changes)", "max RSS", "final RSS", "final anon / file", "CPU s", "CPU %", "Consul req/s", "top Consul paths (requests)", "goals"}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// cells is one table row; top paths are limited to three.
func (a AgentLoad) cells() []string {
	var paths []string
	for i, p := range a.TopPaths {
		if i == 3 {
			break
		}
		paths = append(paths, fmt.Sprintf("%s %s %.0f", p.Method, p.Path, p.Count))
	}
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	var miss []string
	if a.MaxRSS > GoalRSS {
		miss = append(miss, "RSS")
	}
	if a.CPUPercent > GoalCPUPercent {
		miss = append(miss, "CPU")
	}
	goals := "met"
	if len(miss) > 0 {
		goals = "missed: " + strings.Join(miss, ", ")
	}
	return []string{a.Role, strconv.Itoa(a.PID), fmt.Sprintf("%s (%d)", a.State, a.Transitions), mib(a.MaxRSS), mib(a.FinalRSS), mib(a.FinalAnon) + " / " + mib(a.FinalFile),
		fmt.Sprintf("%.2f", a.CPUSeconds), fmt.Sprintf("%.3f", a.CPUPercent),
		fmt.Sprintf("%.2f", a.ConsulRate), strings.Join(paths, "; "), goals}
}

func (r BenchResult) summary() string {
	return fmt.Sprintf("%s window (%s topology), nodeos poll_interval %s, block interval %s, warm-up %s; in the window: %d double-produced and %d missed turns of our producer",
		r.Window.Round(time.Second), r.Topology, r.PollInterval, r.BlockInterval, benchWarmup, r.DoubleProduced, r.Missed)
}

// WriteBenchTable prints the bench result as an aligned text table under a summary line.
func WriteBenchTable(w io.Writer, r BenchResult) error {
	fmt.Fprintln(w, "Agent steady state: "+r.summary()+".")
	fmt.Fprintf(w, "Goals: RSS <= %s, CPU <= %.1f %% of one core.\n", mib(GoalRSS), GoalCPUPercent)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(benchHeader, "\t"))
	for _, a := range r.Agents {
		fmt.Fprintln(tw, strings.Join(a.cells(), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("drill: write bench table: %w", err)
	}
	return nil
}

// WriteBenchMarkdown writes the bench result as a Markdown table under a line naming when and
// where it was measured.
func WriteBenchMarkdown(w io.Writer, r BenchResult, when time.Time, machine string) error {
	fmt.Fprintf(w, "Agent steady state measured %s on %s: %s. Goals: RSS <= %s, CPU <= %.1f %% of one core. "+
		"RSS is VmRSS sampled every second; CPU is utime+stime over the window's wall time; Consul requests are the client agent's consul_api_http_count, without the bench's own metrics reads.\n\n",
		when.UTC().Format("2006-01-02 15:04 UTC"), machine, r.summary(), mib(GoalRSS), GoalCPUPercent)
	fmt.Fprintln(w, "| "+strings.Join(benchHeader, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(benchHeader)))
	for _, a := range r.Agents {
		cells := a.cells()
		for i := range cells {
			cells[i] = strings.ReplaceAll(cells[i], "|", "\\|")
		}
		if _, err := fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |"); err != nil {
			return fmt.Errorf("drill: write bench table: %w", err)
		}
	}
	return nil
}
