package drill

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Bridge addresses: the Consul network and the chain network.
const (
	consulBridge = "ekd-c"
	chainBridge  = "ekd-n"
	consulNet    = "10.77.0."
	chainNet     = "10.77.1."
)

// topology is where hosts live: in namespaces on two bridges, or all on loopback.
type topology struct {
	netns bool
}

func ipCmd(args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("drill: ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// netnsWorks reports whether network namespaces can be made here.
func netnsWorks() bool {
	if err := ipCmd("netns", "add", "ekd-probe"); err != nil {
		return false
	}
	_ = ipCmd("netns", "del", "ekd-probe")
	return true
}

func nsName(host string) string { return "ekd-" + host }

// consulIP is the host's address on the Consul network ("1" is the root namespace).
func (t topology) consulIP(idx int) string {
	if !t.netns {
		return "127.0.0.1"
	}
	return fmt.Sprintf("%s%d", consulNet, idx)
}

// chainIP is the host's address on the chain network.
func (t topology) chainIP(idx int) string {
	if !t.netns {
		return "127.0.0.1"
	}
	return fmt.Sprintf("%s%d", chainNet, idx)
}

// wrap runs argv inside the host's namespace.
func (t topology) wrap(host string, argv []string) []string {
	if !t.netns || host == "" {
		return argv
	}
	return append([]string{"ip", "netns", "exec", nsName(host)}, argv...)
}

// teardown removes every namespace and bridge of a drill, including leftovers.
func (t topology) teardown(hosts []string) {
	if !t.netns {
		return
	}
	for _, h := range hosts {
		_ = ipCmd("netns", "del", nsName(h))
		_ = ipCmd("link", "del", "ekd-"+h+"-c")
		_ = ipCmd("link", "del", "ekd-"+h+"-n")
	}
	_ = ipCmd("link", "del", consulBridge)
	_ = ipCmd("link", "del", chainBridge)
}

// setup creates the bridges and one namespace per host (index idx[h] >= 2).
func (t topology) setup(hosts []string, idx map[string]int) error {
	if !t.netns {
		return nil
	}
	t.teardown(hosts)
	for _, br := range []struct{ name, ip string }{{consulBridge, consulNet + "1/24"}, {chainBridge, chainNet + "1/24"}} {
		for _, args := range [][]string{
			{"link", "add", br.name, "type", "bridge"},
			{"addr", "add", br.ip, "dev", br.name},
			{"link", "set", br.name, "up"},
		} {
			if err := ipCmd(args...); err != nil {
				return err
			}
		}
	}
	for _, h := range hosts {
		ns := nsName(h)
		if err := ipCmd("netns", "add", ns); err != nil {
			return err
		}
		if err := ipCmd("-n", ns, "link", "set", "lo", "up"); err != nil {
			return err
		}
		for _, l := range []struct{ suffix, bridge, ip, inner string }{
			{"-c", consulBridge, t.consulIP(idx[h]), "c0"},
			{"-n", chainBridge, t.chainIP(idx[h]), "n0"},
		} {
			outer := "ekd-" + h + l.suffix
			for _, args := range [][]string{
				{"link", "add", outer, "type", "veth", "peer", "name", l.inner, "netns", ns},
				{"link", "set", outer, "master", l.bridge},
				{"link", "set", outer, "up"},
				{"-n", ns, "addr", "add", l.ip + "/24", "dev", l.inner},
				{"-n", ns, "link", "set", l.inner, "up"},
			} {
				if err := ipCmd(args...); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// consulLink takes the host's link to the Consul network down or up.
func (t topology) consulLink(host string, up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	return ipCmd("link", "set", "ekd-"+host+"-c", state)
}

// dropTo makes host's packets to ip on the given TCP ports vanish (on) or flow again (off), with
// an iptables rule in the host's namespace: the services look unreachable, not refused.
func (t topology) dropTo(host, ip string, ports []int, on bool) error {
	op := "-D"
	if on {
		op = "-I"
	}
	for _, port := range ports {
		argv := t.wrap(host, []string{"iptables", "-w", op, "OUTPUT", "-p", "tcp", "-d", ip, "--dport", strconv.Itoa(port), "-j", "DROP"})
		var out bytes.Buffer
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("drill: %s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(out.String()))
		}
	}
	return nil
}
