package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/eoskeeper/eoskeeper/nodeos"
	"github.com/eoskeeper/eoskeeper/nodeos/nodeostest"
)

// prunedProxy serves nodeos's API of nd, except that the block reads nd serves answer, as
// nodeos with a pruned block log does, that blocks more than keep behind the head are unknown.
func prunedProxy(t *testing.T, net *nodeostest.Network, nd *nodeostest.Node, keep uint32) string {
	t.Helper()
	target, err := url.Parse(nd.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	served := map[string]bool{}
	resp, err := http.Post(nd.URL+nodeos.PathGetSupportedAPIs, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var apis struct{ APIs []string }
	err = json.NewDecoder(resp.Body).Decode(&apis)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range apis.APIs {
		served[p] = true
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var p struct {
			BlockNum     json.Number `json:"block_num"`
			BlockNumOrID string      `json:"block_num_or_id"`
		}
		_ = json.Unmarshal(body, &p)
		num, _ := strconv.ParseUint(string(p.BlockNum)+p.BlockNumOrID, 10, 32)
		method := strings.TrimPrefix(r.URL.Path, "/v1/chain/")
		if (method == "get_block_info" || method == "get_block") && served[r.URL.Path] && uint32(num)+keep < net.Head().Num {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"code":400,"message":"Unknown Block","error":{"code":3100002,"name":"unknown_block_exception","what":"Unknown block","details":[{"message":"Could not find block: %d","file":"chain_plugin.cpp","line_number":2012,"method":%q}]}}`, num, method)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCheckNodeos: the agent refuses to start on a nodeos that lacks an endpoint or a block its
// keeper reads, naming the nodeos and the setting, and starts, with a warning, on one that does
// not answer yet or lacks only net_api_plugin.
func TestCheckNodeos(t *testing.T) {
	noChainAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == nodeos.PathGetSupportedAPIs {
			_, _ = io.WriteString(w, `{"apis":["/v1/producer/pause","/v1/producer/paused","/v1/producer/resume"]}`)
			return
		}
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `{"code":404,"message":"Not Found","error":{"code":0,"name":"exception","what":"unspecified","details":[{"message":"Unknown Endpoint","file":"beast_http_session.hpp","line_number":186,"method":"handle_request"}]}}`)
	}))
	t.Cleanup(noChainAPI.Close)
	closed := freeAddr(t)

	tests := []struct {
		name     string
		format   nodeostest.LogFormat
		node     nodeostest.NodeConfig
		producer bool
		// url, when set, returns the address to check instead of the node's.
		url func(t *testing.T, net *nodeostest.Network, nd *nodeostest.Node) string
		// refused are parts of the error; warned a part of the one warning; both empty for neither.
		refused []string
		warned  string
	}{
		{name: "Spring", format: nodeostest.Spring, producer: true},
		{name: "Leap 5", format: nodeostest.Leap5, producer: true},
		{name: "EOSIO 2.0: blocks read with get_block", format: nodeostest.EOSIO2, producer: true},
		{name: "producer_api_plugin missing", format: nodeostest.Spring, producer: true,
			node:    nodeostest.NodeConfig{DisableProducerAPI: true},
			refused: []string{"cannot serve the agent: nodeos: producer_api_plugin is not loaded", `"plugin = eosio::producer_api_plugin"`}},
		{name: "producer_api_plugin missing on a watcher", format: nodeostest.Spring,
			node: nodeostest.NodeConfig{DisableProducerAPI: true}},
		{name: "net_api_plugin missing", format: nodeostest.Spring, producer: true,
			node: nodeostest.NodeConfig{DisableNetAPI: true}, warned: "nodeos does not load net_api_plugin"},
		{name: "chain_api_plugin missing", producer: true,
			url:     func(*testing.T, *nodeostest.Network, *nodeostest.Node) string { return noChainAPI.URL },
			refused: []string{"chain_api_plugin is not loaded", `"plugin = eosio::chain_api_plugin"`}},
		{name: "block log pruned", format: nodeostest.Spring, producer: true,
			url: func(t *testing.T, net *nodeostest.Network, nd *nodeostest.Node) string {
				return prunedProxy(t, net, nd, 10)
			},
			refused: []string{"cannot serve the agent's block reads", "256 blocks behind the head",
				"/v1/chain/get_block_info: 400 Unknown Block", "block-log-retain-blocks"}},
		{name: "EOSIO 2.0 block log pruned", format: nodeostest.EOSIO2, producer: true,
			url: func(t *testing.T, net *nodeostest.Network, nd *nodeostest.Node) string {
				return prunedProxy(t, net, nd, 10)
			},
			refused: []string{"/v1/chain/get_block: 400 Unknown Block", "block-log-retain-blocks"}},
		{name: "a block log that keeps the window", format: nodeostest.Spring, producer: true,
			url: func(t *testing.T, net *nodeostest.Network, nd *nodeostest.Node) string {
				return prunedProxy(t, net, nd, 300)
			}},
		{name: "nodeos down", producer: true,
			url:    func(*testing.T, *nodeostest.Network, *nodeostest.Node) string { return "http://" + closed },
			warned: "cannot check nodeos yet; continuing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 4, LogFormat: tc.format, ManualClock: true})
			t.Cleanup(net.Close)
			tc.node.Name, tc.node.ProducerNode = "a", true
			nd := net.AddNode(tc.node)
			net.Start()
			net.Advance(30)
			u := nd.URL
			if tc.url != nil {
				u = tc.url(t, net, nd)
			}
			nc, err := nodeos.NewClient(nodeos.Config{URL: u, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			logger := hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Warn})
			err = checkNodeos(context.Background(), nc, tc.producer, 256, logger)
			if len(tc.refused) == 0 && err != nil {
				t.Fatalf("checkNodeos = %v, want nil", err)
			}
			if len(tc.refused) > 0 {
				if err == nil {
					t.Fatal("checkNodeos = nil, want the agent refused")
				}
				for _, want := range append(tc.refused, "nodeos at "+nc.URL()) {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q\nlacks %q", err, want)
					}
				}
			}
			lines := strings.Count(logs.String(), "[WARN]")
			switch {
			case tc.warned == "" && lines != 0:
				t.Errorf("unexpected warnings:\n%s", logs.String())
			case tc.warned != "" && (lines != 1 || !strings.Contains(logs.String(), tc.warned)):
				t.Errorf("log\n%s\nwant one warning with %q", logs.String(), tc.warned)
			}
		})
	}
}

// TestAgentRefusesPrunedBlockLog: an agent whose nodeos no longer has the blocks its keeper
// reads stops at start with the check's error, before it registers or contends.
func TestAgentRefusesPrunedBlockLog(t *testing.T) {
	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 4, ManualClock: true})
	t.Cleanup(net.Close)
	nd := net.AddNode(nodeostest.NodeConfig{Name: "a", ProducerNode: true})
	net.Start()
	net.Advance(30)
	src := fmt.Sprintf(`
node {
  name = "a"
  role = "A"
}
producer = %q
nodeos {
  url = %q
}
consul {
  address  = "127.0.0.1:1"
  register = false
}
output "http" {
  listen = %q
}
`, net.Ours(), prunedProxy(t, net, nd, 10), freeAddr(t))
	cfg, diags := ParseConfig("keeper.hcl", []byte(src), t.TempDir(), noEnv)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := runAgent(ctx, "keeper.hcl", cfg, hclog.NewNullLogger())
	if err == nil || !strings.Contains(err.Error(), "block-log-retain-blocks") {
		t.Fatalf("runAgent = %v, want the block log refused", err)
	}
}

// TestValidateCheckNodeos: `eoskeeper validate -check-nodeos` runs the start check against the
// configured nodeos and fails on one that lacks the blocks the keeper reads, or does not answer.
func TestValidateCheckNodeos(t *testing.T) {
	net := nodeostest.NewUnstartedNetwork(nodeostest.Config{Producers: 4, ManualClock: true})
	t.Cleanup(net.Close)
	nd := net.AddNode(nodeostest.NodeConfig{Name: "a", ProducerNode: true})
	net.Start()
	net.Advance(30)
	for _, tc := range []struct {
		name string
		url  string
		code int
		want string
	}{
		{"serves the agent", nd.URL, 0, "serves what the agent needs"},
		{"pruned block log", prunedProxy(t, net, nd, 10), 1, "block-log-retain-blocks"},
		{"down", "http://" + freeAddr(t), 1, "does not answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fmt.Sprintf("node {\n  name = \"a\"\n  role = \"A\"\n}\nproducer = %q\nnodeos {\n  url = %q\n  log_file = \"/var/log/nodeos.log\"\n}\n", net.Ours(), tc.url)
			path := filepath.Join(t.TempDir(), "keeper.hcl")
			if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			ui := newTestUI()
			code := (&ValidateCommand{UI: ui}).Run([]string{"-config", path, "-check-nodeos"})
			out := ui.OutputWriter.String() + ui.ErrorWriter.String()
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("validate -check-nodeos exit %d, want %d with %q; output:\n%s", code, tc.code, tc.want, out)
			}
		})
	}
}
