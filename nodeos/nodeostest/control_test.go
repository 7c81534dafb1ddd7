package nodeostest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestControlHandler(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2, OurIndex: 1},
		NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "B", ProducerNode: true})
	a := nodes[0]
	ctl := httptest.NewServer(n.ControlHandler())
	t.Cleanup(ctl.Close)

	do := func(method, path, body string, wantStatus int) string {
		t.Helper()
		req, _ := http.NewRequest(method, ctl.URL+path, strings.NewReader(body))
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var raw json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, raw, wantStatus)
		}
		return string(raw)
	}

	post(t, a.URL+"/v1/producer/resume", "")
	post(t, nodes[1].URL+"/v1/producer/resume", "")
	n.Advance(13)
	var ref struct {
		Double []json.RawMessage `json:"double_produced"`
		Missed []json.RawMessage `json:"missed"`
		Check  string            `json:"check"`
	}
	if err := json.Unmarshal([]byte(do("GET", "/referee", "", 200)), &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Double) != 1 || len(ref.Missed) != 0 || !strings.Contains(ref.Check, "double production") {
		t.Fatalf("referee: %+v", ref)
	}
	var ledger []Block
	if err := json.Unmarshal([]byte(do("GET", "/ledger", "", 200)), &ledger); err != nil || len(ledger) != len(n.Ledger()) {
		t.Fatalf("ledger: %d blocks, %v", len(ledger), err)
	}

	if got := do("POST", "/nodes/A/kill", "", 200); !strings.Contains(got, `"alive":false`) || a.Alive() {
		t.Fatalf("kill: %s", got)
	}
	if got := do("POST", "/nodes/A/restart", "", 200); !strings.Contains(got, `"alive":true`) || !strings.Contains(got, `"paused":true`) {
		t.Fatalf("restart: %s", got)
	}
	do("POST", "/nodes/A/peers?n=3", "", 200)
	do("POST", "/nodes/A/fail500?on=1", "", 200)
	if status, _ := post(t, a.URL+"/v1/chain/get_info", ""); status != 500 {
		t.Fatalf("fail500 via control: status %d", status)
	}
	do("POST", "/nodes/A/fail500?on=0", "", 200)
	do("POST", "/partition", `[["A"]]`, 200)
	libA := a.LIB()
	n.Advance(12)
	if a.LIB() != libA {
		t.Fatal("partitioned A's LIB moved")
	}
	do("POST", "/heal", "", 200)
	do("POST", "/nodes/nobody/kill", "", 404)
	do("POST", "/nodes/A/explode", "", 404)
	do("POST", "/partition", `[["A","ghost"]]`, 404)
	do("POST", "/nodes/A/rotate?mode=sideways", "", 400)
	var list []NodeStatus
	if err := json.Unmarshal([]byte(do("GET", "/nodes", "", 200)), &list); err != nil || len(list) != 2 || list[0].Peers != 3 || list[0].URL != a.URL {
		t.Fatalf("nodes: %+v %v", list, err)
	}
	if got := do("GET", "/status", "", 200); !strings.Contains(got, `"ours":"eosstorebest"`) {
		t.Fatalf("status: %s", got)
	}
}

func TestFixedAddress(t *testing.T) {
	n := NewUnstartedNetwork(Config{Producers: 1, ManualClock: true})
	t.Cleanup(n.Close)
	probe := n.AddNode(NodeConfig{Name: "probe"})
	addr := strings.TrimPrefix(probe.URL, "http://")
	probe.Kill()
	a := n.AddNode(NodeConfig{Name: "A", Addr: addr})
	if a.URL != "http://"+addr {
		t.Fatalf("URL %s, want http://%s", a.URL, addr)
	}
	if status, _ := post(t, a.URL+"/v1/chain/get_info", ""); status != 200 {
		t.Fatalf("get_info on fixed address: %d", status)
	}
}
