package nodeostest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestGetInfoExactJSON(t *testing.T) {
	for _, tc := range []struct {
		name    string
		format  LogFormat
		release string
		tail    string
	}{
		{"spring", Spring, "v1.2.2", `,"total_cpu_weight":"383380109085541","total_net_weight":"96155790932318","earliest_available_block_num":1,"last_irreversible_block_time":"%s"}`},
		{"eosio2", EOSIO2, "v2.0.13", `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, nodes := manualNet(t, Config{Producers: 3, OurIndex: 1, LogFormat: tc.format}, NodeConfig{Name: "A"})
			n.Advance(5)
			a := nodes[0]
			head := n.Head()
			if head.Num != DefaultFirstBlock+5 {
				t.Fatalf("head %d, want %d", head.Num, DefaultFirstBlock+5)
			}
			if want := fmt.Sprintf("%08x", head.Num); head.ID[:8] != want {
				t.Fatalf("head id %s does not start with the block number %s", head.ID, want)
			}
			lib := n.ancestor(n.groups[0].head, head.Num-2)
			want := fmt.Sprintf(`{"server_version":"%s","chain_id":"%s","head_block_num":%d,"last_irreversible_block_num":%d,"last_irreversible_block_id":"%s","head_block_id":"%s","head_block_time":"%s","head_block_producer":"%s","virtual_block_cpu_limit":200000,"virtual_block_net_limit":1048576000,"block_cpu_limit":199900,"block_net_limit":1048576,"server_version_string":"%s","fork_db_head_block_num":%d,"fork_db_head_block_id":"%s","server_full_version_string":"%s"`,
				a.serverVersion(), ChainID, head.Num, head.Num-2, lib.ID, head.ID, head.Time().Format("2006-01-02T15:04:05.000"),
				head.Producer, tc.release, head.Num, head.ID, a.fullVersion())
			if strings.Contains(tc.tail, "%s") {
				want += fmt.Sprintf(tc.tail, lib.Time().Format("2006-01-02T15:04:05.000"))
			} else {
				want += tc.tail
			}
			status, body := post(t, a.URL+"/v1/chain/get_info", "")
			if status != 200 || body != want {
				t.Fatalf("get_info = %d\n%s\nwant 200\n%s", status, body, want)
			}
			if !strings.HasSuffix(head.Time().Format("05.000"), ".000") && !strings.HasSuffix(head.Time().Format("05.000"), ".500") {
				t.Errorf("head time %v is not on a 500 ms slot", head.Time())
			}
		})
	}
}

func TestSmallWeightsAreNumbers(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1, TotalCPUWeight: 7, TotalNetWeight: 0xffffffff}, NodeConfig{})
	_, body := post(t, nodes[0].URL+"/v1/chain/get_info", "")
	if !strings.Contains(body, `"total_cpu_weight":7,"total_net_weight":4294967295,`) {
		t.Fatalf("weights not numbers: %s", body)
	}
}

func TestProducerScheduleExactJSON(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 2, OurIndex: 1, OtherNames: []string{"alpha"}}, NodeConfig{})
	auth := `"authority":[0,{"threshold":1,"keys":[{"key":"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV","weight":1}]}]`
	want := `{"active":{"version":1,"producers":[{"producer_name":"alpha",` + auth + `},{"producer_name":"eosstorebest",` + auth + `}]},"pending":null,"proposed":null}`
	status, body := call(t, http.MethodGet, nodes[0].URL+"/v1/chain/get_producer_schedule", "")
	if status != 200 || body != want {
		t.Fatalf("get_producer_schedule = %d\n%s\nwant 200\n%s", status, body, want)
	}
}

func TestProducerEndpoints(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2}, NodeConfig{Name: "A", ProducerNode: true}, NodeConfig{Name: "F"})
	a, f := nodes[0], nodes[1]
	steps := []struct{ url, path, want string }{
		{a.URL, "/v1/producer/paused", "true"},
		{f.URL, "/v1/producer/paused", "false"},
		{a.URL, "/v1/producer/resume", `{"result":"ok"}`},
		{a.URL, "/v1/producer/paused", "false"},
		{a.URL, "/v1/producer/pause", `{"result":"ok"}`},
		{a.URL, "/v1/producer/paused", "true"},
		{a.URL, "/v1/producer/get_runtime_options", `{"max_transaction_time":499,"max_irreversible_block_age":-1,"produce_block_offset_ms":450,"subjective_cpu_leeway_us":31000,"greylist_limit":1000}`},
	}
	for _, s := range steps {
		// The method is not checked, as in http_plugin.
		status, body := call(t, http.MethodGet, s.url+s.path, "")
		if status != 201 || body != s.want {
			t.Fatalf("%s = %d %s, want 201 %s", s.path, status, body, s.want)
		}
	}
	if !a.Paused() || n.Node("A") != a {
		t.Fatal("A not paused after pause")
	}
	lines := readLog(t, a.LogPath)
	if len(grep(lines, "] Producer paused.")) != 1 || len(grep(lines, "] Producer resumed.")) != 1 {
		t.Fatalf("pause/resume lines missing:\n%s", strings.Join(lines, "\n"))
	}
}

func TestBodyRules(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{ProducerNode: true})
	u := nodes[0].URL
	noParam := `{"code":400,"message":"Invalid Request","error":{"code":3200006,"name":"invalid_http_request","what":"invalid http request","details":[{"message":"no parameter should be given","file":"http_plugin.hpp","line_number":271,"method":"parse_params"}]}}`
	for _, body := range []string{`{"x":1}`, "{}\n", "\n", "null"} {
		status, got := post(t, u+"/v1/chain/get_info", body)
		if status != 400 || got != noParam {
			t.Errorf("get_info with body %q = %d %s, want 400 %s", body, status, got, noParam)
		}
	}
	for _, body := range []string{"", "{}", " { \t} "} {
		if status, got := post(t, u+"/v1/producer/paused", body); status != 201 || got != "true" {
			t.Errorf("paused with body %q = %d %s, want 201 true", body, status, got)
		}
	}
	status, got := post(t, u+"/v1/chain/get_producers", "")
	if status != 400 || !strings.Contains(got, `"details":[{"message":"A Request body is required"`) || !strings.Contains(got, `"code":3200006`) {
		t.Errorf("get_producers without body = %d %s", status, got)
	}
	status, got = post(t, u+"/v1/chain/get_block", "{not json")
	if status != 400 || !strings.Contains(got, "Unable to parse valid input from POST body") {
		t.Errorf("get_block with bad JSON = %d %s", status, got)
	}
}

func TestUnknownEndpoints(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{DisableProducerAPI: true, DisableNetAPI: true})
	u := nodes[0].URL
	want := `{"code":404,"message":"Not Found","error":{"code":0,"name":"exception","what":"unspecified","details":[{"message":"Unknown Endpoint","file":"beast_http_session.hpp","line_number":186,"method":"handle_request"}]}}`
	for _, path := range []string{"/v1/chain/nope", "/v1/chain/get_info?x=1", "/v1/chain/get_info/", "/v1/producer/pause", "/v1/net/connections"} {
		if status, got := post(t, u+path, ""); status != 404 || got != want {
			t.Errorf("%s = %d %s, want 404 %s", path, status, got, want)
		}
	}
	status, got := post(t, u+"/v1/node/get_supported_apis", "")
	wantAPIs := `{"apis":["/v1/chain/get_block","/v1/chain/get_block_info","/v1/chain/get_finalizer_info","/v1/chain/get_info","/v1/chain/get_producer_schedule","/v1/chain/get_producers"]}`
	if status != 200 || got != wantAPIs {
		t.Errorf("get_supported_apis = %d %s, want 200 %s", status, got, wantAPIs)
	}
	if status, got := call(t, http.MethodOptions, u+"/v1/chain/get_info", ""); status != 200 || got != "{}" {
		t.Errorf("OPTIONS = %d %s, want 200 {}", status, got)
	}
}

func TestBlockEndpoints(t *testing.T) {
	n, nodes := manualNet(t, Config{Producers: 2}, NodeConfig{Name: "A", ProducerNode: true})
	a := nodes[0]
	post(t, a.URL+"/v1/producer/resume", "")
	n.Advance(3)
	b := n.Ledger()[1]
	if b.Node != "A" || b.Producer != DefaultOurs {
		t.Fatalf("second block %+v, want one of ours by A", b)
	}
	ts := b.Time().Format("2006-01-02T15:04:05.000")
	mroot := actionMroot(&block{Block: b})
	sig := signature(&block{Block: b})
	prefix := refBlockPrefix(b.ID)
	wantInfo := fmt.Sprintf(`{"block_num":%d,"ref_block_num":%d,"id":"%s","timestamp":"%s","producer":"eosstorebest","confirmed":0,"previous":"%s","transaction_mroot":"%s","action_mroot":"%s","schedule_version":1,"producer_signature":"%s","ref_block_prefix":%d}`,
		b.Num, b.Num&0xffff, b.ID, ts, b.Previous, zeroDigest, mroot, sig, prefix)
	if status, got := post(t, a.URL+"/v1/chain/get_block_info", fmt.Sprintf(`{"block_num":%d}`, b.Num)); status != 200 || got != wantInfo {
		t.Fatalf("get_block_info = %d\n%s\nwant\n%s", status, got, wantInfo)
	}
	wantBlock := fmt.Sprintf(`{"timestamp":"%s","producer":"eosstorebest","confirmed":0,"previous":"%s","transaction_mroot":"%s","action_mroot":"%s","schedule_version":1,"new_producers":null,"header_extensions":[],"producer_signature":"%s","transactions":[],"block_extensions":[],"id":"%s","block_num":%d,"ref_block_prefix":%d}`,
		ts, b.Previous, zeroDigest, mroot, sig, b.ID, b.Num, prefix)
	for _, key := range []string{fmt.Sprintf(`"%d"`, b.Num), fmt.Sprint(b.Num), `"` + b.ID + `"`} {
		if status, got := post(t, a.URL+"/v1/chain/get_block", `{"block_num_or_id":`+key+`}`); status != 200 || got != wantBlock {
			t.Fatalf("get_block %s = %d\n%s\nwant\n%s", key, status, got, wantBlock)
		}
	}
	if !strings.HasPrefix(sig, "SIG_K1_") || b.Previous[:8] != fmt.Sprintf("%08x", b.Num-1) {
		t.Fatalf("signature %s or previous %s malformed", sig, b.Previous)
	}
	// Blocks before the network's first head are synthesized consistently.
	old := n.ancestor(n.groups[0].head, DefaultFirstBlock-10)
	if _, got := post(t, a.URL+"/v1/chain/get_block_info", fmt.Sprintf(`{"block_num":%d}`, old.Num)); !strings.Contains(got, old.ID) {
		t.Fatalf("history block %d: %s", old.Num, got)
	}
	unknown := `{"code":400,"message":"Unknown Block","error":{"code":3100002,"name":"unknown_block_exception","what":"Unknown block","details":[{"message":"Could not find block: 99999","file":"chain_plugin.cpp","line_number":2012,"method":"get_block"}]}}`
	if status, got := post(t, a.URL+"/v1/chain/get_block", `{"block_num_or_id":"99999"}`); status != 400 || got != unknown {
		t.Fatalf("unknown block = %d %s, want 400 %s", status, got, unknown)
	}
}

func TestGetProducers(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 3}, NodeConfig{})
	status, got := post(t, nodes[0].URL+"/v1/chain/get_producers", `{"json":"true","lower_bound":"","limit":2}`)
	want := `{"rows":[{"owner":"eosstorebest","total_votes":"900000000000000000.00000000000000000","producer_key":"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV","is_active":1,"url":"https://eosstorebest.example","unpaid_blocks":0,"last_claim_time":"1970-01-01T00:00:00.000","location":0},` +
		`{"owner":"vprodaa","total_votes":"899000000000000000.00000000000000000","producer_key":"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV","is_active":1,"url":"https://vprodaa.example","unpaid_blocks":0,"last_claim_time":"1970-01-01T00:00:00.000","location":0}],` +
		`"total_producer_vote_weight":"2697000000000000000.00000000000000000","more":"vprodab"}`
	if status != 200 || got != want {
		t.Fatalf("get_producers = %d\n%s\nwant\n%s", status, got, want)
	}
}

func TestNetConnections(t *testing.T) {
	_, nodes := manualNet(t, Config{Producers: 1}, NodeConfig{Peers: 2})
	a := nodes[0]
	status, got := post(t, a.URL+"/v1/net/connections", "")
	if status != 201 || strings.Count(got, `"peer":"peer`) != 2 || !strings.HasPrefix(got, `[{"peer":"peer1.example:9876","remote_ip":"10.0.0.1","remote_port":"9876","connecting":false,"syncing":false,"is_bp_peer":false,"is_bp_gossip_peer":false,"is_socket_open":true,"is_blocks_only":false,"is_transactions_only":false,"last_vote_received":"`) ||
		!strings.Contains(got, `"last_handshake":{"network_version":1212,"chain_id":"`+ChainID+`"`) || !strings.Contains(got, `"fork_db_head_num":1000,`) {
		t.Fatalf("connections = %d %s", status, got)
	}
	a.SetPeers(0)
	if status, got := post(t, a.URL+"/v1/net/connections", ""); status != 201 || got != "[]" {
		t.Fatalf("connections after SetPeers(0) = %d %s, want 201 []", status, got)
	}
}
