package nodeostest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/eostx"
)

// maxTrxLifetime is nodeos's default max_transaction_lifetime (chain config, seconds).
const maxTrxLifetime = 3600

// txnState is what the chain knows of transactions: the keys of the permissions that may
// sign, and the ids already accepted.
type txnState struct {
	permKeys map[eostx.PermissionLevel]eostx.PublicKey
	seen     map[string]bool
}

// SetPermissionKey makes pubKey (EOS... or PUB_K1_...) the only key satisfying
// actor@permission. Once any permission key is set, nodes serve /v1/chain/push_transaction
// and /v1/chain/send_transaction2 and accept eosio::actfinkey for our producer when it is
// signed by the key of its authorization; an accepted actfinkey schedules the key switch
// SetActiveFinalizerKey makes.
func (n *Network) SetPermissionKey(actor, permission, pubKey string) error {
	a, err := eostx.ParseName(actor)
	if err != nil {
		return fmt.Errorf("nodeostest: permission key: %w", err)
	}
	p, err := eostx.ParseName(permission)
	if err != nil {
		return fmt.Errorf("nodeostest: permission key: %w", err)
	}
	k, err := eostx.ParsePublicKey(pubKey)
	if err != nil {
		return fmt.Errorf("nodeostest: permission key: %w", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.txn.permKeys == nil {
		n.txn.permKeys = make(map[eostx.PermissionLevel]eostx.PublicKey)
		n.txn.seen = make(map[string]bool)
	}
	n.txn.permKeys[eostx.PermissionLevel{Actor: a, Permission: p}] = k
	return nil
}

// addTxnEndpoints adds the transaction endpoints once a permission key is configured.
func (nd *Node) addTxnEndpoints(eps map[string]endpoint) {
	if len(nd.net.txn.permKeys) == 0 {
		return
	}
	eps[eostx.PathPushTransaction] = endpoint{"chain_api", paramsRequired, 202, (*Node).pushTransaction}
	eps[eostx.PathSendTransaction2] = endpoint{"chain_api", paramsRequired, 202, (*Node).sendTransaction2}
}

func (nd *Node) sendTransaction2(body []byte) (any, *apiError) {
	var p struct {
		Transaction json.RawMessage `json:"transaction"`
	}
	if err := json.Unmarshal(body, &p); err != nil || len(p.Transaction) == 0 {
		return nil, errInvalidRequest("Unable to parse valid input from POST body", 283)
	}
	return nd.pushTransaction(p.Transaction)
}

// pushTransaction checks a packed transaction as nodeos would (duplicate, expiration, TAPoS,
// authorization) and applies eosio::actfinkey, the only action this chain runs.
func (nd *Node) pushTransaction(body []byte) (any, *apiError) {
	n := nd.net
	var req eostx.PushRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, errInvalidRequest("Unable to parse valid input from POST body", 283)
	}
	packed, err := hex.DecodeString(req.PackedTrx)
	if err != nil || req.Compression == "zlib" {
		return nil, errTrx(3030000, "transaction_exception", "Transaction exception", "packed_trx is not uncompressed hex", "packed_transaction")
	}
	trx, err := eostx.UnpackTransaction(packed)
	if err != nil {
		return nil, errTrx(3030000, "transaction_exception", "Transaction exception", err.Error(), "packed_transaction")
	}
	id := eostx.TransactionID(packed)
	if n.txn.seen[id] {
		return nil, &apiError{409, "Conflict", apiErrorInfo{3040008, "tx_duplicate", "Duplicate transaction",
			[]apiErrorDetail{{"duplicate transaction " + id, "producer_plugin.cpp", 750, "on_incoming_transaction_async"}}}}
	}
	chainTime := nd.head.Time().Add(nodeos.BlockInterval)
	if exp := trx.Expiration; exp.Before(chainTime) {
		return nil, errTrx(3040005, "expired_tx_exception", "Expired Transaction",
			fmt.Sprintf("expired transaction %s, expiration %s, block time %s", id, isoTime(exp), isoTime(chainTime)), "check_transaction_expiration")
	} else if exp.After(chainTime.Add(maxTrxLifetime * time.Second)) {
		return nil, errTrx(3040006, "tx_exp_too_far_exception", "Transaction Expiration Too Far",
			fmt.Sprintf("Transaction expiration is too far in the future relative to the reference time of %s, expiration %s and the maximum transaction lifetime is %d seconds",
				isoTime(chainTime), isoTime(exp), maxTrxLifetime), "check_transaction_expiration")
	}
	refNum := nd.head.Num - (nd.head.Num-uint32(trx.RefBlockNum))&0xffff
	if ref := n.ancestor(nd.head, refNum); ref == nil || refBlockPrefix(ref.ID) != trx.RefBlockPrefix {
		return nil, errTrx(3040007, "invalid_ref_block_exception", "Invalid Reference Block",
			"Transaction's reference block did not match. Is this transaction from a different fork?", "validate_tapos")
	}
	if len(trx.ContextFreeActions) > 0 || len(trx.Actions) == 0 || trx.DelaySec != 0 {
		return nil, errTrx(3040000, "transaction_type_exception", "Transaction type exception",
			"this chain runs only eosio::actfinkey transactions without context-free actions or delay", "init_for_input_trx")
	}
	digest := eostx.SigningDigest(mustChainID(), packed)
	signers := make(map[eostx.PublicKey]bool)
	for _, s := range req.Signatures {
		sig, err := eostx.ParseSignature(s)
		if err != nil {
			return nil, errTrx(3010000, "chain_type_exception", "chain type exception", err.Error(), "signature")
		}
		pub, err := eostx.Recover(sig, digest)
		if err != nil || !eostx.IsCanonical(sig) {
			return nil, errTrx(3030001, "tx_missing_sigs", "signatures do not match", "non-canonical or unrecoverable signature", "recover_keys")
		}
		signers[pub] = true
	}
	var keys []string
	for _, a := range trx.Actions {
		if a.Account != eostx.SystemAccount || a.Name != eostx.ActFinKeyName {
			return nil, errTrx(3040000, "transaction_type_exception", "Transaction type exception",
				"this chain runs only eosio::actfinkey, not "+a.Account.String()+"::"+a.Name.String(), "init_for_input_trx")
		}
		for _, p := range a.Authorization {
			if want, ok := n.txn.permKeys[p]; !ok || !signers[want] {
				auth, _ := json.Marshal(struct {
					Actor      string `json:"actor"`
					Permission string `json:"permission"`
				}{p.Actor.String(), p.Permission.String()})
				return nil, &apiError{401, "UnAuthorized", apiErrorInfo{3090003, "unsatisfied_authorization",
					"Provided keys, permissions, and delays do not satisfy declared authorizations",
					[]apiErrorDetail{{fmt.Sprintf("transaction declares authority '%s', but does not have signatures for it.", auth),
						"authorization_manager.cpp", 643, "check_authorization"}}}}
			}
		}
		key, apiErr := n.checkActFinKey(a)
		if apiErr != nil {
			return nil, apiErr
		}
		keys = append(keys, key)
	}
	n.txn.seen[id] = true
	for _, key := range keys {
		n.fin.pendingKey = key
		n.fin.pendingAt = n.slot + nodeos.Slot(n.fin.activation)
	}
	return pushResult(id, nd.head.Num+1, chainTime), nil
}

// checkActFinKey applies the system contract's checks to an actfinkey action and returns the key.
func (n *Network) checkActFinKey(a eostx.Action) (string, *apiError) {
	fin, key, err := eostx.UnpackActFinKey(a.Data)
	if err != nil {
		return "", errTrx(3015014, "pack_exception", "Pack data exception", err.Error(), "unpack")
	}
	authorized := false
	for _, p := range a.Authorization {
		authorized = authorized || p.Actor == fin
	}
	if !authorized {
		return "", errTrx(3090004, "missing_auth_exception", "Missing required authority",
			"missing authority of "+fin.String(), "require_authorization")
	}
	switch {
	case fin.String() != n.cfg.Ours:
		return "", assertFailure("finalizer " + fin.String() + " has not registered any finalizer keys")
	case !strings.HasPrefix(key, "PUB_BLS_"):
		return "", assertFailure("finalizer key does not start with PUB_BLS: " + key)
	case key == n.fin.activeKey && n.fin.pendingKey == "":
		return "", assertFailure("finalizer key was already active: " + key)
	}
	return key, nil
}

func mustChainID() eostx.ChainID {
	id, err := eostx.ParseChainID(ChainID)
	if err != nil {
		panic(err) // ChainID is a constant of this package
	}
	return id
}

// errTrx is a transaction failure: nodeos answers fc exceptions it does not map with 500.
func errTrx(code int64, name, what, msg, method string) *apiError {
	return &apiError{500, "Internal Service Error", apiErrorInfo{code, name, what,
		[]apiErrorDetail{{msg, "transaction_context.cpp", 100, method}}}}
}

func assertFailure(msg string) *apiError {
	return &apiError{500, "Internal Service Error", apiErrorInfo{3050003, "eosio_assert_message_exception",
		"eosio_assert_message assertion failure",
		[]apiErrorDetail{{"assertion failure with message: " + msg, "cf_system.cpp", 14, "eosio_assert"}}}}
}

// pushResult is the minimal push_transaction_results nodeos returns for an executed transaction.
func pushResult(id string, blockNum uint32, at time.Time) any {
	type receipt struct {
		Status        string `json:"status"`
		CPUUsageUS    int    `json:"cpu_usage_us"`
		NetUsageWords int    `json:"net_usage_words"`
	}
	type processed struct {
		ID              string  `json:"id"`
		BlockNum        uint32  `json:"block_num"`
		BlockTime       string  `json:"block_time"`
		ProducerBlockID *string `json:"producer_block_id"`
		Receipt         receipt `json:"receipt"`
		Elapsed         int     `json:"elapsed"`
		NetUsage        int     `json:"net_usage"`
		Scheduled       bool    `json:"scheduled"`
		ActionTraces    []any   `json:"action_traces"`
		Except          *string `json:"except"`
	}
	return struct {
		TransactionID string    `json:"transaction_id"`
		Processed     processed `json:"processed"`
	}{id, processed{ID: id, BlockNum: blockNum, BlockTime: isoTime(at),
		Receipt: receipt{"executed", 150, 16}, Elapsed: 150, NetUsage: 128, ActionTraces: []any{}}}
}
