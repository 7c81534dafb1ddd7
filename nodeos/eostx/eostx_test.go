package eostx

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The development key pair of nodeos's default signature-provider (nodeos --help;
// docs/nodeos.md §4), with its PUB_K1/PVT_K1 forms as printed by eosjs's documentation and
// Spring's tests (PUB_K1_6MRy...BoDq63, PVT_K1_2bfG...Ut3V).
const (
	devPub      = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"
	devPubK1    = "PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63"
	devWIF      = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
	devPrivK1   = "PVT_K1_2bfGi9rYsXQSXXTvJbDAPhHLQUojjaNLomdm3cEJ1XTzMqUt3V"
	trustChain  = "cf057bbfb72640471fd910bcb67639c22df9f92470936cddc1ade0e2f2e7dc4f"
	trustTx2Hex = "6e67a35cd6679a1f3d4800000000010000000080a920cd000000572d3ccdcd010000000080a920cd00000000a8ed3232330000000080a920cd0000000000ea3055e09304000000000004544b4e00000000126d79207365636f6e64207472616e7366657200"
)

func TestNameVectors(t *testing.T) {
	// eosio = 6138663577826885632 (the system account's well-known value); eosio.token =
	// 6138663591592764928 (N(eosio.token)); the others round-trip through the packed
	// transfer vector below.
	cases := map[string]uint64{
		"":            0,
		"eosio":       6138663577826885632,
		"eosio.token": 6138663591592764928,
		"active":      0x3232eda800000000,
		"transfer":    0xcdcd3c2d57000000,
	}
	for s, want := range cases {
		n, err := ParseName(s)
		if err != nil {
			t.Fatalf("ParseName(%q): %v", s, err)
		}
		if uint64(n) != want {
			t.Errorf("ParseName(%q) = %d, want %d", s, n, want)
		}
		if n.String() != s {
			t.Errorf("Name(%d).String() = %q, want %q", want, n.String(), s)
		}
	}
	for _, bad := range []string{"Eosio", "eosio6", "eosio.", "abcdefghijklmn", "abcdefghijklz", "a b"} {
		if _, err := ParseName(bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("ParseName(%q) error = %v, want ErrInvalidName", bad, err)
		}
	}
	if n, err := ParseName("abcdefghijklj"); err != nil || n.String() != "abcdefghijklj" {
		t.Errorf("13-char name: %v %q", err, n)
	}
}

func TestDevKeyPair(t *testing.T) {
	for _, s := range []string{devWIF, devPrivK1} {
		k, err := ParsePrivateKey(s)
		if err != nil {
			t.Fatalf("ParsePrivateKey: %v", err)
		}
		if got := k.PublicKey().String(); got != devPub {
			t.Errorf("public key = %s, want %s", got, devPub)
		}
		if got := k.PublicKey().K1String(); got != devPubK1 {
			t.Errorf("PUB_K1 form = %s, want %s", got, devPubK1)
		}
		if k.WIF() != devWIF || k.K1String() != devPrivK1 {
			t.Errorf("private key does not format back to its published forms")
		}
		for _, f := range []string{"%v", "%s", "%#v", "%+v"} {
			if out := fmt.Sprintf(f, k); out != "<redacted>" {
				t.Errorf("Sprintf(%q) = %q, want <redacted>", f, out)
			}
		}
	}
	for _, s := range []string{devPub, devPubK1} {
		p, err := ParsePublicKey(s)
		if err != nil {
			t.Fatalf("ParsePublicKey(%s): %v", s, err)
		}
		if p.String() != devPub || p.K1String() != devPubK1 {
			t.Errorf("ParsePublicKey(%s) formats as %s / %s", s, p.String(), p.K1String())
		}
	}
}

func TestKeyChecksumsRejected(t *testing.T) {
	flip := func(s string) string {
		last := s[len(s)-1]
		c := byte('2')
		if last == '2' {
			c = '3'
		}
		return s[:len(s)-1] + string(c)
	}
	for _, s := range []string{flip(devPub), flip(devPubK1), "PUB_R1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63", "EOS0OIl"} {
		if _, err := ParsePublicKey(s); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ParsePublicKey(%q) error = %v, want ErrInvalidKey", s, err)
		}
	}
	// Legacy checksum on a PUB_K1 body, and vice versa, must fail.
	if _, err := ParsePublicKey("PUB_K1_" + strings.TrimPrefix(devPub, "EOS")); err == nil {
		t.Error("PUB_K1 with a legacy checksum accepted")
	}
	for _, s := range []string{flip(devWIF), flip(devPrivK1), "", "PVT_R1_2bfGi9rYsXQSXXTvJbDAPhHLQUojjaNLomdm3cEJ1XTzMqUt3V"} {
		_, err := ParsePrivateKey(s)
		if !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ParsePrivateKey error = %v, want ErrInvalidKey", err)
		}
		if err != nil && s != "" && strings.Contains(err.Error(), s[:20]) {
			t.Errorf("error %q contains the private key", err)
		}
	}
}

// The wallet-core (trustwallet) EOS tests publish a transfer transaction, its signing digest for
// chain cf057b..., and the SIG_K1 signatures of that digest by the keys sha256("A"),
// sha256("AA"), ... (tests/chains/EOS/TransactionTests.cpp, SignatureTests.cpp).
func TestTrustWalletTransactionVector(t *testing.T) {
	tx := &Transaction{Expiration: time.Unix(1554209118+3600, 0)} // wallet-core expires an hour after the reference time
	if err := tx.SetReferenceBlock("000067d6f6a7e7799a1f3d487439a679f8cf95f1c986f35c0d2fa320f51a7144"); err != nil {
		t.Fatal(err)
	}
	var e encoder
	e.name(MustName("token"))
	e.name(MustName("eosio"))
	e.uint64(300000)
	e.uint8(4)
	e.buf = append(e.buf, "TKN\x00\x00\x00\x00"...)
	e.bytes([]byte("my second transfer"))
	tx.Actions = []Action{{
		Account: MustName("token"), Name: MustName("transfer"),
		Authorization: []PermissionLevel{{MustName("token"), MustName("active")}},
		Data:          e.buf,
	}}
	packed := tx.Pack()
	if got := hex.EncodeToString(packed); got != trustTx2Hex {
		t.Fatalf("packed =\n%s\nwant\n%s", got, trustTx2Hex)
	}
	back, err := UnpackTransaction(packed)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(back.Pack()) != trustTx2Hex {
		t.Error("unpack/pack does not round-trip")
	}
	chain, _ := ParseChainID(trustChain)
	digest := SigningDigest(chain, packed)
	if got := hex.EncodeToString(digest[:]); got != "14fc3299ee3e1113096bf1869dfa14c04a7ffdedd8ebdabf530683e4cfcd726c" {
		t.Fatalf("digest = %s", got)
	}
	want := []string{
		"SIG_K1_K9RdLC7DEDWjTfR64GU8BtDHcAjzR1ntcT651JMcfHNTpdsvDrUwfyzF1FkvL9fxEi2UCtGJZ9zYoNbJoMF1fbU64cRiJ7",
		"SIG_K1_K4oXhfa8xJnAB26EeTz8FLfZtY4kw4kjqUqQLz5snryP7USRJ7yGyuBBfYzTBtZ8djBo87pAW53xHsUxjvQvaKHGQRhKd5",
		"SIG_K1_K2BumXj5Qtk2CtaYe6EvMSZ2JXLCFeNsTQirx4cnZFURBFpkchuS4sNFxGLH5Qrdv4R7cN4rax6ZF9HBMz4f4d6GFoTNN2",
		"SIG_K1_K8LNseWYiePTM646LZduWevssozJ9t3gaNe2ipZfXbbSFsx36dJFXnk5UBasT2G3cX1Niu7LSUVFspkDYSSPxMFGbWcAvk",
		"SIG_K1_Jx2JFftzdx28PZXkmoeWk2afm3KHYsn5knYxynA3GrGevMEJVd1GhcuS5h3f2wdUS2ZUojqycyyVizyJFVSajeR2LZGnJr",
	}
	for i, w := range want {
		seed := sha256.Sum256([]byte(strings.Repeat("A", i+1)))
		k, err := PrivateKeyFromBytes(seed[:])
		if err != nil {
			t.Fatal(err)
		}
		// wallet-core takes RFC 6979 outputs from the first; fc from the second (Sign).
		sig, err := signFrom(k, digest, 0)
		if err != nil {
			t.Fatal(err)
		}
		if sig.String() != w {
			t.Errorf("key %d: signature %s, want %s", i+1, sig, w)
		}
		parsed, err := ParseSignature(w)
		if err != nil || !parsed.Equal(sig) {
			t.Errorf("ParseSignature(%s) = %v, %v", w, parsed, err)
		}
		if !Verify(k.PublicKey(), parsed, digest) {
			t.Errorf("published signature %d does not verify", i+1)
		}
		fcSig, err := Sign(k, digest)
		if err != nil || !IsCanonical(fcSig) || !Verify(k.PublicKey(), fcSig, digest) {
			t.Errorf("Sign with key %d: %v", i+1, err)
		}
	}
}

func TestSignatureEncodingVector(t *testing.T) {
	// wallet-core SignatureTests.cpp.
	raw, _ := hex.DecodeString("1f14262320d5b145220fb94d8fe204117edd25e52bbe9557b6e0909dd00307af266f5be1deef001446979523ac9de32c7eae5e5be4180b5a60c0e6bf14b2dd3e05")
	var sig Signature
	copy(sig[:], raw)
	if got := sig.String(); got != "SIG_K1_JwtfgsdSx5RuF5aejedQ7FJTexaKMrQyYosPUWUrU1mzdLx6JUgLTZJd7zWA8q8VdnXht3YmVt7jafmD2eEK7hTRpT9rY5" {
		t.Errorf("SIG_K1 = %s", got)
	}
}

func TestSignRecoverAndWrongKey(t *testing.T) {
	k, _ := ParsePrivateKey(devWIF)
	other, _ := PrivateKeyFromBytes(func() []byte { h := sha256.Sum256([]byte("other")); return h[:] }())
	for i := 0; i < 64; i++ {
		digest := sha256.Sum256([]byte{byte(i)})
		sig, err := Sign(k, digest)
		if err != nil {
			t.Fatal(err)
		}
		if !IsCanonical(sig) {
			t.Fatalf("non-canonical signature %x", sig)
		}
		if sig[0] < 31 || sig[0] > 34 {
			t.Fatalf("header %d, want 27+4+recid", sig[0])
		}
		pub, err := Recover(sig, digest)
		if err != nil || pub.String() != devPub {
			t.Fatalf("recovered %v, %v; want %s", pub, err, devPub)
		}
		if Verify(other.PublicKey(), sig, digest) {
			t.Fatal("signature verified against the wrong key")
		}
		wrong := sha256.Sum256([]byte{byte(i), 1})
		if Verify(k.PublicKey(), sig, wrong) {
			t.Fatal("signature verified against the wrong digest")
		}
		again, _ := Sign(k, digest)
		if !again.Equal(sig) {
			t.Fatal("signing is not deterministic")
		}
	}
}

func TestActFinKeyData(t *testing.T) {
	key := "PUB_BLS_abc"
	a := ActFinKey(MustName("eosstorebest"), key, PermissionLevel{MustName("eosstorebest"), MustName("finkey")})
	want := "" // name LE then varuint32 length then bytes
	var e encoder
	e.uint64(uint64(MustName("eosstorebest")))
	want = hex.EncodeToString(e.buf) + "0b" + hex.EncodeToString([]byte(key))
	if got := hex.EncodeToString(a.Data); got != want {
		t.Errorf("data = %s, want %s", got, want)
	}
	fin, k, err := UnpackActFinKey(a.Data)
	if err != nil || fin.String() != "eosstorebest" || k != key {
		t.Errorf("UnpackActFinKey = %s %q %v", fin, k, err)
	}
	if a.Account.String() != "eosio" || a.Name.String() != "actfinkey" || a.Authorization[0].String() != "eosstorebest@finkey" {
		t.Errorf("action = %+v", a)
	}
	if _, _, err := UnpackActFinKey(a.Data[:10]); err == nil {
		t.Error("short data accepted")
	}
}

func TestUnpackRejectsGarbage(t *testing.T) {
	good, _ := hex.DecodeString(trustTx2Hex)
	for _, b := range [][]byte{nil, good[:len(good)-1], append(append([]byte{}, good...), 0)} {
		if _, err := UnpackTransaction(b); !errors.Is(err, ErrMalformedTransaction) {
			t.Errorf("UnpackTransaction(%d bytes) error = %v", len(b), err)
		}
	}
}

func FuzzParseKeys(f *testing.F) {
	for _, s := range []string{devPub, devPubK1, devWIF, devPrivK1, "EOS", "PUB_K1_", "5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := ParsePublicKey(s); err == nil {
			q, err := ParsePublicKey(p.K1String())
			if err != nil || !q.Equal(p) {
				t.Fatalf("public key %q does not round-trip", s)
			}
		}
		if k, err := ParsePrivateKey(s); err == nil {
			q, err := ParsePrivateKey(k.WIF())
			if err != nil || q.PublicKey() != k.PublicKey() {
				t.Fatalf("private key does not round-trip")
			}
		}
		if sig, err := ParseSignature(s); err == nil && sig.String() != s {
			t.Fatalf("signature %q does not round-trip", s)
		}
		_, _ = UnpackTransaction([]byte(s))
	})
}
