package nodeos

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// TestClientNeverPrintsCredentials: user information and query values of the nodeos URL do
// not appear in NewClient's errors, in call errors or in the client's log lines.
func TestClientNeverPrintsCredentials(t *testing.T) {
	for _, raw := range []string{
		"http://alice:s3cret@127.0.0.1:1/?token=s3cret",
		"http://alice:s3cret@127.0.0.1:1#s3cret",
		"ftp://alice:s3cret@127.0.0.1:1/",
		"http://alice:s3cret@[::1",
	} {
		_, err := NewClient(Config{URL: raw})
		if err == nil {
			t.Fatalf("NewClient(%q) succeeded", raw)
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "alice") {
			t.Errorf("NewClient(%q): %v", raw, err)
		}
		if strings.Contains(err.Error(), "<unparsable URL>") || !strings.Contains(err.Error(), "<redacted>@") {
			t.Errorf("NewClient(%q) = %v, want the redacted URL in the error", raw, err)
		}
	}
	var logs bytes.Buffer
	c, err := NewClient(Config{URL: "http://alice:s3cret@127.0.0.1:1", Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: &logs})})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetInfo(context.Background())
	if err == nil {
		t.Skip("something answers on port 1")
	}
	for what, text := range map[string]string{"error": err.Error(), "logs": logs.String(), "URL()": c.URL()} {
		if strings.Contains(text, "s3cret") || strings.Contains(text, "alice") {
			t.Errorf("%s show a credential: %s", what, text)
		}
	}
	if !strings.Contains(logs.String(), "127.0.0.1:1") {
		t.Errorf("the log line lost the address: %s", logs.String())
	}
}

// TestConfigValidateNamesFields: Validate attributes each problem to its field, and NewClient
// refuses with the same text.
func TestConfigValidateNamesFields(t *testing.T) {
	for _, tc := range []struct {
		cfg   Config
		field string
	}{
		{Config{URL: "http://127.0.0.1:8888/?x=1"}, "URL"},
		{Config{URL: "http://127.0.0.1:8888", Timeout: -time.Second}, "Timeout"},
		{Config{URL: "http://127.0.0.1:8888", Timeout: MaxTimeout + time.Nanosecond}, "Timeout"},
		{Config{URL: "http://127.0.0.1:8888", Timeout: 365 * 24 * time.Hour}, "Timeout"},
	} {
		err := tc.cfg.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: Validate = %v, want a FieldError for %s", tc.cfg, err, tc.field)
			continue
		}
		if _, nerr := NewClient(tc.cfg); nerr == nil || nerr.Error() != err.Error() {
			t.Errorf("%+v: NewClient = %v, want %v", tc.cfg, nerr, err)
		}
	}
	if err := (Config{URL: "http://127.0.0.1:8888", Timeout: MaxTimeout}).Validate(); err != nil {
		t.Errorf("MaxTimeout refused: %v", err)
	}
}
