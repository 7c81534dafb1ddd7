package influx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cenkalti/backoff/v4"

	"github.com/eoskeeper/eoskeeper/internal/redact"
)

// send makes one write request. Errors for responses InfluxDB will refuse again (4xx other
// than 429) are wrapped with backoff.Permanent. No error names a credential: token and
// password travel in headers, and the URL in a transport error is redacted.
func (w *Writer) send(ctx context.Context, lines []string) error {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	body := strings.Join(lines, "\n") + "\n"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.endpoint, strings.NewReader(body))
	if err != nil {
		return backoff.Permanent(fmt.Errorf("influx: build request: %w", err))
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	switch w.cfg.Version {
	case 1:
		if w.cfg.Username != "" || w.cfg.Password != "" {
			req.SetBasicAuth(w.cfg.Username, w.cfg.Password)
		}
	case 2:
		req.Header.Set("Authorization", "Token "+w.cfg.Token)
	}
	resp, err := w.cfg.HTTPClient.Do(req)
	if err != nil {
		// The client's error names the URL; user information in it stays out of the logs.
		return fmt.Errorf("influx: write: %w", redact.Error(err))
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("influx: write: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests {
		return backoff.Permanent(err)
	}
	return err
}
