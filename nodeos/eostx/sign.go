package eostx

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// Signature is a K1 signature in compact form: a recovery header byte (27+4+recid) then r
// and s, 32 bytes each.
type Signature [65]byte

// maxSignAttempts bounds the search for a canonical signature; each try is canonical with
// probability about 1/4.
const maxSignAttempts = 1000

// Sign signs the 32-byte digest with k and returns a canonical signature, as nodeos requires.
//
// The nonces follow fc (libraries/libfc/src/crypto/elliptic_secp256k1.cpp, sign_compact with
// extended_nonce_function): libsecp256k1's RFC 6979 nonce with its attempt counter set to
// 1, 2, 3, ... (the counter's n-th value takes the n+1-th output of the RFC 6979 generator),
// low s, retried until the signature is canonical. The same key and digest therefore give the
// same signature as cleos/keosd.
func Sign(k PrivateKey, digest [32]byte) (Signature, error) {
	return signFrom(k, digest, 1)
}

// signFrom signs with RFC 6979 outputs first, first+1, ... until one is canonical.
func signFrom(k PrivateKey, digest [32]byte, first uint32) (Signature, error) {
	if k.key == nil {
		return Signature{}, fmt.Errorf("%w: no private key", ErrInvalidKey)
	}
	priv := k.key.Serialize()
	defer clear(priv)
	for i := first; i < first+maxSignAttempts; i++ {
		nonce := secp256k1.NonceRFC6979(priv, digest[:], nil, nil, i)
		sig, ok := signWithNonce(&k.key.Key, nonce, digest)
		nonce.Zero()
		if ok && IsCanonical(sig) {
			return sig, nil
		}
	}
	return Signature{}, fmt.Errorf("%w: no canonical signature after %d attempts", ErrInvalidSignature, maxSignAttempts)
}

// signWithNonce is ECDSA with nonce k, low s, and the recovery id libsecp256k1 reports.
func signWithNonce(d *secp256k1.ModNScalar, k *secp256k1.ModNScalar, digest [32]byte) (Signature, bool) {
	if k.IsZero() {
		return Signature{}, false
	}
	var rp secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(k, &rp)
	rp.ToAffine()
	var r secp256k1.ModNScalar
	overflow := r.SetByteSlice(rp.X.Bytes()[:])
	if r.IsZero() {
		return Signature{}, false
	}
	recid := byte(rp.Y.IsOddBit())
	if overflow {
		recid |= 2
	}
	var e secp256k1.ModNScalar
	e.SetByteSlice(digest[:])
	var kinv secp256k1.ModNScalar
	kinv.InverseValNonConst(k)
	var s secp256k1.ModNScalar
	s.Mul2(d, &r).Add(&e).Mul(&kinv)
	if s.IsZero() {
		return Signature{}, false
	}
	if s.IsOverHalfOrder() {
		s.Negate()
		recid ^= 1
	}
	var sig Signature
	sig[0] = 27 + 4 + recid
	r.PutBytesUnchecked(sig[1:33])
	s.PutBytesUnchecked(sig[33:65])
	return sig, true
}

// IsCanonical reports whether sig passes fc's is_canonical check, which nodeos applies to
// K1 signatures: r and s each below 2^255 and not padded with a zero byte.
func IsCanonical(sig Signature) bool {
	return sig[1]&0x80 == 0 && !(sig[1] == 0 && sig[2]&0x80 == 0) &&
		sig[33]&0x80 == 0 && !(sig[33] == 0 && sig[34]&0x80 == 0)
}

// Recover returns the public key that made sig over digest.
func Recover(sig Signature, digest [32]byte) (PublicKey, error) {
	if sig[0] < 27 || sig[0] > 34 {
		return PublicKey{}, fmt.Errorf("%w: bad recovery header %d", ErrInvalidSignature, sig[0])
	}
	pub, _, err := ecdsa.RecoverCompact(sig[:], digest[:])
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %v", ErrInvalidSignature, err)
	}
	return publicKeyOf(pub), nil
}

// Verify reports whether sig over digest was made by pub.
func Verify(pub PublicKey, sig Signature, digest [32]byte) bool {
	got, err := Recover(sig, digest)
	return err == nil && got.Equal(pub)
}

// ParseSignature parses "SIG_K1_...", verifying its checksum.
func ParseSignature(s string) (Signature, error) {
	if !strings.HasPrefix(s, sigK1Prefix) {
		return Signature{}, fmt.Errorf("%w: %.12s...: want SIG_K1_...", ErrInvalidSignature, s)
	}
	raw, err := decodeChecked(s[len(sigK1Prefix):], 65, "K1")
	if err != nil {
		return Signature{}, fmt.Errorf("%w: %.12s...: %v", ErrInvalidSignature, s, err)
	}
	var sig Signature
	copy(sig[:], raw)
	return sig, nil
}

// String returns "SIG_K1_...".
func (sig Signature) String() string {
	return sigK1Prefix + encodeChecked(sig[:], "K1")
}

// Equal reports whether two signatures are byte-identical.
func (sig Signature) Equal(o Signature) bool { return bytes.Equal(sig[:], o[:]) }
