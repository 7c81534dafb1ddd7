package nodeos

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// nodeosPID is the pid the proc fixtures give nodeos.
const nodeosPID = 4242

// procRoot builds a proc tree in a temporary directory: net/tcp and net/tcp6 copied from
// testdata/proc/net (real kernel format; see the socket list in the test below), and
// <pid>/fd with the socket links of nodeos plus some non-socket descriptors.
func procRoot(t *testing.T, withTCP6 bool) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"tcp"}
	if withTCP6 {
		names = append(names, "tcp6")
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "proc", "net", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "net", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fd := filepath.Join(root, strconv.Itoa(nodeosPID), "fd")
	if err := os.MkdirAll(fd, 0o755); err != nil {
		t.Fatal(err)
	}
	targets := []string{"/dev/null", "/var/log/nodeos/stderr.txt", "pipe:[777]", "anon_inode:[eventpoll]"}
	for _, inode := range []int{1001, 1002, 1003, 1004, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009} {
		targets = append(targets, "socket:["+strconv.Itoa(inode)+"]")
	}
	for i, target := range targets {
		if err := os.Symlink(target, filepath.Join(fd, strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// The fixtures hold, for nodeos (pid 4242, p2p port 9876, HTTP 8888, state history 8080):
//
//	tcp:  inbound p2p 2001 and 2002, outbound p2p 2003 (ESTABLISHED, counted);
//	      HTTP client of nodeos 2004 and its peer socket 3001, state-history client 2005,
//	      sshd 3002, a SYN_SENT p2p dial 2006, a TIME_WAIT p2p socket, listeners (not counted).
//	tcp6: inbound p2p 2007 (v4-mapped), outbound p2p 2008 (counted); HTTP client 2009 over ::1.
func TestCountProcPeers(t *testing.T) {
	root := procRoot(t, true)
	tests := []struct {
		name string
		cfg  PeerCountConfig
		want int
	}{
		{"port and pid", PeerCountConfig{ListenPort: 9876, PID: nodeosPID, ProcRoot: root}, 5},
		{"port only: inbound", PeerCountConfig{ListenPort: 9876, ProcRoot: root}, 3},
		{"pid only: outbound", PeerCountConfig{PID: nodeosPID, ProcRoot: root}, 2},
		{"other port", PeerCountConfig{ListenPort: 19876, ProcRoot: root}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CountProcPeers(tc.cfg)
			if err != nil || got != tc.want {
				t.Fatalf("CountProcPeers(%+v) = %d, %v; want %d", tc.cfg, got, err, tc.want)
			}
		})
	}

	// Without IPv6 the tcp6 table is absent: only the IPv4 peers count.
	root4 := procRoot(t, false)
	if got, err := CountProcPeers(PeerCountConfig{ListenPort: 9876, PID: nodeosPID, ProcRoot: root4}); err != nil || got != 3 {
		t.Errorf("CountProcPeers without tcp6 = %d, %v; want 3", got, err)
	}
}

func TestCountProcPeersErrors(t *testing.T) {
	root := procRoot(t, true)
	if _, err := CountProcPeers(PeerCountConfig{ProcRoot: root}); err == nil {
		t.Error("CountProcPeers without port or pid succeeded, want error")
	}
	if _, err := CountProcPeers(PeerCountConfig{ListenPort: 9876, PID: 1, ProcRoot: root}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CountProcPeers for a missing pid: %v, want fs.ErrNotExist", err)
	}
	if _, err := CountProcPeers(PeerCountConfig{ListenPort: 9876, ProcRoot: t.TempDir()}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CountProcPeers without net/tcp: %v, want fs.ErrNotExist", err)
	}
	for _, bad := range []string{
		"",
		"not a header\n",
		"  sl  local_address rem_address   st\n   0: 0100000A:2694 0500000A:9CBA 01\n",
		"  sl  local_address rem_address   st\n   0: 0100000A:ZZZZ 0500000A:9CBA 01 0:0 0:0 0 0 0 2001\n",
		"  sl  local_address rem_address   st\n   0: 0100000A:2694 0500000A:9CBA XX 0:0 0:0 0 0 0 2001\n",
		"  sl  local_address rem_address   st\n   0: 0100000A:2694 0500000A:9CBA 01 0:0 0:0 0 0 0 x\n",
	} {
		if _, err := parseTCPTable([]byte(bad)); err == nil {
			t.Errorf("parseTCPTable(%q) succeeded, want error", bad)
		}
	}
}

func TestPeerCount(t *testing.T) {
	root := procRoot(t, true)
	cfg := PeerCountConfig{ListenPort: 9876, PID: nodeosPID, ProcRoot: root}
	tests := []struct {
		name    string
		replies map[string]reply
		want    PeerCount
	}{
		// Leap 5: a connecting peer and a closed socket do not count.
		{"leap5", map[string]reply{PathConnections: {201, mustFixture("connections_leap5.json")}}, PeerCount{2, PeerSourceNetAPI}},
		// EOSIO 2.0 has no is_socket_open: a peer without a handshake does not count.
		{"eosio2.0", map[string]reply{PathConnections: {201, mustFixture("connections_eosio20.json")}}, PeerCount{1, PeerSourceNetAPI}},
		{"spring", map[string]reply{PathConnections: {201, mustFixture("connections_spring.json")}}, PeerCount{1, PeerSourceNetAPI}},
		{"no peers", map[string]reply{PathConnections: {201, `[]`}}, PeerCount{0, PeerSourceNetAPI}},
		// net_api_plugin not loaded: 404 Unknown Endpoint, counted from /proc.
		{"no net_api", map[string]reply{}, PeerCount{5, PeerSourceProc}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newFakeNode(t, tc.replies)
			got, err := c.PeerCount(context.Background(), cfg)
			if err != nil || got != tc.want {
				t.Fatalf("PeerCount = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}

	// A node that cannot be reached is an error, not a count from /proc.
	c, err := NewClient(Config{URL: "http://" + closedPort(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PeerCount(context.Background(), cfg); !errors.Is(err, ErrUnreachable) {
		t.Errorf("PeerCount on an unreachable node: %v, want ErrUnreachable", err)
	}
}

func TestConnectionsDecode(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{PathConnections: {201, mustFixture("connections_spring.json")}})
	conns, err := c.Connections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 1 {
		t.Fatalf("got %d connections", len(conns))
	}
	cs := conns[0]
	h := cs.LastHandshake
	if cs.Peer != "" || cs.RemoteIP != "10.0.0.5" || cs.RemotePort != "40122" || !cs.IsBPPeer || !cs.IsBPGossipPeer ||
		cs.IsSocketOpen == nil || !*cs.IsSocketOpen || cs.LastVoteReceived == nil ||
		h.NetworkVersion != 1213 || h.Time != 1756980000123456789 || h.Head() != 450000003 ||
		h.Irreversible() != 450000000 || h.Agent != "Spring Agent" || h.Generation != 4 {
		t.Errorf("Spring connection decoded as %+v", cs)
	}

	var leap []Connection
	if err := decodeFixture("connections_leap5.json", &leap); err != nil {
		t.Fatal(err)
	}
	if h := leap[0].LastHandshake; h.Head() != 6594 || h.Irreversible() != 6593 || h.P2PAddress != "192.168.50.250:4444 - 5fb300c" {
		t.Errorf("Leap handshake decoded as %+v", h)
	}
	if leap[0].LastVoteReceived != nil || leap[0].IsBPGossipPeer {
		t.Errorf("Leap connection has Spring-only fields set: %+v", leap[0])
	}
}

// decodeFixture decodes testdata/api/name into v.
func decodeFixture(name string, v any) error { return json.Unmarshal([]byte(mustFixture(name)), v) }
