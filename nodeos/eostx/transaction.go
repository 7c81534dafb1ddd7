package eostx

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// PermissionLevel is an authorization: actor@permission.
type PermissionLevel struct {
	Actor      Name
	Permission Name
}

// String returns "actor@permission".
func (p PermissionLevel) String() string { return p.Actor.String() + "@" + p.Permission.String() }

// Action is one contract action with its binary-encoded arguments.
type Action struct {
	Account       Name
	Name          Name
	Authorization []PermissionLevel
	Data          []byte
}

// Extension is a transaction extension (type and opaque data).
type Extension struct {
	Type uint16
	Data []byte
}

// Transaction is an EOS transaction (header, actions, extensions) in the field order of
// eosio::chain::transaction.
type Transaction struct {
	// Expiration is when the transaction stops being valid; whole seconds, UTC.
	Expiration time.Time
	// RefBlockNum is the low 16 bits of the TAPoS reference block's number.
	RefBlockNum uint16
	// RefBlockPrefix is the little-endian uint32 at bytes 8..11 of the reference block's id.
	RefBlockPrefix     uint32
	MaxNetUsageWords   uint32
	MaxCPUUsageMS      uint8
	DelaySec           uint32
	ContextFreeActions []Action
	Actions            []Action
	Extensions         []Extension
}

// SetReferenceBlock sets the TAPoS fields from a block id (64 hex digits; its first 8 are
// the block number).
func (t *Transaction) SetReferenceBlock(blockID string) error {
	raw, err := hex.DecodeString(blockID)
	if err != nil || len(raw) != 32 {
		return fmt.Errorf("eostx: reference block id %q: want 64 hex digits", blockID)
	}
	t.RefBlockNum = uint16(binary.BigEndian.Uint32(raw[:4]))
	t.RefBlockPrefix = binary.LittleEndian.Uint32(raw[8:12])
	return nil
}

// Pack returns the transaction's binary encoding (packed_trx).
func (t *Transaction) Pack() []byte {
	var e encoder
	e.uint32(uint32(t.Expiration.Unix()))
	e.uint16(t.RefBlockNum)
	e.uint32(t.RefBlockPrefix)
	e.varuint32(t.MaxNetUsageWords)
	e.uint8(t.MaxCPUUsageMS)
	e.varuint32(t.DelaySec)
	packActions(&e, t.ContextFreeActions)
	packActions(&e, t.Actions)
	e.varuint32(uint32(len(t.Extensions)))
	for _, x := range t.Extensions {
		e.uint16(x.Type)
		e.bytes(x.Data)
	}
	return e.buf
}

func packActions(e *encoder, acts []Action) {
	e.varuint32(uint32(len(acts)))
	for _, a := range acts {
		e.name(a.Account)
		e.name(a.Name)
		e.varuint32(uint32(len(a.Authorization)))
		for _, p := range a.Authorization {
			e.name(p.Actor)
			e.name(p.Permission)
		}
		e.bytes(a.Data)
	}
}

// UnpackTransaction decodes packed_trx bytes. Trailing bytes are an error.
func UnpackTransaction(b []byte) (*Transaction, error) {
	d := &decoder{buf: b}
	t := &Transaction{}
	t.Expiration = time.Unix(int64(d.uint32()), 0).UTC()
	t.RefBlockNum = d.uint16()
	t.RefBlockPrefix = d.uint32()
	t.MaxNetUsageWords = d.varuint32()
	t.MaxCPUUsageMS = d.uint8()
	t.DelaySec = d.varuint32()
	t.ContextFreeActions = unpackActions(d)
	t.Actions = unpackActions(d)
	n := d.count(3)
	for i := 0; i < n && d.err == nil; i++ {
		t.Extensions = append(t.Extensions, Extension{Type: d.uint16(), Data: d.bytes()})
	}
	if d.err == nil && len(d.buf) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", ErrMalformedTransaction, len(d.buf))
	}
	if d.err != nil {
		return nil, d.err
	}
	return t, nil
}

func unpackActions(d *decoder) []Action {
	n := d.count(17)
	var acts []Action
	for i := 0; i < n && d.err == nil; i++ {
		a := Action{Account: d.name(), Name: d.name()}
		m := d.count(16)
		for j := 0; j < m && d.err == nil; j++ {
			a.Authorization = append(a.Authorization, PermissionLevel{Actor: d.name(), Permission: d.name()})
		}
		a.Data = d.bytes()
		acts = append(acts, a)
	}
	return acts
}

// ChainID is a chain's 32-byte id.
type ChainID [32]byte

// ParseChainID parses the 64-hex-digit chain_id of get_info.
func ParseChainID(s string) (ChainID, error) {
	var id ChainID
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != 32 {
		return id, fmt.Errorf("eostx: chain id %q: want 64 hex digits", s)
	}
	copy(id[:], raw)
	return id, nil
}

// String returns the id in hex.
func (c ChainID) String() string { return hex.EncodeToString(c[:]) }

// SigningDigest is what signatures of a transaction sign:
// sha256(chain_id || packed_trx || sha256 of the context-free data, or 32 zero bytes when
// there is none). This package never sends context-free data.
func SigningDigest(chainID ChainID, packedTrx []byte) [32]byte {
	h := sha256.New()
	h.Write(chainID[:])
	h.Write(packedTrx)
	h.Write(make([]byte, 32))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// TransactionID is sha256(packed_trx), the id nodeos reports.
func TransactionID(packedTrx []byte) string {
	sum := sha256.Sum256(packedTrx)
	return hex.EncodeToString(sum[:])
}

// SignedTransaction is a packed transaction with its signatures, ready to push.
type SignedTransaction struct {
	Signatures []Signature
	PackedTrx  []byte
}

// ID returns the transaction id.
func (s *SignedTransaction) ID() string { return TransactionID(s.PackedTrx) }

// SignTransaction packs t and signs it for chainID with each key.
func SignTransaction(t *Transaction, chainID ChainID, keys ...PrivateKey) (*SignedTransaction, error) {
	packed := t.Pack()
	digest := SigningDigest(chainID, packed)
	st := &SignedTransaction{PackedTrx: packed}
	for _, k := range keys {
		sig, err := Sign(k, digest)
		if err != nil {
			return nil, fmt.Errorf("eostx: signing transaction: %w", err)
		}
		st.Signatures = append(st.Signatures, sig)
	}
	return st, nil
}
