package nodeos

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/eoskeeper/eoskeeper/nodeos/internal/loggen"
)

// benchLogMB is the size of the generated log the file benchmarks read:
// EOSKEEPER_BENCH_LOG_MB, 64 by default (scripts/bench-follower uses 1024).
func benchLogMB(b *testing.B) int64 {
	s := os.Getenv("EOSKEEPER_BENCH_LOG_MB")
	if s == "" {
		return 64
	}
	mb, err := strconv.ParseInt(s, 10, 64)
	if err != nil || mb <= 0 {
		b.Fatalf("EOSKEEPER_BENCH_LOG_MB=%q: want a positive number of megabytes", s)
	}
	return mb
}

// writeBenchLog generates the benchmark log in a temporary directory.
func writeBenchLog(b *testing.B) (string, loggen.Stats) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "nodeos.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	st, err := loggen.Write(f, benchLogMB(b)<<20, loggen.Config{Seed: 1})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return path, st
}

// BenchmarkLogFile compares reading a realistic Spring log several ways: ParseLine over the
// file, the Follower end to end (events drained from its channel) reporting every event or
// only Produced ones, and `grep -F "Produced block"` on the same file. Compare their MB/s.
func BenchmarkLogFile(b *testing.B) {
	path, st := writeBenchLog(b)
	b.Logf("log: %d MB, %d lines, %d produced, %d received, %d not producing",
		st.Bytes>>20, st.Lines, st.Produced, st.Received, st.NotProducing)

	b.Run("ParseLine", func(b *testing.B) {
		b.SetBytes(st.Bytes)
		b.ReportAllocs()
		for b.Loop() {
			if n := parseFile(b, path); n != st.Events() {
				b.Fatalf("parsed %d events, want %d", n, st.Events())
			}
		}
	})
	b.Run("Follower", func(b *testing.B) {
		b.SetBytes(st.Bytes)
		b.ReportAllocs()
		for b.Loop() {
			if n := followFile(b, path, nil, st.Events()); n != st.Events() {
				b.Fatalf("followed %d events, want %d", n, st.Events())
			}
		}
	})
	// The same work as the grep below: report only the Produced lines.
	b.Run("FollowerProducedOnly", func(b *testing.B) {
		b.SetBytes(st.Bytes)
		b.ReportAllocs()
		for b.Loop() {
			if n := followFile(b, path, []EventKind{EventProduced}, st.Produced); n != st.Produced {
				b.Fatalf("followed %d events, want %d", n, st.Produced)
			}
		}
	})
	b.Run("grep", func(b *testing.B) {
		grep, err := exec.LookPath("grep")
		if err != nil {
			b.Skip("no grep:", err)
		}
		b.SetBytes(st.Bytes)
		for b.Loop() {
			cmd := exec.Command(grep, "-F", "Produced block", path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			n, err := countLines(out) // reading the output keeps grep from taking the -q shortcut
			if werr := cmd.Wait(); err == nil {
				err = werr
			}
			if err != nil {
				b.Fatal(err)
			}
			if n != st.Produced {
				b.Fatalf("grep found %d lines, want %d", n, st.Produced)
			}
		}
	})
}

// parseFile runs ParseLine over every line of the file and returns the number of events.
func parseFile(b *testing.B, path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var events int64
	buf := make([]byte, readBufferBytes)
	n := 0
	for {
		r, err := f.Read(buf[n:])
		n += r
		data, i := buf[:n], 0
		for {
			nl := bytes.IndexByte(data[i:], '\n')
			if nl < 0 {
				break
			}
			if _, ok, perr := ParseLine(data[i : i+nl+1]); ok {
				events++
			} else if perr != nil {
				b.Fatal(perr)
			}
			i += nl + 1
		}
		n = copy(buf, data[i:])
		if err == io.EOF {
			return events
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// followFile runs a Follower over the file until want events of the given kinds arrive.
func followFile(b *testing.B, path string, kinds []EventKind, want int64) int64 {
	f, err := NewFollower(FollowerConfig{Path: path, Start: AtOffset(0), Kinds: kinds})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	var n int64
	for n < want {
		if _, ok := <-f.Events(); !ok {
			break
		}
		n++
	}
	cancel()
	<-done
	if f.ParseErrors() != 0 {
		b.Fatalf("%d parse errors", f.ParseErrors())
	}
	return n
}

func countLines(r io.Reader) (int64, error) {
	var n int64
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			n++
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return n, err
		}
	}
}

// BenchmarkParseLine measures single lines: the cost of skipping an unrelated line (which
// must not allocate) and of parsing the two block lines.
func BenchmarkParseLine(b *testing.B) {
	lines := []struct{ name, line string }{
		{"skipped", spring.with(`["peer1.example.net:9876 - 1a2b3c4"] received handshake gen 12, lib 399999998, head 400000000`) + "\n"},
		{"received", recvLine(400000000)},
		{"produced", spring.with("Produced block 1f2e3d4c5b6a7980... #1000 @ 2025-01-01T00:00:06.000 signed by eosstorebest [trxs: 3, lib: 998, net: 1200, cpu: 800 us, elapsed: 450 us, producing time: 462421 us]") + "\n"},
	}
	for _, l := range lines {
		b.Run(l.name, func(b *testing.B) {
			line := []byte(l.line)
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseLine(line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
