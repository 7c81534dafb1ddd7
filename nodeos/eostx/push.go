package eostx

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// Endpoints a transaction can be pushed to. Both take the same packed transaction.
const (
	// PathPushTransaction is chain_api_plugin's push_transaction.
	PathPushTransaction = "/v1/chain/push_transaction"
	// PathSendTransaction2 is chain_api_plugin's send_transaction2 (Leap >= 5, Spring).
	PathSendTransaction2 = "/v1/chain/send_transaction2"
)

// Kinds of refusal, matched by errors.Is on a *PushError. Codes are fc exception codes from
// libraries/chain/include/eosio/chain/exceptions.hpp.
var (
	// ErrUnauthorized: the signatures do not satisfy the authorization (unsatisfied_authorization
	// 3090003, HTTP 401) or an authorization is missing (missing_auth_exception 3090004).
	ErrUnauthorized = errors.New("eostx: transaction not authorized")
	// ErrExpired: the expiration is in the past (expired_tx_exception 3040005) or too far in
	// the future (tx_exp_too_far_exception 3040006).
	ErrExpired = errors.New("eostx: transaction expired")
	// ErrBadReferenceBlock: TAPoS does not match the node's chain (invalid_ref_block_exception 3040007).
	ErrBadReferenceBlock = errors.New("eostx: reference block not on this chain")
	// ErrDuplicate: the node has already seen this transaction id (tx_duplicate 3040008, HTTP 409).
	ErrDuplicate = errors.New("eostx: duplicate transaction")
	// ErrResources: the account ran out of CPU, NET or RAM, or the transaction hit a deadline
	// (3080001-3080008, 3081001).
	ErrResources = errors.New("eostx: resource limit exceeded")
	// ErrContractRejected: the contract refused the action (eosio_assert_message_exception 3050003),
	// e.g. an unregistered finalizer key.
	ErrContractRejected = errors.New("eostx: contract refused the action")
	// ErrRejected: any other refusal by nodeos.
	ErrRejected = errors.New("eostx: transaction rejected")
)

// PushError is nodeos's refusal of a pushed transaction. It matches its Kind and unwraps to
// the decoded reply (*nodeos.APIError).
type PushError struct {
	// TxID is the transaction id.
	TxID string
	// Kind is one of ErrUnauthorized, ErrExpired, ErrBadReferenceBlock, ErrDuplicate,
	// ErrResources, ErrContractRejected or ErrRejected.
	Kind error
	// API is the decoded reply.
	API *nodeos.APIError
}

// Error formats the refusal with its kind and nodeos's message.
func (e *PushError) Error() string {
	return fmt.Sprintf("%s (transaction %.16s...): %v", e.Kind, e.TxID, e.API)
}

// Unwrap returns the kind and the nodeos reply.
func (e *PushError) Unwrap() []error { return []error{e.Kind, e.API} }

// pushKind classifies an fc exception code.
func pushKind(code int64) error {
	switch {
	case code == 3090003 || code == 3090004:
		return ErrUnauthorized
	case code == 3040005 || code == 3040006:
		return ErrExpired
	case code == 3040007:
		return ErrBadReferenceBlock
	case code == 3040008:
		return ErrDuplicate
	case (code >= 3080001 && code <= 3080008) || code == 3081001:
		return ErrResources
	case code == 3050003:
		return ErrContractRejected
	}
	return ErrRejected
}

// PusherConfig configures a Pusher.
type PusherConfig struct {
	// URL is nodeos's HTTP API base URL, e.g. "http://127.0.0.1:8888". Required.
	URL string
	// Path is the endpoint; default PathPushTransaction.
	Path string
	// Timeout bounds each push; default 10s.
	Timeout time.Duration
	// HTTPClient sends the request; default a plain client.
	HTTPClient *http.Client
}

// Pusher sends signed transactions to one nodeos. It is safe for concurrent use.
type Pusher struct {
	base    string
	path    string
	timeout time.Duration
	hc      *http.Client
}

// NewPusher validates cfg and returns a Pusher. It makes no request.
func NewPusher(cfg PusherConfig) (*Pusher, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("eostx: invalid nodeos URL: want http(s)://host:port")
	}
	p := &Pusher{base: strings.TrimRight(cfg.URL, "/"), path: cfg.Path, timeout: cfg.Timeout, hc: cfg.HTTPClient}
	if p.path == "" {
		p.path = PathPushTransaction
	}
	if p.path != PathPushTransaction && p.path != PathSendTransaction2 {
		return nil, fmt.Errorf("eostx: unsupported push path %q", p.path)
	}
	if p.timeout <= 0 {
		p.timeout = 10 * time.Second
	}
	if p.hc == nil {
		p.hc = &http.Client{}
	}
	return p, nil
}

// PushRequest is the JSON body of push_transaction (a packed_transaction).
type PushRequest struct {
	Signatures            []string `json:"signatures"`
	Compression           string   `json:"compression"`
	PackedContextFreeData string   `json:"packed_context_free_data"`
	PackedTrx             string   `json:"packed_trx"`
}

// Request returns the push body for st.
func (st *SignedTransaction) Request() PushRequest {
	r := PushRequest{Signatures: []string{}, Compression: "none", PackedTrx: hex.EncodeToString(st.PackedTrx)}
	for _, s := range st.Signatures {
		r.Signatures = append(r.Signatures, s.String())
	}
	return r
}

// sendTransaction2Request wraps the transaction as send_transaction2 expects.
type sendTransaction2Request struct {
	ReturnFailureTrace bool        `json:"return_failure_trace"`
	RetryTrx           bool        `json:"retry_trx"`
	Transaction        PushRequest `json:"transaction"`
}

// PushResult is nodeos's acceptance of a transaction.
type PushResult struct {
	// TransactionID is the id nodeos reports.
	TransactionID string `json:"transaction_id"`
	// Processed is the transaction trace, undecoded.
	Processed json.RawMessage `json:"processed"`
}

// Push sends st and returns nodeos's acceptance, or a *PushError for a refusal, or a
// *nodeos.TransportError when nodeos could not be reached.
func (p *Pusher) Push(ctx context.Context, st *SignedTransaction) (*PushResult, error) {
	var params any = st.Request()
	if p.path == PathSendTransaction2 {
		params = sendTransaction2Request{ReturnFailureTrace: false, Transaction: st.Request()}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("eostx: %s: encoding request: %w", p.path, err)
	}
	cctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodPost, p.base+p.path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("eostx: %s: building request: %w", p.path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, transportError(ctx, p.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, transportError(ctx, p.path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		api := nodeos.DecodeAPIError(p.path, resp.StatusCode, raw)
		return nil, &PushError{TxID: st.ID(), Kind: pushKind(api.Err.Code), API: api}
	}
	var out PushResult
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, &nodeos.DecodeError{Endpoint: p.path, Status: resp.StatusCode, Snippet: clip(raw), Err: err}
	}
	return &out, nil
}

func clip(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

func transportError(parent context.Context, endpoint string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if perr := parent.Err(); perr != nil && errors.Is(perr, context.Canceled) {
		return fmt.Errorf("eostx: %s: %w", endpoint, perr)
	}
	kind := nodeos.ErrUnreachable
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &nerr) && nerr.Timeout()) {
		kind = nodeos.ErrTimeout
	}
	return &nodeos.TransportError{Endpoint: endpoint, Kind: kind, Err: err}
}

// NewTransaction reads get_info and returns a transaction of actions referencing the last
// irreversible block (TAPoS), expiring expireIn after the head block time, with the chain id
// to sign it for.
func NewTransaction(ctx context.Context, c *nodeos.Client, expireIn time.Duration, actions ...Action) (*Transaction, ChainID, error) {
	info, err := c.GetInfo(ctx)
	if err != nil {
		return nil, ChainID{}, fmt.Errorf("eostx: reading TAPoS inputs: %w", err)
	}
	chainID, err := ParseChainID(info.ChainID)
	if err != nil {
		return nil, ChainID{}, err
	}
	ref := info.LastIrreversibleBlockID
	if ref == "" {
		ref = info.HeadBlockID
	}
	t := &Transaction{Expiration: info.HeadBlockTime.Time.Add(expireIn).Truncate(time.Second), Actions: actions}
	if err := t.SetReferenceBlock(ref); err != nil {
		return nil, ChainID{}, err
	}
	return t, chainID, nil
}
