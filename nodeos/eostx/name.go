package eostx

import (
	"fmt"
	"strings"
)

// nameChars are the 32 symbols of a name, in value order.
const nameChars = ".12345abcdefghijklmnopqrstuvwxyz"

// Name is an EOS account, permission or action name in its 64-bit form.
type Name uint64

// ParseName converts s to a Name. A name has up to 12 characters from ".12345a-z" and an
// optional 13th from ".12345a-j", and does not end with a dot; "" is the zero name.
func ParseName(s string) (Name, error) {
	if len(s) > 13 {
		return 0, fmt.Errorf("%w %q: longer than 13 characters", ErrInvalidName, s)
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(nameChars, s[i])
		if v < 0 {
			return 0, fmt.Errorf("%w %q: character %q not in %q", ErrInvalidName, s, s[i], nameChars)
		}
		if i < 12 {
			n |= uint64(v) << (64 - 5*(i+1))
			continue
		}
		if v > 0x0f {
			return 0, fmt.Errorf("%w %q: 13th character must be one of \".12345abcdefghij\"", ErrInvalidName, s)
		}
		n |= uint64(v)
	}
	if Name(n).String() != s {
		return 0, fmt.Errorf("%w %q: must not end with a dot", ErrInvalidName, s)
	}
	return Name(n), nil
}

// MustName is ParseName for constant names; it panics on an invalid one.
func MustName(s string) Name {
	n, err := ParseName(s)
	if err != nil {
		panic(err)
	}
	return n
}

// String returns the text form of the name, without trailing dots.
func (n Name) String() string {
	var b [13]byte
	v := uint64(n)
	for i := 0; i < 13; i++ {
		if i == 0 {
			b[12] = nameChars[v&0x0f]
			v >>= 4
		} else {
			b[12-i] = nameChars[v&0x1f]
			v >>= 5
		}
	}
	return strings.TrimRight(string(b[:]), ".")
}
