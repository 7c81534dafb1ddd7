package consultest

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// echoServer answers each line with the same line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line on c and reads the answer within d.
func roundTrip(c net.Conn, r *bufio.Reader, d time.Duration) (string, error) {
	if err := c.SetDeadline(time.Now().Add(d)); err != nil {
		return "", err
	}
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return "", err
	}
	return r.ReadString('\n')
}

func TestProxyForwards(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := roundTrip(c, bufio.NewReader(c), 5*time.Second)
	if err != nil || got != "ping\n" {
		t.Fatalf("round trip through proxy = %q, %v; want \"ping\\n\"", got, err)
	}
}

func TestProxyRefuse(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := roundTrip(c, r, 5*time.Second); err != nil {
		t.Fatalf("round trip before cut: %v", err)
	}
	p.Cut(Refuse)
	if got, err := roundTrip(c, r, 5*time.Second); err == nil {
		t.Fatalf("open connection answered %q after Cut(Refuse); want an error", got)
	}
	c2, err := net.Dial("tcp", p.Addr)
	if err == nil {
		defer c2.Close()
		if got, err := roundTrip(c2, bufio.NewReader(c2), 5*time.Second); err == nil {
			t.Fatalf("new connection answered %q during Cut(Refuse); want an error", got)
		}
	}
	p.Restore()
	c3, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if got, err := roundTrip(c3, bufio.NewReader(c3), 5*time.Second); err != nil || got != "ping\n" {
		t.Fatalf("round trip after Restore = %q, %v; want \"ping\\n\"", got, err)
	}
}

func TestProxyBlackhole(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := roundTrip(c, r, 5*time.Second); err != nil {
		t.Fatalf("round trip before cut: %v", err)
	}
	p.Cut(Blackhole)
	_, err = roundTrip(c, r, 200*time.Millisecond)
	var ne net.Error
	if err == nil || !asNetTimeout(err, &ne) {
		t.Fatalf("round trip during Cut(Blackhole) = %v; want a timeout", err)
	}
	// The held request goes through once the proxy is restored.
	p.Restore()
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadString('\n')
	if err != nil || got != "ping\n" {
		t.Fatalf("held request after Restore = %q, %v; want \"ping\\n\"", got, err)
	}
}

func asNetTimeout(err error, ne *net.Error) bool {
	e, ok := err.(net.Error)
	if ok {
		*ne = e
	}
	return ok && e.Timeout()
}
