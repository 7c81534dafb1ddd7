package redact

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:8888":                    "http://127.0.0.1:8888",
		"http://127.0.0.1:8888/proxy/":             "http://127.0.0.1:8888/proxy/",
		"https://alice:s3cret@influx:8086":         "https://<redacted>@influx:8086",
		"https://s3cret@influx:8086/x":             "https://<redacted>@influx:8086/x",
		"http://h:1/?token=s3cret&db=x":            "http://h:1/?db=<redacted>&token=<redacted>",
		"http://h:1?s3cret":                        "http://h:1?<redacted>",
		"http://h:1/#s3cret":                       "http://h:1/#<redacted>",
		"http://alice:s3cret@h:1:2/x?token=s3cret": "http://<redacted>@h:1:2/x?<redacted>",
		"http://alice:s3cret@[::1/x":               "http://<redacted>@[::1/x",
		"mailto:alice:s3cret@example.com":          "<redacted>@example.com",
		"alice:s3cret@h:1":                         "<redacted>@h:1",
		"":                                         "",
	} {
		got := URL(raw)
		if strings.Contains(got, "s3cret") || strings.Contains(got, "alice") {
			t.Errorf("URL(%q) = %q: a secret survived", raw, got)
		}
		if raw == "http://alice:s3cret@h:1:2/x?token=s3cret" {
			// Unparsable (two ports): redacted by punctuation.
			want = "http://<redacted>@h:1:2/x?<redacted>"
		}
		if got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://alice:s3cret@127.0.0.1:1/write?token=s3cret", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Skip("something listens on port 1")
	}
	if !strings.Contains(err.Error(), "token=s3cret") {
		t.Fatalf("the client's error %q does not show the query: the test proves nothing", err)
	}
	err = Error(err)
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "alice") {
		t.Errorf("Error left a secret: %v", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1/write?token=<redacted>") {
		t.Errorf("Error lost the endpoint: %v", err)
	}
	plain := errors.New("no URL here")
	if Error(plain) != plain || Error(nil) != nil {
		t.Error("Error changed an error without a URL")
	}
}

func TestEnv(t *testing.T) {
	got := strings.Join(Env([]string{"TOKEN=s3cret", "EMPTY=", "s3cret"}), " ")
	if got != "TOKEN=<redacted> EMPTY=<redacted> <redacted>" {
		t.Errorf("Env = %q", got)
	}
}
