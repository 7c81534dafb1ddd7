package eostx

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // EOS key checksums are RIPEMD-160
)

// Text-form prefixes of K1 keys and signatures.
const (
	legacyPubPrefix = "EOS"
	pubK1Prefix     = "PUB_K1_"
	pvtK1Prefix     = "PVT_K1_"
	sigK1Prefix     = "SIG_K1_"
	wifVersion      = 0x80
)

// PublicKey is a secp256k1 (K1) public key.
type PublicKey struct {
	compressed [33]byte
}

// ParsePublicKey parses a K1 public key in legacy form ("EOS6MRy...") or as "PUB_K1_...",
// verifying its checksum.
func ParsePublicKey(s string) (PublicKey, error) {
	var raw []byte
	var err error
	switch {
	case strings.HasPrefix(s, pubK1Prefix):
		raw, err = decodeChecked(s[len(pubK1Prefix):], 33, "K1")
	case strings.HasPrefix(s, legacyPubPrefix):
		raw, err = decodeChecked(s[len(legacyPubPrefix):], 33, "")
	case strings.HasPrefix(s, "PUB_"):
		return PublicKey{}, fmt.Errorf("%w: %.12s...: only K1 public keys are supported", ErrInvalidKey, s)
	default:
		return PublicKey{}, fmt.Errorf("%w: %.12s...: want EOS... or PUB_K1_...", ErrInvalidKey, s)
	}
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %.12s...: %v", ErrInvalidKey, s, err)
	}
	if _, err := secp256k1.ParsePubKey(raw); err != nil {
		return PublicKey{}, fmt.Errorf("%w: %.12s...: not a point on secp256k1: %v", ErrInvalidKey, s, err)
	}
	var k PublicKey
	copy(k.compressed[:], raw)
	return k, nil
}

// String returns the legacy form, "EOS..." (what nodeos prints for K1 keys).
func (k PublicKey) String() string {
	return legacyPubPrefix + encodeChecked(k.compressed[:], "")
}

// K1String returns the "PUB_K1_..." form.
func (k PublicKey) K1String() string {
	return pubK1Prefix + encodeChecked(k.compressed[:], "K1")
}

// Bytes returns the 33-byte compressed point.
func (k PublicKey) Bytes() []byte { return bytes.Clone(k.compressed[:]) }

// IsZero reports whether k is the zero value (no key).
func (k PublicKey) IsZero() bool { return k == PublicKey{} }

// Equal reports whether k and o are the same key.
func (k PublicKey) Equal(o PublicKey) bool { return k == o }

func publicKeyOf(p *secp256k1.PublicKey) PublicKey {
	var k PublicKey
	copy(k.compressed[:], p.SerializeCompressed())
	return k
}

// PrivateKey is a secp256k1 (K1) private key. Its String and GoString print "<redacted>", so
// logging one by mistake does not leak it.
type PrivateKey struct {
	key *secp256k1.PrivateKey
}

// ParsePrivateKey parses a K1 private key in WIF ("5...") or "PVT_K1_..." form, verifying its
// checksum. Errors never contain the key.
func ParsePrivateKey(s string) (PrivateKey, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	switch {
	case strings.HasPrefix(s, pvtK1Prefix):
		b, err := decodeChecked(s[len(pvtK1Prefix):], 32, "K1")
		if err != nil {
			return PrivateKey{}, fmt.Errorf("%w: PVT_K1 private key: %v", ErrInvalidKey, err)
		}
		raw = b
	case strings.HasPrefix(s, "PVT_"):
		return PrivateKey{}, fmt.Errorf("%w: only K1 private keys are supported", ErrInvalidKey)
	default:
		b, err := base58Decode(s)
		if err != nil || len(b) != 37 || b[0] != wifVersion {
			return PrivateKey{}, fmt.Errorf("%w: want a WIF (5...) or PVT_K1_... private key", ErrInvalidKey)
		}
		sum := doubleSHA256(b[:33])
		if !bytes.Equal(sum[:4], b[33:]) {
			return PrivateKey{}, fmt.Errorf("%w: WIF private key: checksum mismatch", ErrInvalidKey)
		}
		raw = b[1:33]
	}
	var sc secp256k1.ModNScalar
	if overflow := sc.SetByteSlice(raw); overflow || sc.IsZero() {
		return PrivateKey{}, fmt.Errorf("%w: private key out of range", ErrInvalidKey)
	}
	return PrivateKey{key: secp256k1.NewPrivateKey(&sc)}, nil
}

// PrivateKeyFromBytes returns the private key with the 32-byte big-endian scalar b.
func PrivateKeyFromBytes(b []byte) (PrivateKey, error) {
	var sc secp256k1.ModNScalar
	if len(b) != 32 {
		return PrivateKey{}, fmt.Errorf("%w: private key must be 32 bytes", ErrInvalidKey)
	}
	if overflow := sc.SetByteSlice(b); overflow || sc.IsZero() {
		return PrivateKey{}, fmt.Errorf("%w: private key out of range", ErrInvalidKey)
	}
	return PrivateKey{key: secp256k1.NewPrivateKey(&sc)}, nil
}

// PublicKey returns the key's public key.
func (k PrivateKey) PublicKey() PublicKey {
	if k.key == nil {
		return PublicKey{}
	}
	return publicKeyOf(k.key.PubKey())
}

// IsZero reports whether k holds no key.
func (k PrivateKey) IsZero() bool { return k.key == nil }

// String prints "<redacted>".
func (k PrivateKey) String() string { return "<redacted>" }

// GoString prints "<redacted>", also for %#v.
func (k PrivateKey) GoString() string { return "<redacted>" }

// WIF returns the key in legacy wallet import format ("5..."). It is the secret: never log it.
func (k PrivateKey) WIF() string {
	if k.key == nil {
		return ""
	}
	b := append([]byte{wifVersion}, k.key.Serialize()...)
	sum := doubleSHA256(b)
	return base58Encode(append(b, sum[:4]...))
}

// K1String returns the key as "PVT_K1_...". It is the secret: never log it.
func (k PrivateKey) K1String() string {
	if k.key == nil {
		return ""
	}
	return pvtK1Prefix + encodeChecked(k.key.Serialize(), "K1")
}

func doubleSHA256(b []byte) [32]byte {
	h := sha256.Sum256(b)
	return sha256.Sum256(h[:])
}

// keyChecksum is ripemd160(data || suffix)[:4]: suffix "" for legacy keys, "K1" for PUB_K1_,
// PVT_K1_ and SIG_K1_.
func keyChecksum(data []byte, suffix string) []byte {
	h := ripemd160.New()
	h.Write(data)
	h.Write([]byte(suffix))
	return h.Sum(nil)[:4]
}

func encodeChecked(data []byte, suffix string) string {
	return base58Encode(append(bytes.Clone(data), keyChecksum(data, suffix)...))
}

func decodeChecked(s string, size int, suffix string) ([]byte, error) {
	b, err := base58Decode(s)
	if err != nil {
		return nil, err
	}
	if len(b) != size+4 {
		return nil, fmt.Errorf("decodes to %d bytes, want %d", len(b), size+4)
	}
	if !bytes.Equal(keyChecksum(b[:size], suffix), b[size:]) {
		return nil, fmt.Errorf("checksum mismatch")
	}
	return b[:size], nil
}
