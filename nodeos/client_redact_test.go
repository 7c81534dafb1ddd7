package nodeos

import (
	"bytes"
	"context"
	"strings"
	"testing"

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
