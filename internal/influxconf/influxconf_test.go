package influxconf

import (
	"strings"
	"testing"
)

func TestConfig(t *testing.T) {
	got := Config("/var/x", "10.0.0.1:8086", "127.0.0.1:8088")
	for _, want := range []string{
		"reporting-disabled = true\nbind-address = \"127.0.0.1:8088\"",
		"[meta]\n  dir = \"/var/x/meta\"",
		"dir = \"/var/x/data\"\n  wal-dir = \"/var/x/wal\"",
		"[http]\n  enabled = true\n  bind-address = \"10.0.0.1:8086\"",
		"[monitor]\n  store-enabled = false",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}
