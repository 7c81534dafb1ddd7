package election

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/consul/api"
)

// errRenewNotFound reports a renewal answered with 404: Consul no longer
// knows the session.
var errRenewNotFound = errors.New("session not found")

// sessionCreateRequest is the body of /v1/session/create. It is sent raw
// because the Go API turns LockDelay 0 into 15s and cannot bind service
// checks without also binding serfHealth.
type sessionCreateRequest struct {
	Name          string
	TTL           string
	LockDelay     string
	Behavior      string
	NodeChecks    []string
	ServiceChecks []api.ServiceCheck
}

// createSession creates a check-free (or service-check-only) TTL session
// with release behaviour.
func (e *Election) createSession(ctx context.Context) (string, error) {
	req := sessionCreateRequest{
		Name:          e.cfg.Prefix + "/" + e.cfg.Producer + "/" + e.cfg.Node,
		TTL:           e.cfg.SessionTTL.String(),
		LockDelay:     e.cfg.LockDelay.String(),
		Behavior:      api.SessionBehaviorRelease,
		NodeChecks:    []string{},
		ServiceChecks: []api.ServiceCheck{},
	}
	for _, id := range e.cfg.ServiceChecks {
		req.ServiceChecks = append(req.ServiceChecks, api.ServiceCheck{ID: id})
	}
	var out struct{ ID string }
	wo := (&api.WriteOptions{}).WithContext(ctx)
	if _, err := e.cfg.Client.Raw().Write("/v1/session/create", req, &out, wo); err != nil {
		return "", fmt.Errorf("election: create session: %w", err)
	}
	if out.ID == "" {
		return "", errors.New("election: create session: empty session ID in response")
	}
	return out.ID, nil
}

// renewSession renews id once; errRenewNotFound means the session is gone.
func (e *Election) renewSession(ctx context.Context, id string) error {
	wo := (&api.WriteOptions{}).WithContext(ctx)
	entry, _, err := e.cfg.Client.Session().Renew(id, wo)
	if err != nil {
		return fmt.Errorf("election: renew session: %w", err)
	}
	if entry == nil {
		return fmt.Errorf("election: renew session: %w", errRenewNotFound)
	}
	return nil
}

// destroySession invalidates id. Keys it still holds are released and get
// the lock-delay.
func (e *Election) destroySession(ctx context.Context, id string) error {
	wo := (&api.WriteOptions{}).WithContext(ctx)
	if _, err := e.cfg.Client.Session().Destroy(id, wo); err != nil {
		return fmt.Errorf("%w: %w", errDestroy, err)
	}
	return nil
}
