package nodeos

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkDecodeInfo(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "api", "get_info_leap403.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var info Info
		if err := json.Unmarshal(raw, &info); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetInfo measures a whole call over loopback HTTP with a kept-alive connection.
func BenchmarkGetInfo(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "api", "get_info_leap403.json"))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(raw)
	}))
	b.Cleanup(srv.Close)
	c, err := NewClient(Config{URL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetInfo(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
