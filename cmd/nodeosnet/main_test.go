package main

import "testing"

func TestNodeFlags(t *testing.T) {
	var f nodeFlags
	if err := f.Set("a,producer,127.0.0.1:8801"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("f,full,127.0.0.1:8804"); err != nil {
		t.Fatal(err)
	}
	if len(f) != 2 || f[0].Name != "a" || !f[0].ProducerNode || f[1].ProducerNode || f[1].Addr != "127.0.0.1:8804" {
		t.Fatalf("parsed %+v", f)
	}
	for _, bad := range []string{"a,producer", "a,signer,127.0.0.1:1", ",full,127.0.0.1:1", "a,full,nohost"} {
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) succeeded", bad)
		}
	}
}
