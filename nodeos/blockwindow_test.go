package nodeos

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// headInfo is a get_info reply whose head is 256 blocks past the get_block_info fixture's block.
const headInfo = `{"server_version":"6c1717c9","head_block_num":11709,"last_irreversible_block_num":11381,` +
	`"head_block_time":"2022-09-27T14:02:54.500","head_block_producer":"eosio"}`

func TestGetBlockHeader(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		replies map[string]reply
		// paths are the endpoints two calls reach, in order.
		paths []string
		// errHas is a part of the error text; empty for success.
		errHas string
	}{
		{"get_block_info served", map[string]reply{
			PathGetBlockInfo: {200, mustFixture("get_block_info.json")},
			PathGetBlock:     {200, mustFixture("get_block_eosio21.json")},
		}, []string{PathGetBlockInfo, PathGetBlockInfo}, ""},
		{"EOSIO 2.0: get_block_info 404, get_block from then on", map[string]reply{
			PathGetBlock: {200, mustFixture("get_block_eosio21.json")},
		}, []string{PathGetBlockInfo, PathGetBlock, PathGetBlock}, ""},
		{"neither served: chain_api_plugin named, get_block_info tried again", map[string]reply{},
			[]string{PathGetBlockInfo, PathGetBlock, PathGetBlockInfo, PathGetBlock}, "chain_api_plugin is probably not loaded"},
		{"unknown block is not a missing endpoint", map[string]reply{
			PathGetBlockInfo: {400, mustFixture("error_400_unknown_block.json")},
			PathGetBlock:     {200, mustFixture("get_block_eosio21.json")},
		}, []string{PathGetBlockInfo, PathGetBlockInfo}, "Unknown Block"},
		{"EOSIO 2.0, unknown block: get_block's answer", map[string]reply{
			PathGetBlock: {400, mustFixture("error_400_unknown_block.json")},
		}, []string{PathGetBlockInfo, PathGetBlock, PathGetBlock}, "/v1/chain/get_block: 400 Unknown Block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFakeNode(t, tc.replies)
			for range 2 {
				h, err := c.GetBlockHeader(ctx, 11453)
				if tc.errHas != "" {
					if err == nil || !strings.Contains(err.Error(), tc.errHas) {
						t.Fatalf("GetBlockHeader = %+v, %v; want an error with %q", h, err, tc.errHas)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				want := BlockInfo{BlockNum: 11453, RefBlockNum: 11453, ID: "00002cbd7e4b2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c",
					Producer: "eosio", Previous: "00002cbc5d2c53e3d87f26cd24a1a5fe31d12f64a4e8b5c85e6e6e1d2a3b4c5d",
					TransactionMroot:  "0000000000000000000000000000000000000000000000000000000000000000",
					ActionMroot:       "af80a3bd2a1e6b7f8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d",
					ProducerSignature: "SIG_K1_111111111111111111111111111111111111111111111111111111111111111116uk5ne",
					RefBlockPrefix:    3374415485}
				got := *h
				if got.Timestamp.String() != "2022-09-27T14:00:46.500" {
					t.Errorf("timestamp %s", got.Timestamp)
				}
				got.Timestamp = Time{}
				if got != want {
					t.Errorf("GetBlockHeader =\n%+v\nwant\n%+v", got, want)
				}
			}
			var paths []string
			for _, r := range f.requests() {
				paths = append(paths, r.path)
				if r.path == PathGetBlock && r.body != `{"block_num_or_id":"11453"}` {
					t.Errorf("get_block body %s", r.body)
				}
			}
			if strings.Join(paths, " ") != strings.Join(tc.paths, " ") {
				t.Errorf("requests %v, want %v", paths, tc.paths)
			}
		})
	}
}

func TestCheckBlockWindow(t *testing.T) {
	ctx := context.Background()
	withEarliest := strings.Replace(headInfo, `"head_block_producer":"eosio"`, `"head_block_producer":"eosio","earliest_available_block_num":11600`, 1)
	tests := []struct {
		name    string
		window  uint32
		replies map[string]reply
		// body is the block request expected; wantErr a part of the error, empty for nil.
		body     string
		wantErr  []string
		isWindow bool // the error is a *BlockWindowError
	}{
		{"block kept", 256, map[string]reply{
			PathGetInfo:      {200, headInfo},
			PathGetBlockInfo: {200, mustFixture("get_block_info.json")},
		}, `{"block_num":11453}`, nil, false},
		{"EOSIO 2.0: read with get_block", 256, map[string]reply{
			PathGetInfo:  {200, headInfo},
			PathGetBlock: {200, mustFixture("get_block_eosio21.json")},
		}, `{"block_num_or_id":"11453"}`, nil, false},
		{"block log pruned", 256, map[string]reply{
			PathGetInfo:      {200, withEarliest},
			PathGetBlockInfo: {400, mustFixture("error_400_unknown_block.json")},
		}, `{"block_num":11453}`, []string{
			"nodeos: block 11453, 256 blocks behind the head 11709, is not available (earliest available block 11600): ",
			"/v1/chain/get_block_info: 400 Unknown Block",
			"block-log-retain-blocks unset or set it to 256 or more",
			"blocks-log-stride",
		}, true},
		{"a short chain is read from block 1", 100000, map[string]reply{
			PathGetInfo:      {200, headInfo},
			PathGetBlockInfo: {400, mustFixture("error_400_unknown_block.json")},
		}, `{"block_num":1}`, []string{"block 1, 11708 blocks behind the head 11709"}, true},
		{"a wrong block answered", 255, map[string]reply{
			PathGetInfo:      {200, headInfo},
			PathGetBlockInfo: {200, mustFixture("get_block_info.json")},
		}, `{"block_num":11454}`, []string{"asked for block 11454, answered block 11453"}, false},
		{"get_info fails", 256, map[string]reply{}, "", []string{"/v1/chain/get_info: 404"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFakeNode(t, tc.replies)
			err := c.CheckBlockWindow(ctx, tc.window)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("CheckBlockWindow = %v, want nil", err)
				}
			} else {
				if err == nil {
					t.Fatal("CheckBlockWindow = nil, want an error")
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q\nlacks %q", err, w)
					}
				}
			}
			var we *BlockWindowError
			if errors.As(err, &we) != tc.isWindow {
				t.Errorf("error %v: *BlockWindowError %t, want %t", err, !tc.isWindow, tc.isWindow)
			}
			if tc.isWindow && !IsUnknownBlock(err) {
				t.Errorf("IsUnknownBlock(%v) = false", err)
			}
			if tc.body == "" {
				return
			}
			reqs := f.requests()
			if last := reqs[len(reqs)-1]; last.body != tc.body {
				t.Errorf("block request %s %s, want body %s", last.path, last.body, tc.body)
			}
		})
	}
}
