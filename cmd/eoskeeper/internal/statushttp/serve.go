package statushttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds how long Serve waits for requests in flight after ctx is done.
const shutdownGrace = 5 * time.Second

// Listen opens the status listener on addr. The agent listens before it starts anything
// else, so an address in use stops it at start rather than leaving it running without
// /metrics and /v1/producing.
func Listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("statushttp: listen %s: %w", addr, err)
	}
	return l, nil
}

// Serve listens on addr and serves h until ctx is done, then shuts the server down and
// returns nil. It returns an error when it cannot listen or the server fails. It blocks.
func Serve(ctx context.Context, addr string, h http.Handler) error {
	l, err := Listen(addr)
	if err != nil {
		return err
	}
	return ServeListener(ctx, l, h)
}

// ServeListener is Serve on a listener the caller opened (tests use port 0). It closes l.
func ServeListener(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("statushttp: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("statushttp: shutdown: %w", err)
	}
	return nil
}
