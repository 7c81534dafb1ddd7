package nodeostest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// RotateMode is how RotateLog rotates a node's log, as logrotate or an operator would.
type RotateMode int

const (
	// RotateRename renames the log to <path>.<k>; nodeos then writes a new file at the path
	// (like logrotate's create mode, with nodeos reopening its log).
	RotateRename RotateMode = iota
	// RotateCopyTruncate copies the log to <path>.<k> and truncates the original in place.
	RotateCopyTruncate
	// RotateRemove deletes the log; it reappears with the next line nodeos writes.
	RotateRemove
)

// logWriter appends lines to a node's log file; guarded by Network.mu.
type logWriter struct {
	path    string
	f       *os.File
	rotated int
	err     error // first write error, reported by RotateLog
}

func newLogWriter(path string) *logWriter {
	w := &logWriter{path: path}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(fmt.Sprintf("nodeostest: log directory: %v", err))
	}
	if err := w.open(); err != nil {
		panic(fmt.Sprintf("nodeostest: %v", err))
	}
	return w
}

func (w *logWriter) open() error {
	f, err := os.OpenFile(w.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	w.f = f
	return nil
}

func (w *logWriter) write(line string) {
	if w.f == nil {
		if err := w.open(); err != nil {
			w.keep(err)
			return
		}
	}
	if _, err := io.WriteString(w.f, line); err != nil {
		w.keep(err)
	}
}

func (w *logWriter) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *logWriter) close() {
	if w.f != nil {
		_ = w.f.Close()
		w.f = nil
	}
}

// rotate rotates the log and returns the path of the rotated copy ("" for RotateRemove).
func (w *logWriter) rotate(mode RotateMode) (string, error) {
	if w.err != nil {
		return "", fmt.Errorf("log %s: %w", w.path, w.err)
	}
	w.rotated++
	dst := fmt.Sprintf("%s.%d", w.path, w.rotated)
	switch mode {
	case RotateRename:
		w.close()
		if err := os.Rename(w.path, dst); err != nil {
			return "", fmt.Errorf("rotate log: %w", err)
		}
		return dst, nil
	case RotateCopyTruncate:
		if err := copyFile(w.path, dst); err != nil {
			return "", fmt.Errorf("rotate log: %w", err)
		}
		if err := os.Truncate(w.path, 0); err != nil {
			return "", fmt.Errorf("rotate log: %w", err)
		}
		return dst, nil
	case RotateRemove:
		w.close()
		if err := os.Remove(w.path); err != nil && !os.IsNotExist(err) {
			return "", fmt.Errorf("rotate log: %w", err)
		}
		return "", nil
	}
	return "", fmt.Errorf("rotate log: unknown mode %d", mode)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// RotateLog rotates the node's log file the given way and returns the rotated copy's path
// ("" for RotateRemove). The node keeps logging to LogPath.
func (nd *Node) RotateLog(mode RotateMode) (string, error) {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	p, err := nd.log.rotate(mode)
	if err != nil {
		return "", fmt.Errorf("nodeostest: node %s: %w", nd.Name, err)
	}
	return p, nil
}
