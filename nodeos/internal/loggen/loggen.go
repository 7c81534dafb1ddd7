// Package loggen writes deterministic, realistic nodeos logs in Spring's format, for
// benchmarking the log follower against a file of any size.
//
// A log has one line per block slot, as a node on a 21-producer mainnet writes: "Received
// block" for the other producers' blocks and "Produced block" for the blocks of the node's
// own producer, with net_plugin and http_plugin chatter and an occasional "Not producing
// block because …" line in between. The same Config always gives the same bytes.
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/nodeosfmt"
)

// release is the nodeos release whose lines the log holds.
var release = &nodeosfmt.Spring

// Config shapes a generated log. Zero fields take the defaults noted.
type Config struct {
	// Producers is the active schedule; defaults to 21 mainnet-like names including Ours.
	Producers []string
	// Ours is the producer whose blocks this node signs; defaults to "eosstorebest".
	Ours string
	// FirstBlock is the number of the first block; defaults to 400000000.
	FirstBlock uint32
	// Start is the block timestamp of the first block; defaults to 2025-01-01T00:00:00Z.
	Start time.Time
	// Seed selects the pseudo-random statistics, latencies and chatter.
	Seed uint64
}

// Stats counts what Write wrote.
type Stats struct {
	Bytes, Lines                     int64
	Produced, Received, NotProducing int64
	Chatter                          int64
}

// Events is the number of lines a log parser reports as events.
func (s Stats) Events() int64 { return s.Produced + s.Received + s.NotProducing }

// DefaultProducers is a 21-name schedule in the style of EOS mainnet.
func DefaultProducers() []string {
	return []string{
		"aus1genereos", "big.one", "binancestake", "bitfinexeos1", "blockpooleos", "eosasia11111",
		"eoscannonchn", "eoseouldotio", "eosflytomars", "eosinfstones", "eosiosg11111",
		"eosnationftw", "eosrapidprod", "eosstorebest", "hashfineosio", "newdex.bp",
		"okcapitalbp1", "starteosiobp", "teamgreymass", "whaleex.com", "atticlabeosb",
	}
}

const epochMs = 946684800000 // block timestamp epoch, 2000-01-01T00:00:00Z

// Write writes whole lines to w until at least size bytes are written.
func Write(w io.Writer, size int64, cfg Config) (Stats, error) {
	if len(cfg.Producers) == 0 {
		cfg.Producers = DefaultProducers()
	}
	if cfg.Ours == "" {
		cfg.Ours = "eosstorebest"
	}
	if cfg.FirstBlock == 0 {
		cfg.FirstBlock = 400000000
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	g := &gen{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x6e6f64656f73)), bw: bufio.NewWriterSize(w, 1<<20)}
	slot := (cfg.Start.UnixMilli() - epochMs) / 500
	num := cfg.FirstBlock
	for g.st.Bytes < size {
		g.block(slot, num)
		slot++
		num++
	}
	if err := g.bw.Flush(); err != nil {
		return g.st, fmt.Errorf("loggen: %w", err)
	}
	return g.st, g.err
}

type gen struct {
	cfg  Config
	rng  *rand.Rand
	bw   *bufio.Writer
	line []byte
	st   Stats
	err  error
}

// block writes the lines of one block slot.
func (g *gen) block(slot int64, num uint32) {
	n := int64(len(g.cfg.Producers))
	producer := g.cfg.Producers[(slot%(n*12))/12]
	blockMs := epochMs + slot*500
	blk := nodeosfmt.Block{ID: fmt.Sprintf("%016x", g.rng.Uint64()), Num: num, Time: time.UnixMilli(blockMs),
		Producer: producer, LIB: num - 2, Savanna: true}
	ours := producer == g.cfg.Ours
	// Produced lines are written just before the block time (docs/nodeos.md, Produced block).
	at := blockMs - 37*int64(slot%12+1)
	if !ours {
		blk.Latency = int64(g.rng.IntN(400)) - 100
		at = blockMs + blk.Latency
	}
	blk.Trxs = g.rng.IntN(60)
	blk.Net, blk.CPU, blk.Elapsed = int64(g.rng.IntN(90000)), int64(g.rng.IntN(40000)), int64(g.rng.IntN(70000))
	if ours {
		blk.Took = 462000 + int64(g.rng.IntN(500))
		g.line = release.AppendProduced(g.line[:0], time.UnixMilli(at), blk)
		g.st.Produced++
	} else {
		blk.Took = int64(g.rng.IntN(140000))
		g.line = release.AppendReceived(g.line[:0], time.UnixMilli(at), blk)
		g.st.Received++
	}
	g.flush()
	g.chatter(blockMs)
}

// chatter writes the lines between blocks: peers connecting and leaving, handshakes, API calls.
func (g *gen) chatter(blockMs int64) {
	r := g.rng.IntN(100)
	at := blockMs + int64(g.rng.IntN(500))
	peer := fmt.Sprintf("peer%d.example.net:9876 - %07x", g.rng.IntN(40), g.rng.Uint32()>>4)
	switch {
	case r < 12:
		g.prefix(at, "info", "net-0", nodeosfmt.Source{File: "net_plugin.cpp", Line: 3466, Method: "handle_message"})
		g.line = fmt.Appendf(g.line, "[\"%s\"] received handshake gen %d, lib %d, head %d", peer, g.rng.IntN(9000), g.rng.Uint32()>>4, g.rng.Uint32()>>4)
	case r < 20:
		g.prefix(at, "info", "net-1", nodeosfmt.Source{File: "net_plugin.cpp", Line: 1524, Method: "operator()"})
		g.line = fmt.Appendf(g.line, "[\"%s\"] Closing connection", peer)
	case r < 26:
		g.prefix(at, "info", "net-0", nodeosfmt.Source{File: "net_plugin.cpp", Line: 2961, Method: "operator()"})
		g.line = fmt.Appendf(g.line, "[\"%s\"] connection failed to %s: Connection refused", peer, peer[:20])
	case r < 30:
		g.prefix(at, "warn", "http-0", nodeosfmt.Source{File: "http_plugin.cpp", Line: 321, Method: "operator()"})
		g.line = fmt.Appendf(g.line, "/v1/chain/get_info: exceeded max response time %d us", g.rng.IntN(30000))
	case r < 31:
		g.line = release.NotProducingPaused.AppendLine(g.line[:0], time.UnixMilli(at),
			nodeosfmt.NotProducing{Block: time.UnixMilli(blockMs + 500)})
		g.st.NotProducing++
	default:
		return
	}
	g.st.Chatter++
	g.flush()
}

// prefix starts a line with the console appender's prefix (docs/nodeos.md, Line prefix).
func (g *gen) prefix(ms int64, level, thread string, src nodeosfmt.Source) {
	g.line = nodeosfmt.AppendPrefix(g.line[:0], level, time.UnixMilli(ms), thread, src)
}

func (g *gen) flush() {
	g.line = append(g.line, '\n')
	if _, err := g.bw.Write(g.line); err != nil && g.err == nil {
		g.err = fmt.Errorf("loggen: %w", err)
	}
	g.st.Bytes += int64(len(g.line))
	g.st.Lines++
}
