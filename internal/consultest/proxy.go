package consultest

import (
	"net"
	"sync"
	"testing"
)

// CutMode says how a Proxy behaves while cut.
type CutMode int

const (
	// Refuse closes every open connection and closes new ones as soon as
	// they are accepted: the client sees resets, as when the agent is down.
	Refuse CutMode = iota
	// Blackhole keeps connections open but moves no bytes in either
	// direction, and new connections are accepted but not forwarded: the
	// client's requests hang, as in a network partition. Restore lets
	// held bytes and connections through.
	Blackhole
)

// String returns the mode's name.
func (m CutMode) String() string {
	switch m {
	case Refuse:
		return "refuse"
	case Blackhole:
		return "blackhole"
	default:
		return "CutMode(?)"
	}
}

// Proxy is a TCP proxy on 127.0.0.1 in front of a target address that a test
// can cut and restore. Its methods are safe for concurrent use.
type Proxy struct {
	// Addr is the proxy's listening address, host:port.
	Addr string

	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu     sync.Mutex
	cut    bool
	mode   CutMode
	open   chan struct{} // closed while the proxy forwards
	conns  map[net.Conn]struct{}
	closed bool
}

// NewProxy starts a proxy to target (host:port) and closes it in t.Cleanup.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("consultest: proxy listen: %v", err)
	}
	open := make(chan struct{})
	close(open)
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln, open: open, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// Cut stops the proxy forwarding in the given mode until Restore.
func (p *Proxy) Cut(mode CutMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.cut {
		p.open = make(chan struct{})
	}
	p.cut, p.mode = true, mode
	if mode == Refuse {
		for c := range p.conns {
			c.Close()
		}
	}
}

// Restore makes the proxy forward again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		p.cut = false
		close(p.open)
	}
}

// Close stops the proxy, closes every connection and waits for its
// goroutines to exit.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	if p.cut {
		p.cut = false
		close(p.open)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// gate returns whether the proxy is cut in Refuse mode, and a channel that is
// closed while it forwards.
func (p *Proxy) gate() (refuse bool, open <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut && p.mode == Refuse, p.open
}

// track registers c so Cut(Refuse) and Close can close it; it returns false
// when the proxy is closed or refusing.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || (p.cut && p.mode == Refuse) {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// serve waits for the gate, dials the target and pumps both ways.
func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	defer p.untrack(client)
	defer client.Close()
	if !p.wait() {
		return
	}
	upstream, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(upstream) {
		upstream.Close()
		return
	}
	defer p.untrack(upstream)
	defer upstream.Close()
	done := make(chan struct{}, 2)
	pump := func(dst, src net.Conn) {
		p.copy(dst, src)
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pump(upstream, client)
	go pump(client, upstream)
	<-done
	<-done
}

func (p *Proxy) isOpen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.closed
}

// copy moves bytes from src to dst, holding each chunk while the proxy is cut.
func (p *Proxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.wait() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// wait blocks while the proxy is blackholed and reports whether bytes may
// move: false when it is refusing or closed.
func (p *Proxy) wait() bool {
	refuse, open := p.gate()
	if refuse {
		return false
	}
	<-open
	refuse, _ = p.gate()
	return !refuse && p.isOpen()
}
