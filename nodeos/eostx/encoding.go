package eostx

import (
	"encoding/binary"
	"fmt"
)

// encoder appends EOS binary encoding (little-endian integers, varuint32 lengths).
type encoder struct{ buf []byte }

func (e *encoder) uint8(v uint8)   { e.buf = append(e.buf, v) }
func (e *encoder) uint16(v uint16) { e.buf = binary.LittleEndian.AppendUint16(e.buf, v) }
func (e *encoder) uint32(v uint32) { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *encoder) uint64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }
func (e *encoder) varuint32(v uint32) {
	e.buf = binary.AppendUvarint(e.buf, uint64(v))
}
func (e *encoder) bytes(b []byte) {
	e.varuint32(uint32(len(b)))
	e.buf = append(e.buf, b...)
}
func (e *encoder) name(n Name) { e.uint64(uint64(n)) }

// decoder reads EOS binary encoding; the first failure sticks in err.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.buf) {
		d.err = fmt.Errorf("%w: need %d bytes, have %d", ErrMalformedTransaction, n, len(d.buf))
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) uint8() uint8 {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) uint16() uint16 {
	if b := d.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) uint32() uint32 {
	if b := d.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) uint64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) varuint32() uint32 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 || n > 5 || v > 0xffffffff {
		d.err = fmt.Errorf("%w: bad varuint32", ErrMalformedTransaction)
		return 0
	}
	d.buf = d.buf[n:]
	return uint32(v)
}

func (d *decoder) bytes() []byte {
	n := d.varuint32()
	b := d.take(int(n))
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func (d *decoder) name() Name { return Name(d.uint64()) }

// count reads a vector length, refusing lengths the remaining bytes cannot hold (each
// element is at least min bytes).
func (d *decoder) count(min int) int {
	n := int(d.varuint32())
	if d.err == nil && n*min > len(d.buf) {
		d.err = fmt.Errorf("%w: vector of %d elements in %d bytes", ErrMalformedTransaction, n, len(d.buf))
		return 0
	}
	return n
}
