package consultest

import (
	"fmt"
	"net"
	"strconv"
)

// agentPorts are the ports one agent listens on.
type agentPorts struct {
	HTTP    int
	Server  int
	SerfLAN int
	SerfWAN int
}

// freePorts returns n distinct ports that were free on 127.0.0.1 a moment
// ago. Another process may take one before the agent binds it; Start retries
// with fresh ports when an agent exits before it becomes ready.
func freePorts(n int) ([]int, error) {
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("consultest: reserve port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func newAgentPorts() (agentPorts, error) {
	p, err := freePorts(4)
	if err != nil {
		return agentPorts{}, err
	}
	return agentPorts{HTTP: p[0], Server: p[1], SerfLAN: p[2], SerfWAN: p[3]}, nil
}

func (p agentPorts) args() []string {
	return []string{
		"-http-port", strconv.Itoa(p.HTTP),
		"-server-port", strconv.Itoa(p.Server),
		"-serf-lan-port", strconv.Itoa(p.SerfLAN),
		"-serf-wan-port", strconv.Itoa(p.SerfWAN),
		"-dns-port", "-1",
		"-grpc-port", "-1",
		"-grpc-tls-port", "-1",
	}
}

func hostPort(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}
