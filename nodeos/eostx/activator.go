package eostx

import (
	"context"
	"fmt"
	"time"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// FinKeyActivator pushes eosio::actfinkey for one producer's finalizer key, signed by a
// low-privilege permission linked to that action.
type FinKeyActivator struct {
	// Client reads the TAPoS block from nodeos's get_info.
	Client *nodeos.Client
	// Pusher sends the transaction to the same nodeos.
	Pusher *Pusher
	// Producer is the finalizer account (our producer).
	Producer Name
	// Key is the registered BLS finalizer key to activate (PUB_BLS_...).
	Key string
	// Auth is the permission that signs, e.g. producer@finkey.
	Auth PermissionLevel
	// Signer is Auth's private key. It never appears in errors or logs.
	Signer PrivateKey
	// ExpireIn is the transaction's lifetime after the head block; default 60s.
	ExpireIn time.Duration
}

// Activate builds, signs and pushes the actfinkey transaction. A refusal by nodeos is a
// *PushError naming its kind (unauthorized, expired, duplicate, ...).
func (a *FinKeyActivator) Activate(ctx context.Context) error {
	expire := a.ExpireIn
	if expire <= 0 {
		expire = time.Minute
	}
	t, chain, err := NewTransaction(ctx, a.Client, expire, ActFinKey(a.Producer, a.Key, a.Auth))
	if err != nil {
		return fmt.Errorf("eostx: actfinkey %s: %w", a.Key, err)
	}
	st, err := SignTransaction(t, chain, a.Signer)
	if err != nil {
		return fmt.Errorf("eostx: actfinkey %s: %w", a.Key, err)
	}
	if _, err := a.Pusher.Push(ctx, st); err != nil {
		return fmt.Errorf("eostx: actfinkey %s as %s: %w", a.Key, a.Auth, err)
	}
	return nil
}
