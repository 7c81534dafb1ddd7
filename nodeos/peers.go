package nodeos

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// PeerSource tells where a peer count came from.
type PeerSource string

// Peer count sources.
const (
	// PeerSourceNetAPI counts established connections of /v1/net/connections.
	PeerSourceNetAPI PeerSource = "net_api"
	// PeerSourceProc counts ESTABLISHED sockets in /proc/net/tcp and /proc/net/tcp6.
	PeerSourceProc PeerSource = "proc"
)

// DefaultProcRoot is where the proc file system is mounted.
const DefaultProcRoot = "/proc"

// PeerCountConfig tells how to count p2p peers from the kernel's socket tables when
// net_api_plugin is not loaded.
type PeerCountConfig struct {
	// ListenPort is nodeos's p2p listen port (p2p-listen-endpoint, 9876 by default): an
	// ESTABLISHED socket with this local port is an inbound peer. 0 disables the rule.
	ListenPort uint16
	// PID is nodeos's process id: an ESTABLISHED socket it owns is a peer, unless its local
	// port is one of nodeos's other listening ports (an HTTP client of nodeos, for example).
	// This finds outbound peers too. 0 disables the rule; reading another user's process
	// needs that user or root.
	PID int
	// ProcRoot is the proc mount. Optional, defaults to DefaultProcRoot.
	ProcRoot string
}

// PeerCount is a number of p2p peers and where it was counted.
type PeerCount struct {
	Peers  int
	Source PeerSource
}

// PeerCount counts nodeos's p2p peers: the established connections of /v1/net/connections
// when net_api_plugin is loaded (see Connection.Established), else the sockets described
// by cfg (see CountProcPeers). Errors other than a missing net_api_plugin are returned as is.
func (c *Client) PeerCount(ctx context.Context, cfg PeerCountConfig) (PeerCount, error) {
	conns, err := c.Connections(ctx)
	if err == nil {
		n := 0
		for i := range conns {
			if conns[i].Established() {
				n++
			}
		}
		return PeerCount{Peers: n, Source: PeerSourceNetAPI}, nil
	}
	if !errors.Is(err, ErrPluginMissing) {
		return PeerCount{}, err
	}
	n, perr := CountProcPeers(cfg)
	if perr != nil {
		return PeerCount{}, perr
	}
	return PeerCount{Peers: n, Source: PeerSourceProc}, nil
}

// TCP states in /proc/net/tcp's st column (include/net/tcp_states.h).
const (
	tcpEstablished = 0x01
	tcpListen      = 0x0A
)

// tcpSocket is one row of /proc/net/tcp or /proc/net/tcp6.
type tcpSocket struct {
	localPort  uint16
	remote     string // remote address:port, hex as in the file
	state      uint8
	inode      uint64
	localField string // local address:port, hex as in the file
}

// CountProcPeers counts p2p peers from ProcRoot/net/tcp and ProcRoot/net/tcp6: ESTABLISHED
// sockets whose local port is cfg.ListenPort, plus ESTABLISHED sockets owned by cfg.PID
// (found through ProcRoot/<pid>/fd links "socket:[inode]") whose local port is not another
// port nodeos listens on. Each socket counts once. It needs no lsof and no subnet.
func CountProcPeers(cfg PeerCountConfig) (int, error) {
	if cfg.ListenPort == 0 && cfg.PID <= 0 {
		return 0, errors.New("nodeos: counting peers from /proc: need the p2p listen port or the nodeos pid")
	}
	root := cfg.ProcRoot
	if root == "" {
		root = DefaultProcRoot
	}
	var socks []tcpSocket
	for _, name := range []string{"tcp", "tcp6"} {
		s, err := readTCPTable(filepath.Join(root, "net", name))
		if errors.Is(err, fs.ErrNotExist) && name == "tcp6" {
			continue // IPv6 disabled
		}
		if err != nil {
			return 0, err
		}
		socks = append(socks, s...)
	}
	var owned map[uint64]bool
	if cfg.PID > 0 {
		var err error
		if owned, err = socketInodes(root, cfg.PID); err != nil {
			return 0, err
		}
	}
	// Ports nodeos listens on other than p2p: an established socket on them is a client.
	otherListen := map[uint16]bool{}
	for _, s := range socks {
		if s.state == tcpListen && owned[s.inode] && s.localPort != cfg.ListenPort {
			otherListen[s.localPort] = true
		}
	}
	seen := map[string]bool{}
	n := 0
	for _, s := range socks {
		if s.state != tcpEstablished {
			continue
		}
		inbound := cfg.ListenPort != 0 && s.localPort == cfg.ListenPort
		ours := s.inode != 0 && owned[s.inode] && !otherListen[s.localPort]
		if !inbound && !ours {
			continue
		}
		key := s.localField + ">" + s.remote
		if s.inode != 0 {
			key = "inode:" + strconv.FormatUint(s.inode, 10)
		}
		if !seen[key] {
			seen[key] = true
			n++
		}
	}
	return n, nil
}

// readTCPTable reads a /proc/net/tcp-format file.
func readTCPTable(path string) ([]tcpSocket, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nodeos: reading socket table: %w", err)
	}
	socks, err := parseTCPTable(data)
	if err != nil {
		return nil, fmt.Errorf("nodeos: %s: %w", path, err)
	}
	return socks, nil
}

// parseTCPTable parses the contents of /proc/net/tcp or /proc/net/tcp6:
//
//	sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//	 0: 0100007F:2694 0100007F:C1E2 01 00000000:00000000 00:00000000 00000000  1000        0 45678 1 …
func parseTCPTable(data []byte) ([]tcpSocket, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 512), 64<<10)
	var out []tcpSocket
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if line == 1 {
			if len(f) < 2 || f[0] != "sl" {
				return nil, fmt.Errorf("line 1: not a socket table header")
			}
			continue
		}
		if len(f) == 0 {
			continue
		}
		if len(f) < 10 {
			return nil, fmt.Errorf("line %d: %d fields, want at least 10", line, len(f))
		}
		port, err := hexPort(f[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: local address %q: %w", line, f[1], err)
		}
		st, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("line %d: state %q: %w", line, f[3], err)
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: inode %q: %w", line, f[9], err)
		}
		out = append(out, tcpSocket{localPort: port, remote: f[2], state: uint8(st), inode: inode, localField: f[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if line == 0 {
		return nil, errors.New("empty socket table")
	}
	return out, nil
}

// hexPort returns the port of a "ADDRHEX:PORTHEX" address.
func hexPort(addr string) (uint16, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return 0, errors.New("no port")
	}
	p, err := strconv.ParseUint(addr[i+1:], 16, 16)
	if err != nil {
		return 0, err
	}
	return uint16(p), nil
}

// socketInodes returns the inodes of the sockets pid has open, read from the
// "socket:[inode]" targets of root/<pid>/fd/*.
func socketInodes(root string, pid int) (map[uint64]bool, error) {
	dir := filepath.Join(root, strconv.Itoa(pid), "fd")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("nodeos: reading sockets of pid %d: %w", pid, err)
	}
	out := make(map[uint64]bool, len(ents))
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // the descriptor was closed meanwhile
		}
		rest, ok := strings.CutPrefix(target, "socket:[")
		if !ok || !strings.HasSuffix(rest, "]") {
			continue
		}
		if inode, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64); err == nil {
			out[inode] = true
		}
	}
	return out, nil
}
