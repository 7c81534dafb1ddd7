package nodeos

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addFixtures seeds f with every testdata/api reply.
func addFixtures(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "api", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzDecodeInfo(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"total_cpu_weight":0,"head_block_time":"2023-09-04T20:36:31.500Z"}`))
	f.Add([]byte(`{"total_cpu_weight":"","last_irreversible_block_time":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var info Info
		if err := json.Unmarshal(b, &info); err != nil {
			return
		}
		_ = info.HeadSlot()
		_, _ = BlockNumFromID(info.HeadBlockID)
		// What decoded encodes and decodes again to the same numbers.
		enc, err := json.Marshal(&info)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", info, err)
		}
		var again Info
		if err := json.Unmarshal(enc, &again); err != nil {
			t.Fatalf("decoding re-encoded %s: %v", enc, err)
		}
		if again.HeadBlockNum != info.HeadBlockNum || again.VirtualBlockCPULimit != info.VirtualBlockCPULimit ||
			(info.TotalCPUWeight != nil) != (again.TotalCPUWeight != nil) ||
			(info.TotalCPUWeight != nil && *info.TotalCPUWeight != *again.TotalCPUWeight) {
			t.Fatalf("round trip changed numbers: %+v -> %+v", info, again)
		}
	})
}

func FuzzDecodeSchedule(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"active":{"version":1,"producers":[{"producer_name":"a","authority":["block_signing_authority_v0",{"threshold":1,"keys":[]}]}]},"pending":null}`))
	f.Add([]byte(`{"active":{"producers":[{"producer_name":"a","authority":[0]}]}}`))
	f.Add([]byte(`{"active":{"producers":[{"authority":null,"block_signing_key":null}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s ProducerSchedule
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		sched := s.ActiveSchedule()
		_ = s.Pending.Schedule()
		_ = s.Proposed.Schedule()
		if len(sched.Producers) > 0 {
			_ = sched.ProducerAt(1494349983)
			_, _ = sched.NextTurn(sched.Producers[0], 1494349983)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("re-encoding %+v: %v", s, err)
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"code":400,"message":"Disallowed HTTP HOST header in the request","error":{}}`))
	f.Add([]byte(`{"code":503,"message":"Busy","error":{"code":503,"name":"Busy","what":"Too many requests in flight: 10","details":[]}}`))
	f.Add([]byte(`{"message": "Internal Server Error"}`))
	f.Add([]byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, ep := range []string{PathPause, PathGetInfo, PathGetFinalizerInfo} {
			for _, status := range []int{400, 404, 500} {
				e := DecodeAPIError(ep, status, b)
				msg := e.Error()
				if !strings.HasPrefix(msg, "nodeos: "+ep+": ") {
					t.Fatalf("error text %q does not name the endpoint", msg)
				}
				if e.Status != status {
					t.Fatalf("status %d, want %d", e.Status, status)
				}
			}
		}
		d := &DecodeError{Endpoint: PathGetInfo, Status: 200, Snippet: clipText(b)}
		_ = d.Error()
	})
}

func FuzzDecodeReplies(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`"18446744073709551615"`))
	f.Add([]byte(`-9223372036854775808`))
	f.Add([]byte(`{"rows":[{"is_active":"true","total_votes":1e308,"producer_authority":[0,{"keys":null}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var (
			producers Producers
			block     SignedBlock
			info      BlockInfo
			fin       FinalizerInfo
			conns     []Connection
			paused    *bool
		)
		_ = json.Unmarshal(b, &producers)
		_ = json.Unmarshal(b, &block)
		_ = json.Unmarshal(b, &info)
		_ = json.Unmarshal(b, &fin)
		_ = json.Unmarshal(b, &paused)
		if json.Unmarshal(b, &conns) == nil {
			for i := range conns {
				_ = conns[i].Established()
				_ = conns[i].LastHandshake.Head()
				_ = conns[i].LastHandshake.SentAt()
			}
		}
		// Integers that decode encode back to the same value.
		var u Uint64
		if json.Unmarshal(b, &u) == nil {
			enc, _ := json.Marshal(u)
			var again Uint64
			if err := json.Unmarshal(enc, &again); err != nil || again != u {
				t.Fatalf("Uint64 %d -> %s -> %d, %v", uint64(u), enc, uint64(again), err)
			}
		}
		var i Int64
		if json.Unmarshal(b, &i) == nil {
			enc, _ := json.Marshal(i)
			var again Int64
			if err := json.Unmarshal(enc, &again); err != nil || again != i {
				t.Fatalf("Int64 %d -> %s -> %d, %v", int64(i), enc, int64(again), err)
			}
		}
	})
}

func FuzzParseTCPTable(f *testing.F) {
	for _, name := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(filepath.Join("testdata", "proc", "net", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("  sl  local_address\n   0: :"))
	f.Fuzz(func(t *testing.T, b []byte) {
		socks, err := parseTCPTable(b)
		if err != nil {
			return
		}
		for _, s := range socks {
			if s.localField == "" {
				t.Fatalf("socket without a local address: %+v", s)
			}
		}
	})
}
