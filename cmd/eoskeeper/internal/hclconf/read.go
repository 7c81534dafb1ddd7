package hclconf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// MaxConfigSize bounds the configuration file: a keeper.hcl is a few KiB.
const MaxConfigSize = 1 << 20

// ReadFile reads the regular file at path, at most limit bytes. Anything else is refused
// before it is read: a directory, a device such as /dev/zero, a FIFO or socket (which could
// block forever), and a file larger than limit (/proc files, which report size 0, are read
// up to limit and refused past it). The file is checked again after it is opened, so a file
// swapped for another kind in between is refused too, and it is opened without blocking.
// Errors name the path.
func ReadFile(path string, limit int64) ([]byte, error) {
	b, _, err := readFile(path, limit)
	return b, err
}

// readFile is ReadFile; it also returns the mode of the file it read (as seen once opened).
func readFile(path string, limit int64) ([]byte, os.FileMode, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %q: %w", path, unwrapPathError(err))
	}
	if err := regular(path, fi, limit); err != nil {
		return nil, 0, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %q: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %q: %w", path, unwrapPathError(err))
	}
	if err := regular(path, ofi, limit); err != nil {
		return nil, 0, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %q: %w", path, unwrapPathError(err))
	}
	if int64(len(b)) > limit {
		return nil, 0, fmt.Errorf("%q is larger than %d bytes", path, limit)
	}
	return b, ofi.Mode(), nil
}

// errNotRegular says a path names something other than a regular file.
var errNotRegular = errors.New("not a regular file")

// regular checks that fi describes a regular file of at most limit bytes.
func regular(path string, fi os.FileInfo, limit int64) error {
	switch {
	case fi.IsDir():
		return fmt.Errorf("%q is a directory", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%q: %w (%s)", path, errNotRegular, kind(fi.Mode()))
	case fi.Size() > limit:
		return fmt.Errorf("%q is larger than %d bytes", path, limit)
	}
	return nil
}

// kind names a non-regular file mode.
func kind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "mode " + m.String()
}
