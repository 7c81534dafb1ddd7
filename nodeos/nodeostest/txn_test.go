package nodeostest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/eostx"
)

// testKey returns a deterministic K1 key derived from seed.
func testKey(t *testing.T, seed string) eostx.PrivateKey {
	t.Helper()
	h := sha256.Sum256([]byte(seed))
	k, err := eostx.PrivateKeyFromBytes(h[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var finkeyAuth = eostx.PermissionLevel{Actor: eostx.MustName(DefaultOurs), Permission: eostx.MustName("finkey")}

// txnNet is a Savanna network where A holds the active finalizer key and finkeyAuth's key is
// the "finkey" seed's.
func txnNet(t *testing.T) (*Network, *Node, *Node) {
	t.Helper()
	n, nodes := manualNet(t, Config{Producers: 3, OurIndex: 1, Finalizers: true},
		NodeConfig{Name: "A", ProducerNode: true, FinalizerKey: "PUB_BLS_A"},
		NodeConfig{Name: "B", ProducerNode: true, FinalizerKey: "PUB_BLS_B"})
	if err := n.SetPermissionKey(DefaultOurs, "finkey", testKey(t, "finkey").PublicKey().K1String()); err != nil {
		t.Fatal(err)
	}
	n.Advance(5)
	return n, nodes[0], nodes[1]
}

// signedActFinKey builds an actfinkey for key from nd's get_info, signed with signer.
func signedActFinKey(t *testing.T, nd *Node, key string, signer eostx.PrivateKey, expireIn time.Duration) *eostx.SignedTransaction {
	t.Helper()
	c, err := nodeos.NewClient(nodeos.Config{URL: nd.URL})
	if err != nil {
		t.Fatal(err)
	}
	act := eostx.ActFinKey(eostx.MustName(DefaultOurs), key, finkeyAuth)
	trx, chainID, err := eostx.NewTransaction(testCtx(t), c, expireIn, act)
	if err != nil {
		t.Fatal(err)
	}
	st, err := eostx.SignTransaction(trx, chainID, signer)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func pusher(t *testing.T, nd *Node, path string) *eostx.Pusher {
	t.Helper()
	p, err := eostx.NewPusher(eostx.PusherConfig{URL: nd.URL, Path: path, HTTPClient: testClient})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestActFinKeySwitchesActiveKey(t *testing.T) {
	for _, path := range []string{eostx.PathPushTransaction, eostx.PathSendTransaction2} {
		t.Run(path, func(t *testing.T) {
			n, _, b := txnNet(t)
			st := signedActFinKey(t, b, "PUB_BLS_B", testKey(t, "finkey"), 30*time.Second)
			res, err := pusher(t, b, path).Push(testCtx(t), st)
			if err != nil {
				t.Fatalf("push: %v", err)
			}
			if res.TransactionID != st.ID() || len(res.Processed) == 0 {
				t.Fatalf("result id %s processed %s, want id %s", res.TransactionID, res.Processed, st.ID())
			}
			_, info := post(t, b.URL+"/v1/chain/get_finalizer_info", "")
			if !strings.Contains(info, `"pending_finalizer_policy":{"generation":2,`) || n.ActiveFinalizerKey() != "PUB_BLS_A" {
				t.Fatalf("after push: active %s, info %s", n.ActiveFinalizerKey(), info)
			}
			n.Advance(DefaultKeyActivationBlocks)
			_, info = post(t, b.URL+"/v1/chain/get_finalizer_info", "")
			if n.ActiveFinalizerKey() != "PUB_BLS_B" ||
				!strings.Contains(info, `"active_finalizer_policy":{"generation":2,`) ||
				!strings.Contains(info, `{"description":"eosstorebest","weight":1,"public_key":"PUB_BLS_B"}`) {
				t.Fatalf("within %d blocks: active %s, info %s", DefaultKeyActivationBlocks, n.ActiveFinalizerKey(), info)
			}

			// The same transaction again: 409 tx_duplicate.
			_, err = pusher(t, b, path).Push(testCtx(t), st)
			var pe *eostx.PushError
			if !errors.Is(err, eostx.ErrDuplicate) || !errors.As(err, &pe) || pe.API.Status != 409 || pe.API.Err.Name != "tx_duplicate" {
				t.Fatalf("duplicate push: %v", err)
			}
		})
	}
}

func TestActFinKeyWrongKeyUnauthorized(t *testing.T) {
	n, _, b := txnNet(t)
	st := signedActFinKey(t, b, "PUB_BLS_B", testKey(t, "not the finkey"), 30*time.Second)
	body, err := json.Marshal(st.Request())
	if err != nil {
		t.Fatal(err)
	}
	status, got := post(t, b.URL+eostx.PathPushTransaction, string(body))
	want := `{"code":401,"message":"UnAuthorized","error":{"code":3090003,"name":"unsatisfied_authorization","what":"Provided keys, permissions, and delays do not satisfy declared authorizations","details":[{"message":"transaction declares authority '{\"actor\":\"eosstorebest\",\"permission\":\"finkey\"}', but does not have signatures for it.","file":"authorization_manager.cpp","line_number":643,"method":"check_authorization"}]}}`
	if status != 401 || got != want {
		t.Fatalf("wrong key = %d %s\nwant 401 %s", status, got, want)
	}
	_, err = pusher(t, b, "").Push(testCtx(t), st)
	if !errors.Is(err, eostx.ErrUnauthorized) || !strings.Contains(err.Error(), "unsatisfied_authorization 3090003") {
		t.Fatalf("push error %v, want ErrUnauthorized", err)
	}
	// No signature at all is refused the same way.
	unsigned := &eostx.SignedTransaction{PackedTrx: st.PackedTrx}
	if _, err := pusher(t, b, "").Push(testCtx(t), unsigned); !errors.Is(err, eostx.ErrUnauthorized) {
		t.Fatalf("unsigned push error %v, want ErrUnauthorized", err)
	}
	n.Advance(DefaultKeyActivationBlocks + 1)
	if n.ActiveFinalizerKey() != "PUB_BLS_A" {
		t.Fatalf("refused actfinkey changed the active key to %s", n.ActiveFinalizerKey())
	}
}

func TestActFinKeyRefusals(t *testing.T) {
	n, _, b := txnNet(t)
	key := testKey(t, "finkey")
	head := b.Head()
	sign := func(trx *eostx.Transaction) *eostx.SignedTransaction {
		chainID, _ := eostx.ParseChainID(ChainID)
		st, err := eostx.SignTransaction(trx, chainID, key)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	base := func(exp time.Time, act eostx.Action) *eostx.Transaction {
		trx := &eostx.Transaction{Expiration: exp, Actions: []eostx.Action{act}}
		if err := trx.SetReferenceBlock(head.ID); err != nil {
			t.Fatal(err)
		}
		return trx
	}
	good := eostx.ActFinKey(eostx.MustName(DefaultOurs), "PUB_BLS_B", finkeyAuth)

	expired := base(head.Time().Add(-time.Second), good)
	tooFar := base(head.Time().Add(2*time.Hour), good)
	badRef := base(head.Time().Add(time.Minute), good)
	badRef.RefBlockPrefix++
	notOurs := base(head.Time().Add(time.Minute), eostx.ActFinKey(eostx.MustName("someoneelse"), "PUB_BLS_B", eostx.PermissionLevel{Actor: eostx.MustName("someoneelse"), Permission: eostx.MustName("finkey")}))
	notBLS := base(head.Time().Add(time.Minute), eostx.ActFinKey(eostx.MustName(DefaultOurs), "EOS6MRy", finkeyAuth))
	active := base(head.Time().Add(time.Minute), eostx.ActFinKey(eostx.MustName(DefaultOurs), "PUB_BLS_A", finkeyAuth))

	cases := []struct {
		name string
		trx  *eostx.Transaction
		kind error
		code int64
	}{
		{"expired", expired, eostx.ErrExpired, 3040005},
		{"too far", tooFar, eostx.ErrExpired, 3040006},
		{"tapos", badRef, eostx.ErrBadReferenceBlock, 3040007},
		{"other finalizer", notOurs, eostx.ErrUnauthorized, 3090003}, // no key configured for someoneelse@finkey
		{"not a BLS key", notBLS, eostx.ErrContractRejected, 3050003},
		{"already active", active, eostx.ErrContractRejected, 3050003},
	}
	for _, tc := range cases {
		_, err := pusher(t, b, "").Push(testCtx(t), sign(tc.trx))
		var pe *eostx.PushError
		if !errors.Is(err, tc.kind) || !errors.As(err, &pe) || pe.API.Err.Code != tc.code {
			t.Errorf("%s: error %v, want %v (%d)", tc.name, err, tc.kind, tc.code)
		}
	}
	n.Advance(DefaultKeyActivationBlocks + 1)
	if n.ActiveFinalizerKey() != "PUB_BLS_A" {
		t.Fatalf("refused transactions changed the active key to %s", n.ActiveFinalizerKey())
	}
}

func TestTxnEndpointsNeedPermissionKey(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{Name: "A", ProducerNode: true})
	if status, _ := post(t, nodes[0].URL+eostx.PathPushTransaction, `{"packed_trx":""}`); status != 404 {
		t.Fatalf("push_transaction without permission keys = %d, want 404", status)
	}
	n := nodes[0].net
	if err := n.SetPermissionKey("Bad", "finkey", "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"); err == nil {
		t.Fatal("invalid actor accepted")
	}
	if err := n.SetPermissionKey(DefaultOurs, "finkey", "EOSnotakey"); err == nil {
		t.Fatal("invalid key accepted")
	}
}

func TestPushTransportError(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{Name: "A", ProducerNode: true})
	p := pusher(t, nodes[0], "")
	nodes[0].Kill()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := p.Push(ctx, &eostx.SignedTransaction{PackedTrx: []byte{1}})
	if !errors.Is(err, nodeos.ErrUnreachable) {
		t.Fatalf("push to a dead node: %v, want ErrUnreachable", err)
	}
}
