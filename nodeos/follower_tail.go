package nodeos

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"
)

// readBufferBytes is the initial read buffer; it grows up to MaxLogLineBytes for long lines.
const readBufferBytes = 256 << 10

// parseErrorLogInterval spaces out the parse errors a Follower logs.
const parseErrorLogInterval = time.Minute

// tail is the state of one Follower.Run: the open file and the bytes read from it that do
// not yet form a complete line. It is owned by the Run goroutine.
type tail struct {
	f    *Follower
	path string

	file *os.File
	info os.FileInfo // of file, to recognise a rename rotation
	pos  int64       // file offset just after buf[:n]
	buf  []byte
	n    int
	skip bool // discard bytes up to the next newline (start in mid-line, dropped long line)
	// sig holds the last sigLen bytes read (those just before pos), to recognise a file
	// that was truncated and rewritten past pos between two looks. It spans at least a whole
	// line, whose block number and times tell it from any other.
	sig    [512]byte
	sigLen int

	first     bool // the next open is the first and honours the configured start position
	missing   bool // the path does not exist (logged once)
	openErr   bool // the path cannot be opened (logged once)
	vanished  bool // the followed file was removed or renamed away (logged once)
	readErr   bool // reading the open file fails (logged once)
	parseErrs errorLimiter
}

func newTail(f *Follower) *tail {
	return &tail{
		f: f, path: f.cfg.Path, buf: make([]byte, readBufferBytes), first: true,
		parseErrs: errorLimiter{interval: parseErrorLogInterval},
	}
}

func (t *tail) close() {
	if t.file != nil {
		_ = t.file.Close()
		t.file = nil
	}
}

// step does one round of work: open the file, or read what is new and check for rotation
// and truncation. It reports whether anything changed, so Run only sleeps when idle.
func (t *tail) step(ctx context.Context) (bool, error) {
	if t.file == nil {
		return t.open(), nil
	}
	n, err := t.readToEOF(ctx)
	switch {
	case ctx.Err() != nil:
		return false, ctx.Err()
	case err != nil:
		// Retry at the same offset at the next poll; a rotation or vanishing is still
		// noticed below.
		if !t.readErr {
			t.f.log.Warn("reading log failed; retrying", "path", t.path, "offset", t.pos, "error", err)
			t.readErr = true
		}
	case n > 0:
		t.readErr = false
		return true, nil
	}
	if t.f.testHookAtEOF != nil {
		t.f.testHookAtEOF()
	}
	return t.checkFile(ctx)
}

// checkFile runs at the end of the file: it switches to a new file after a rename
// rotation, and rewinds after a truncation.
func (t *tail) checkFile(ctx context.Context) (bool, error) {
	st, err := os.Stat(t.path)
	if err != nil {
		if !t.vanished {
			t.f.log.Warn("log file vanished; reading the open file until a new one appears", "path", t.path, "error", err)
			t.vanished = true
		}
		return false, nil
	}
	t.vanished = false
	if !os.SameFile(st, t.info) {
		// Rotated by rename (or replaced): lines may have been written to the old file since
		// the last read, so finish it before moving on.
		if _, err := t.readToEOF(ctx); err != nil && ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err := t.flushPartial(ctx); err != nil {
			return false, err
		}
		t.f.log.Info("log rotated; following the new file", "path", t.path, "old_size", t.pos)
		t.close()
		return true, nil
	}
	cur, err := t.file.Stat()
	if err == nil && (cur.Size() < t.pos || !t.sigMatches()) {
		t.f.log.Info("log truncated; reading it from the start", "path", t.path, "size", cur.Size(), "offset", t.pos)
		if _, err := t.file.Seek(0, io.SeekStart); err != nil {
			t.f.log.Warn("rewinding log failed; reopening", "path", t.path, "error", err)
			t.close()
			return false, nil
		}
		t.pos, t.n, t.skip, t.sigLen = 0, 0, false, 0
		t.f.offset.Store(0)
		return true, nil
	}
	return false, nil
}

// open opens the path and positions it: at the configured start the first time, at the
// beginning of any later (new) file. It reports whether a file is now open.
func (t *tail) open() bool {
	file, err := os.Open(t.path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			t.first = false // a log that appears later is new: read it whole
			if !t.missing {
				t.f.log.Info("waiting for log file", "path", t.path)
				t.missing = true
			}
		case !t.openErr:
			t.f.log.Warn("cannot open log file; retrying", "path", t.path, "error", err)
			t.openErr = true
		}
		return false
	}
	info, err := file.Stat()
	if err != nil {
		_ = file.Close()
		if !t.openErr {
			t.f.log.Warn("cannot stat log file; retrying", "path", t.path, "error", err)
			t.openErr = true
		}
		return false
	}
	t.missing, t.openErr = false, false
	start := int64(0)
	if t.first {
		t.first = false
		start = t.startOffset(info.Size())
	}
	t.skip = start > 0 && !afterNewline(file, start)
	if _, err := file.Seek(start, io.SeekStart); err != nil {
		_ = file.Close()
		t.f.log.Warn("cannot seek log file; retrying", "path", t.path, "offset", start, "error", err)
		return false
	}
	t.file, t.info, t.pos, t.n, t.sigLen = file, info, start, 0, 0
	t.f.offset.Store(start)
	t.f.log.Debug("following log", "path", t.path, "offset", start)
	return true
}

// startOffset applies the configured start position to a file of the given size.
func (t *tail) startOffset(size int64) int64 {
	start := t.f.cfg.Start
	switch {
	case !start.fromOffset:
		return size
	case start.offset > size:
		t.f.log.Info("log is shorter than the start offset, so it was rotated; reading it from the start",
			"path", t.path, "size", size, "start", start.offset)
		return 0
	}
	return start.offset
}

// afterNewline reports whether the byte before off is a newline, i.e. off starts a line.
func afterNewline(file *os.File, off int64) bool {
	var b [1]byte
	n, err := file.ReadAt(b[:], off-1)
	return n == 1 && err == nil && b[0] == '\n'
}

// readToEOF reads and emits complete lines until the end of the file, and returns the
// number of bytes read.
func (t *tail) readToEOF(ctx context.Context) (int, error) {
	total := 0
	for {
		if t.n == len(t.buf) {
			t.makeRoom()
		}
		r, err := t.file.Read(t.buf[t.n:])
		if r > 0 {
			total += r
			t.pos += int64(r)
			t.n += r
			t.remember(t.buf[t.n-r : t.n])
			if perr := t.emitLines(ctx); perr != nil {
				return total, perr
			}
		}
		switch {
		case errors.Is(err, io.EOF) || (err == nil && r == 0):
			return total, nil
		case err != nil:
			return total, err
		}
	}
}

// remember keeps the last bytes read in sig.
func (t *tail) remember(read []byte) {
	if len(read) >= len(t.sig) {
		t.sigLen = copy(t.sig[:], read[len(read)-len(t.sig):])
		return
	}
	keep := min(t.sigLen, len(t.sig)-len(read))
	copy(t.sig[:], t.sig[t.sigLen-keep:t.sigLen])
	t.sigLen = keep + copy(t.sig[keep:], read)
}

// sigMatches reports whether the file still holds, just before pos, the bytes last read
// there. A copytruncate followed by enough new lines to grow past pos changes them.
func (t *tail) sigMatches() bool {
	if t.sigLen == 0 {
		return true
	}
	var now [len(t.sig)]byte
	n, err := t.file.ReadAt(now[:t.sigLen], t.pos-int64(t.sigLen))
	return n == t.sigLen && (err == nil || errors.Is(err, io.EOF)) && bytes.Equal(now[:n], t.sig[:n])
}

// makeRoom grows a full buffer that holds one incomplete line, or drops the line once it
// exceeds MaxLogLineBytes.
func (t *tail) makeRoom() {
	if len(t.buf) < MaxLogLineBytes {
		bigger := make([]byte, min(2*len(t.buf), MaxLogLineBytes))
		copy(bigger, t.buf[:t.n])
		t.buf = bigger
		return
	}
	t.f.log.Warn("dropping overlong log line", "path", t.path, "offset", t.pos-int64(t.n), "limit", MaxLogLineBytes)
	t.n, t.skip = 0, true
}

// sparseEvents is how many events of one read get a string copy of their own line; the
// events after them share one copy of the rest of the read, so that a read full of events
// (catching up on a busy log) costs one allocation rather than one per line.
const sparseEvents = 64

// emitLines emits every complete line in buf[:n] and keeps the incomplete rest.
func (t *tail) emitLines(ctx context.Context) error {
	data := t.buf[:t.n]
	base := t.pos - int64(t.n) // file offset of data[0]
	end := bytes.LastIndexByte(data, '\n') + 1
	i := 0
	if t.skip {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			t.n = 0
			t.f.offset.Store(t.pos)
			return nil
		}
		i, t.skip = nl+1, false
	}
	var chunk string // string(data[chunkAt:end]), made once events turn out to be dense
	chunkAt, lines, events := 0, 0, 0
	for i < end {
		nl := bytes.IndexByte(data[i:end], '\n')
		raw := data[i : i+nl+1]
		line := trimEOL(raw)
		lines++
		if kind, m := scanLine(line); t.f.wanted[kind] {
			var str string
			switch events++; {
			case chunk != "":
				str = chunk[i-chunkAt : i-chunkAt+len(line)]
			case events <= sparseEvents:
				str = string(line)
			default:
				chunk, chunkAt = string(data[i:end]), i
				str = chunk[:len(line)]
			}
			ev, ok, err := parseLineString(kind, str, m)
			if err := t.f.deliver(ctx, &ev, ok, err, raw, &t.parseErrs); err != nil {
				return err
			}
			t.f.lines.Add(uint64(lines))
			t.f.offset.Store(base + int64(i+nl+1))
			lines = 0
		}
		i += nl + 1
	}
	t.f.lines.Add(uint64(lines))
	t.n = copy(t.buf, data[i:])
	t.f.offset.Store(base + int64(i))
	return nil
}

// flushPartial emits the incomplete last line of a file that is being left for good.
func (t *tail) flushPartial(ctx context.Context) error {
	if t.n == 0 || t.skip {
		t.n, t.skip = 0, false
		return nil
	}
	line := t.buf[:t.n]
	t.n = 0
	t.f.offset.Store(t.pos)
	return t.f.emit(ctx, line, &t.parseErrs)
}
