package nodeostest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Node is one simulated nodeos instance: a real HTTP server and a log file in nodeos's format.
// Its fields are set by AddNode and never change.
type Node struct {
	// Name identifies the node in the ledger.
	Name string
	// URL is the base URL of the node's HTTP API, of the form http://ipaddr:port with no trailing
	// slash. It stays the same across Kill and Restart.
	URL string
	// LogPath is the file the node writes its log to.
	LogPath string

	net   *Network
	cfg   NodeConfig
	index int
	addr  string

	// Guarded by net.mu.
	alive     bool
	paused    bool // explicit pause (API or pause-on-startup)
	stalled   bool
	hang      chan struct{} // non-nil while hung; closed by Unhang
	fail500   bool
	malformed bool
	peers     int
	group     *group
	head      *block
	lib       uint32
	produced  int
	notProdAt nodeos.Slot // slot of the last "Not producing" line
	vote      voteState
	log       *logWriter

	srvMu sync.Mutex // serializes server start/stop
	srv   *http.Server
	srvWG sync.WaitGroup
}

// AddNode adds a node to the network and starts its HTTP server. On a started network the node
// joins in sync with the group holding the virtual producers. It panics when the listen address
// is unavailable or the log cannot be opened.
func (n *Network) AddNode(cfg NodeConfig) *Node {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		panic(fmt.Sprintf("nodeostest: node %s: listen: %v", cfg.Name, err))
	}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		_ = ln.Close()
		panic("nodeostest: AddNode on a closed network")
	}
	idx := len(n.nodes)
	if cfg.Name == "" {
		cfg.Name = fmt.Sprintf("node%d", idx)
	}
	if n.nodeLocked(cfg.Name) != nil {
		n.mu.Unlock()
		_ = ln.Close()
		panic(fmt.Sprintf("nodeostest: duplicate node name %q", cfg.Name))
	}
	if cfg.LogPath == "" {
		cfg.LogPath = filepath.Join(n.dir, cfg.Name+".log")
	}
	if cfg.Version == "" {
		cfg.Version = n.cfg.LogFormat.version().Release
	}
	peers := cfg.Peers
	if peers == 0 {
		peers = DefaultPeers
	} else if peers < 0 {
		peers = 0
	}
	g := n.mainGroup()
	nd := &Node{
		Name: cfg.Name, URL: "http://" + ln.Addr().String(), LogPath: cfg.LogPath,
		net: n, cfg: cfg, index: idx, addr: ln.Addr().String(),
		alive: true, paused: cfg.ProducerNode, peers: peers,
		group: g, head: g.head, lib: g.lib,
		log: newLogWriter(cfg.LogPath),
	}
	nd.vote.base = n.slot
	n.fin.nodeAdded(nd)
	n.nodes = append(n.nodes, nd)
	nd.logStartup(n.nowLocked())
	n.mu.Unlock()
	nd.serve(ln)
	return nd
}

// serve starts the HTTP server on ln.
func (nd *Node) serve(ln net.Listener) {
	nd.srvMu.Lock()
	defer nd.srvMu.Unlock()
	srv := &http.Server{Handler: nd}
	nd.srv = srv
	nd.srvWG.Add(1)
	go func() {
		defer nd.srvWG.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
}

// stopServer closes the listener and every connection, and waits for the server goroutine.
func (nd *Node) stopServer() {
	nd.srvMu.Lock()
	defer nd.srvMu.Unlock()
	if nd.srv != nil {
		_ = nd.srv.Close()
		nd.srv = nil
	}
	nd.srvWG.Wait()
}

// Kill stops the node like SIGKILL: its port refuses connections, it neither produces nor
// receives blocks, and its log stops. Kill on a dead node does nothing.
func (nd *Node) Kill() {
	n := nd.net
	n.mu.Lock()
	if !nd.alive {
		n.mu.Unlock()
		return
	}
	nd.alive = false
	if nd.hang != nil {
		close(nd.hang)
		nd.hang = nil
	}
	n.mu.Unlock()
	nd.stopServer()
}

// Restart starts a killed node again on the same address. Like nodeos with pause-on-startup it
// comes back paused (producer nodes), logs its startup lines, and syncs to its group's head.
// It returns an error when the address cannot be bound again.
func (nd *Node) Restart() error {
	n := nd.net
	n.mu.Lock()
	if nd.alive || n.closed {
		n.mu.Unlock()
		return nil
	}
	n.mu.Unlock()
	ln, err := net.Listen("tcp", nd.addr)
	if err != nil {
		return fmt.Errorf("nodeostest: restart %s: listen: %w", nd.Name, err)
	}
	n.mu.Lock()
	nd.alive = true
	nd.paused = nd.cfg.ProducerNode
	nd.stalled = false
	nd.vote.base = n.slot
	nd.logStartup(n.nowLocked())
	n.syncNode(nd, nd.group.head, n.nowLocked())
	n.mu.Unlock()
	nd.serve(ln)
	return nil
}

// Hang makes the HTTP server accept requests and never answer them until Unhang (or Kill, or
// Close). Production continues.
func (nd *Node) Hang() {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	if nd.hang == nil && nd.alive {
		nd.hang = make(chan struct{})
	}
}

// Unhang lets hung requests, and new ones, be answered again.
func (nd *Node) Unhang() {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	if nd.hang != nil {
		close(nd.hang)
		nd.hang = nil
	}
}

// Stall freezes the node's head: it stops receiving, producing and voting while its HTTP API
// keeps answering with the frozen view. Stall(false) resumes and syncs it to its group's head.
func (nd *Node) Stall(on bool) {
	n := nd.net
	n.mu.Lock()
	defer n.mu.Unlock()
	if nd.stalled == on {
		return
	}
	nd.stalled = on
	if !on && nd.alive {
		n.syncNode(nd, nd.group.head, n.nowLocked())
	}
}

// Freeze models SIGSTOP (on) and SIGCONT (off) of the node's process: while frozen its head
// stands still, it neither receives nor produces, and HTTP requests hang unanswered; when it
// continues it syncs to its group's head and answers the requests still waiting, keeping the
// paused state it had, so a node frozen while producing goes on producing.
func (nd *Node) Freeze(on bool) {
	if on {
		nd.Stall(true)
		nd.Hang()
		return
	}
	nd.Stall(false)
	nd.Unhang()
}

// SetPeers sets the p2p connection count /v1/net/connections reports.
func (nd *Node) SetPeers(peers int) {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	if peers < 0 {
		peers = 0
	}
	nd.peers = peers
}

// Fail500 makes every endpoint answer HTTP 500 with a nodeos error body while on.
func (nd *Node) Fail500(on bool) {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	nd.fail500 = on
}

// Malformed makes every endpoint answer with truncated JSON while on.
func (nd *Node) Malformed(on bool) {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	nd.malformed = on
}

// Alive reports whether the node is running (not killed).
func (nd *Node) Alive() bool {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	return nd.alive
}

// Paused reports what /v1/producer/paused would answer: the explicit pause, or in Spring the
// implicit vote-timeout pause.
func (nd *Node) Paused() bool {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	return nd.pausedLocked()
}

func (nd *Node) pausedLocked() bool {
	return nd.paused || nd.net.implicitlyPaused(nd, nd.net.slot+1)
}

// Produced returns the number of blocks this node has signed.
func (nd *Node) Produced() int {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	return nd.produced
}

// Head returns the node's head block, as get_info reports it.
func (nd *Node) Head() Block {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	return nd.head.Block
}

// LIB returns the node's last irreversible block number, as get_info reports it.
func (nd *Node) LIB() uint32 {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	return nd.lib
}

// active reports whether the node takes part in the chain (alive and not stalled).
func (nd *Node) active() bool { return nd.alive && !nd.stalled }

// serverVersion is get_info's server_version: 8 hex chars derived from the version string.
func (nd *Node) serverVersion() string { return versionHash(nd.cfg.Version)[:8] }

// fullVersion is get_info's server_full_version_string: version, dash, 40-hex commit.
func (nd *Node) fullVersion() string { return nd.cfg.Version + "-" + versionHash(nd.cfg.Version)[:40] }

func versionHash(v string) string {
	h := sha256.Sum256([]byte("nodeos " + v))
	return hex.EncodeToString(h[:])
}
