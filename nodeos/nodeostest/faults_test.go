package nodeostest

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestKillAndRestart(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2}, NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "F"})
	a := nodes[0]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(3)
	a.Kill()
	before := len(readLog(t, a.LogPath))
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, err := fresh.Post(a.URL+"/v1/chain/get_info", "", nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("get_info on a killed node: %v, want connection refused", err)
	}
	n.Advance(30)
	if a.Produced() != 3 || len(readLog(t, a.LogPath)) != before || a.Alive() {
		t.Fatalf("killed node produced %d (want 3) or logged %d lines (want %d)", a.Produced(), len(readLog(t, a.LogPath)), before)
	}
	url := a.URL
	if err := a.Restart(); err != nil {
		t.Fatal(err)
	}
	if a.URL != url || !a.Paused() || !a.Alive() {
		t.Fatalf("restarted node: URL %s (was %s), paused %v", a.URL, url, a.Paused())
	}
	if status, body := post(t, a.URL+"/v1/producer/paused", ""); status != 201 || body != "true" {
		t.Fatalf("paused after restart = %d %s", status, body)
	}
	if a.Head() != n.Head() {
		t.Fatalf("restarted node at %d, network at %d", a.Head().Num, n.Head().Num)
	}
	if got := len(grep(readLog(t, a.LogPath), "] Launching block production for 1 producers at ")); got != 2 {
		t.Fatalf("%d startup lines, want 2", got)
	}
	n.Advance(12)
	if a.Produced() != 3 {
		t.Fatalf("restarted node produced while paused: %d", a.Produced())
	}
}

func TestHang(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{Name: "A", ProducerNode: true})
	a := nodes[0]
	post(t, a.URL+"/v1/producer/resume", "")
	a.Hang()
	short := &http.Client{Timeout: 100 * time.Millisecond}
	if _, err := short.Post(a.URL+"/v1/chain/get_info", "", nil); err == nil || !strings.Contains(err.Error(), "Client.Timeout") {
		t.Fatalf("hung node answered: %v", err)
	}
	n.Advance(4)
	if a.Produced() != 4 {
		t.Fatalf("hung node produced %d, want 4", a.Produced())
	}
	done := make(chan int, 1)
	go func() {
		resp, err := http.Post(a.URL+"/v1/producer/paused", "", nil)
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	if err := n.WaitFor(testCtx(t), func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		return n.requests > 0
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-done:
		t.Fatalf("request answered while hung: %d", s)
	default:
	}
	a.Unhang()
	if s := <-done; s != 201 {
		t.Fatalf("request after Unhang: status %d, want 201", s)
	}
}

func TestCloseReleasesHungRequests(t *testing.T) {
	n := NewUnstartedNetwork(Config{Producers: 1, ManualClock: true})
	a := n.AddNode(NodeConfig{})
	n.Start()
	a.Hang()
	errc := make(chan error, 1)
	go func() {
		_, err := http.Post(a.URL+"/v1/chain/get_info", "", nil)
		errc <- err
	}()
	_ = n.WaitFor(testCtx(t), func() bool { n.mu.Lock(); defer n.mu.Unlock(); return n.requests > 0 })
	n.Close()
	if err := <-errc; err == nil {
		t.Fatal("hung request got an answer after Close")
	}
	if _, err := os.Stat(n.Dir()); !os.IsNotExist(err) {
		t.Fatalf("log dir not removed: %v", err)
	}
}

func TestStall(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2}, NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "F"})
	a := nodes[0]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(2)
	a.Stall(true)
	frozen := a.Head()
	n.Advance(30)
	var info struct {
		Head uint32 `json:"head_block_num"`
	}
	status, body := post(t, a.URL+"/v1/chain/get_info", "")
	if err := json.Unmarshal([]byte(body), &info); err != nil || status != 200 || info.Head != frozen.Num {
		t.Fatalf("stalled get_info = %d %s, want head %d", status, body, frozen.Num)
	}
	if a.Produced() != 2 || n.Head().Num != frozen.Num+12 {
		t.Fatalf("stalled node produced %d (want 2); network head %d", a.Produced(), n.Head().Num)
	}
	a.Stall(false)
	if a.Head() != n.Head() {
		t.Fatalf("unstalled node at %d, network at %d", a.Head().Num, n.Head().Num)
	}
}

func TestFail500AndMalformed(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{})
	a := nodes[0]
	a.Fail500(true)
	want := `{"code":500,"message":"Internal Service Error","error":{"code":0,"name":"exception","what":"unspecified","details":[{"message":"simulated failure","file":"beast_http_session.hpp","line_number":273,"method":"handle_exception"}]}}`
	if status, body := post(t, a.URL+"/v1/chain/get_info", ""); status != 500 || body != want {
		t.Fatalf("Fail500 get_info = %d %s", status, body)
	}
	a.Fail500(false)
	a.Malformed(true)
	status, body := post(t, a.URL+"/v1/chain/get_info", "")
	if status != 200 || json.Valid([]byte(body)) || !strings.HasPrefix(body, `{"server_version":"`) {
		t.Fatalf("Malformed get_info = %d %s, want 200 truncated JSON", status, body)
	}
	a.Malformed(false)
	if _, body := post(t, a.URL+"/v1/chain/get_info", ""); !json.Valid([]byte(body)) {
		t.Fatalf("get_info still malformed: %s", body)
	}
}

func TestPartitionIsolatedProducer(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 3, OurIndex: 1},
		NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "B", ProducerNode: true}, NodeConfig{Name: "F"})
	a, b, f := nodes[0], nodes[1], nodes[2]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(6)
	n.Partition([]*Node{a})
	libA, headA := a.LIB(), a.Head().Num
	n.Advance(6) // virtual slots: A sees nothing
	if a.Head().Num != headA || a.LIB() != libA {
		t.Fatalf("isolated A moved outside its turn: head %d lib %d", a.Head().Num, a.LIB())
	}
	post(t, b.URL+"/v1/producer/resume", "") // the majority fails over while A still produces alone
	n.Advance(12)
	if a.Head().Num != headA+12 || a.LIB() != libA || a.Head().Producer != DefaultOurs {
		t.Fatalf("isolated A: head %d (want %d), lib %d (want %d)", a.Head().Num, headA+12, a.LIB(), libA)
	}
	if f.Head() != b.Head() || f.Head().Node != "B" || f.LIB() != f.Head().Num-2 {
		t.Fatalf("majority: F head %+v lib %d, B head %+v", f.Head(), f.LIB(), b.Head())
	}
	if d := n.DoubleProduced(); len(d) != 1 {
		t.Fatalf("DoubleProduced = %v, want 1 turn", d)
	}
	// The minority sees only its own producer: few distinct producers in its recent blocks.
	post(t, b.URL+"/v1/producer/pause", "")
	n.Heal()
	if a.Head() != n.Head() || a.LIB() != n.Head().Num-2 {
		t.Fatalf("after Heal: A head %d lib %d, network head %d", a.Head().Num, a.LIB(), n.Head().Num)
	}
	if got := len(grep(readLog(t, a.LogPath), "] switching forks from ")); got != 1 {
		t.Fatalf("A logged %d fork switches on heal, want 1", got)
	}
}

func TestRotateLog(t *testing.T) {
	for _, mode := range []RotateMode{RotateRename, RotateCopyTruncate, RotateRemove} {
		n, nodes := manualNet(t, Config{Producers: 2, OurIndex: 1}, NodeConfig{Name: "F"})
		f := nodes[0]
		n.Advance(3)
		rotated, err := f.RotateLog(mode)
		if err != nil {
			t.Fatal(err)
		}
		if mode == RotateRemove {
			if _, err := os.Stat(f.LogPath); !os.IsNotExist(err) {
				t.Fatalf("mode %d: log still there: %v", mode, err)
			}
		} else if got := len(readLog(t, rotated)); got != 3 {
			t.Fatalf("mode %d: rotated copy has %d lines, want 3", mode, got)
		}
		n.Advance(2)
		lines := readLog(t, f.LogPath)
		if len(lines) != 2 || !strings.Contains(lines[0], "] Received block ") {
			t.Fatalf("mode %d: log after rotation: %q", mode, lines)
		}
	}
}

// Blocks a partitioned producer signs on its own fork are not on the chain the network keeps:
// the referee counts those turns as missed.
func TestMissedIgnoresMinorityFork(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2, OurIndex: 1},
		NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "F"})
	a := nodes[0]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(48)
	before := len(n.Missed())
	n.Partition([]*Node{a})
	n.Advance(48) // two rounds: A signs both of our turns, alone
	signed := 0
	for _, b := range n.OurBlocks() {
		if b.Node == "A" {
			signed++
		}
	}
	if signed < 24+12 {
		t.Fatalf("A signed %d blocks, want its turns before and during the partition", signed)
	}
	if got := len(n.Missed()) - before; got != 2 {
		t.Fatalf("Missed grew by %d turns during the partition, want 2: A's minority fork is not the chain", got)
	}
}
