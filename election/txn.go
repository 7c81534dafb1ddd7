package election

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/consul/api"
)

// txnError is a transaction Consul rolled back, with its reasons.
type txnError struct {
	errs api.TxnErrors
}

func (e *txnError) Error() string {
	var parts []string
	for _, te := range e.errs {
		parts = append(parts, fmt.Sprintf("op %d: %s", te.OpIndex, te.What))
	}
	return "transaction rolled back: " + strings.Join(parts, "; ")
}

// failedOp returns the index of the first failed operation and its reason.
func (e *txnError) failedOp() (int, string) {
	if len(e.errs) == 0 {
		return -1, ""
	}
	return e.errs[0].OpIndex, e.errs[0].What
}

// kvTxn runs KV operations atomically. A rollback is a *txnError; the
// results are those of a committed transaction.
func (e *Election) kvTxn(ctx context.Context, ops ...*api.KVTxnOp) (api.TxnResults, error) {
	txn := make(api.TxnOps, 0, len(ops))
	for _, op := range ops {
		txn = append(txn, &api.TxnOp{KV: op})
	}
	q := (&api.QueryOptions{}).WithContext(ctx)
	ok, resp, _, err := e.cfg.Client.Txn().Txn(txn, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &txnError{errs: resp.Errors}
	}
	return resp.Results, nil
}

// lastKV returns the KV entry of the last operation that produced one
// (Consul omits entries for operations such as check-not-exists), or nil.
func lastKV(results api.TxnResults) *api.KVPair {
	for i := len(results) - 1; i >= 0; i-- {
		if results[i] != nil && results[i].KV != nil {
			return results[i].KV
		}
	}
	return nil
}
