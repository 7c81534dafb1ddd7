package nodeos

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// mustRFC3339 parses an RFC 3339 time for test expectations.
func mustRFC3339(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func u32(v uint32) *uint32 { return &v }
func u64(v uint64) *Uint64 { x := Uint64(v); return &x }

func TestGetInfoRealLeap403(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{PathGetInfo: {200, mustFixture("get_info_leap403.json")}})
	got, err := c.GetInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &Info{
		ServerVersion:             "6c1717c9",
		ChainID:                   "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906",
		HeadBlockNum:              329343132,
		LastIrreversibleBlockNum:  329342804,
		LastIrreversibleBlockID:   "13a15f5461997218f30b12f846cf543d99c1da4bf22888bb0e293fd97e16f080",
		HeadBlockID:               "13a1609cafb79cda7ba6f739dea81ee36d56c7ca6733e087b5df13afa9afae75",
		HeadBlockTime:             Time{mustRFC3339(t, "2023-09-04T20:36:31.500Z")},
		HeadBlockProducer:         "blockpooleos",
		VirtualBlockCPULimit:      200000,
		VirtualBlockNetLimit:      1048576000,
		BlockCPULimit:             199413,
		BlockNetLimit:             1048344,
		ServerVersionString:       "v4.0.3-hotfix",
		ForkDBHeadBlockNum:        u32(329343132),
		ForkDBHeadBlockID:         "13a1609cafb79cda7ba6f739dea81ee36d56c7ca6733e087b5df13afa9afae75",
		ServerFullVersionString:   "v4.0.3-hotfix-6c1717c94394a9713d12b1a5a1742598300f6042",
		TotalCPUWeight:            u64(383380109085541),
		TotalNetWeight:            u64(96155790932318),
		EarliestAvailableBlockNum: u32(290131021),
		LastIrreversibleBlockTime: &Time{mustRFC3339(t, "2023-09-04T20:33:47.500Z")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GetInfo =\n%+v\nwant\n%+v", got, want)
	}
	if got.HeadBlockTime.Location() != time.UTC {
		t.Errorf("head_block_time location %v, want UTC", got.HeadBlockTime.Location())
	}
	num, err := BlockNumFromID(got.HeadBlockID)
	if err != nil || num != got.HeadBlockNum {
		t.Errorf("BlockNumFromID(head id) = %d, %v; want %d", num, err, got.HeadBlockNum)
	}
	if s := got.HeadSlot(); s.Time() != got.HeadBlockTime.Time {
		t.Errorf("HeadSlot %d is at %s, want the head block time", s, s.Time())
	}

	// Encoding gives back nodeos's exact bytes: fc quoting of large integers, field order, times.
	enc, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(enc) != mustFixture("get_info_leap403.json") {
		t.Errorf("re-encoded get_info differs:\n%s\nwant\n%s", enc, mustFixture("get_info_leap403.json"))
	}
}

func TestInfoOptionalFields(t *testing.T) {
	// EOSIO 2.0-era reply: no total_* / earliest_* / last_irreversible_block_time; a private
	// chain sends small weights as numbers.
	var old Info
	if err := json.Unmarshal([]byte(`{"server_version":"26a4d285","chain_id":"cf057bbfb72640471fd910bcb67639c22df9f92470936cddc1ade0e2f2e7dc4f","head_block_num":1000,"last_irreversible_block_num":670,"last_irreversible_block_id":"0000029e","head_block_id":"000003e8","head_block_time":"2020-01-01T00:00:00.000","head_block_producer":"eosio","virtual_block_cpu_limit":200000000,"virtual_block_net_limit":1048576000,"block_cpu_limit":199900,"block_net_limit":1048576,"server_version_string":"v2.0.13"}`), &old); err != nil {
		t.Fatal(err)
	}
	if old.ForkDBHeadBlockNum != nil || old.TotalCPUWeight != nil || old.EarliestAvailableBlockNum != nil ||
		old.LastIrreversibleBlockTime != nil || old.ServerFullVersionString != "" {
		t.Errorf("absent optional fields decoded as set: %+v", old)
	}
	var private Info
	if err := json.Unmarshal([]byte(`{"head_block_num":5,"total_cpu_weight": 0,"total_net_weight":"12","virtual_block_cpu_limit":"4294967296"}`), &private); err != nil {
		t.Fatal(err)
	}
	if private.TotalCPUWeight == nil || *private.TotalCPUWeight != 0 || *private.TotalNetWeight != 12 ||
		private.VirtualBlockCPULimit != 4294967296 {
		t.Errorf("weights decoded as %v %v %d", private.TotalCPUWeight, private.TotalNetWeight, private.VirtualBlockCPULimit)
	}
}

func TestGetProducerSchedule(t *testing.T) {
	key1 := "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"
	key2 := "EOS8QEPQ1wiZrdHavectXNpMy3TpcyYGXSVfkVGhyVTaJ7FT8bzCZ"
	single := func(k string) BlockSigningAuthority {
		return BlockSigningAuthority{Threshold: 1, Keys: []KeyWeight{{Key: k, Weight: 1}}}
	}
	tests := []struct {
		name string
		body string
		want ProducerSchedule
	}{
		{
			name: "spring fc variant",
			body: mustFixture("get_producer_schedule_spring.json"),
			want: ProducerSchedule{Active: &AuthoritySchedule{Version: 5, Producers: []ProducerAuthority{
				{ProducerName: "batinthedark", Authority: single(key1)}}}},
		},
		{
			name: "legacy block_signing_key",
			body: mustFixture("get_producer_schedule_legacy.json"),
			want: ProducerSchedule{Active: &AuthoritySchedule{Version: 3, Producers: []ProducerAuthority{
				{ProducerName: "eosio", Authority: single(key1)},
				{ProducerName: "blkproducer2", Authority: single(key2)}}}},
		},
		{
			name: "abi variant, pending and multi-key",
			body: `{"active":{"version":7,"producers":[{"producer_name":"alice","authority":["block_signing_authority_v0",{"threshold":2,"keys":[{"key":"` + key1 + `","weight":1},{"key":"` + key2 + `","weight":1}]}]}]},` +
				`"pending":{"version":8,"producers":[{"producer_name":"bob","authority":[0,{"threshold":1,"keys":[{"key":"` + key2 + `","weight":1}]}]}]},"proposed":null}`,
			want: ProducerSchedule{
				Active: &AuthoritySchedule{Version: 7, Producers: []ProducerAuthority{{ProducerName: "alice",
					Authority: BlockSigningAuthority{Threshold: 2, Keys: []KeyWeight{{key1, 1}, {key2, 1}}}}}},
				Pending: &AuthoritySchedule{Version: 8, Producers: []ProducerAuthority{{ProducerName: "bob", Authority: single(key2)}}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newFakeNode(t, map[string]reply{PathGetProducerSchedule: {200, tc.body}})
			got, err := c.GetProducerSchedule(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", *got, tc.want)
			}
			if got.Proposed != nil {
				t.Error("proposed null decoded as non-nil")
			}
		})
	}

	var s ProducerSchedule
	if err := json.Unmarshal([]byte(mustFixture("get_producer_schedule_legacy.json")), &s); err != nil {
		t.Fatal(err)
	}
	if got, want := s.ActiveSchedule(), (Schedule{Version: 3, Producers: []string{"eosio", "blkproducer2"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("ActiveSchedule = %+v, want %+v", got, want)
	}
	if got := s.Pending.Schedule(); got.RoundBlocks() != 0 || got.Producers != nil {
		t.Errorf("nil pending Schedule() = %+v, want empty", got)
	}

	// The authority encodes in nodeos's fc form and decodes back.
	spring := mustFixture("get_producer_schedule_spring.json")
	if err := json.Unmarshal([]byte(spring), &s); err != nil {
		t.Fatal(err)
	}
	enc, _ := json.Marshal(s)
	if string(enc) != spring {
		t.Errorf("re-encoded schedule\n%s\nwant\n%s", enc, spring)
	}
}

func TestAuthorityRejectsBadShapes(t *testing.T) {
	bad := []string{
		`{"producer_name":"x"}`,
		`{"producer_name":"x","authority":[1,{"threshold":1,"keys":[]}]}`,
		`{"producer_name":"x","authority":["block_signing_authority_v1",{}]}`,
		`{"producer_name":"x","authority":[0]}`,
		`{"producer_name":"x","authority":{"threshold":1}}`,
		`{"producer_name":"x","authority":[0,{"threshold":"one"}]}`,
	}
	for _, b := range bad {
		var p ProducerAuthority
		if err := json.Unmarshal([]byte(b), &p); err == nil {
			t.Errorf("decoding %s succeeded as %+v, want error", b, p)
		}
	}
}

func TestGetProducers(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{PathGetProducers: {200, mustFixture("get_producers.json")}})
	got, err := c.GetProducers(context.Background(), ProducersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Producers{Rows: []ProducerRow{{
		Owner: "blkproducer2", TotalVotes: 0, ProducerKey: "EOS8QEPQ1wiZrdHavectXNpMy3TpcyYGXSVfkVGhyVTaJ7FT8bzCZ",
		IsActive: true, LastClaimTime: Time{time.Unix(0, 0).UTC()},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GetProducers = %+v\nwant %+v", got, want)
	}

	var page Producers
	if err := json.Unmarshal([]byte(mustFixture("get_producers_authority.json")), &page); err != nil {
		t.Fatal(err)
	}
	row := page.Rows[0]
	if row.TotalVotes != 1234567890123.5 || page.TotalProducerVoteWeight != 98765432109876 || page.More != "blkproducer2" ||
		row.UnpaidBlocks != 1510 || row.Location != 840 || !bool(row.IsActive) ||
		!row.LastClaimTime.Equal(mustRFC3339(t, "2024-07-30T11:22:33.5Z")) {
		t.Errorf("row decoded as %+v (page %+v)", row, page)
	}
	if row.ProducerAuthority == nil || row.ProducerAuthority.Threshold != 1 ||
		!reflect.DeepEqual(row.ProducerAuthority.PublicKeys(), []string{"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"}) {
		t.Errorf("producer_authority decoded as %+v", row.ProducerAuthority)
	}

	// The fallback nodeos builds without a system contract: fc variant authority, no is_active.
	var fallback Producers
	if err := json.Unmarshal([]byte(`{"rows":[{"owner":"eosio","producer_authority":[0,{"threshold":1,"keys":[{"key":"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV","weight":1}]}],"url":"","total_votes":"0.00000000000000000","producer_key":"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"}],"total_producer_vote_weight":"0.00000000000000000","more":""}`), &fallback); err != nil {
		t.Fatal(err)
	}
	if len(fallback.Rows) != 1 || fallback.Rows[0].Owner != "eosio" || fallback.Rows[0].ProducerAuthority == nil {
		t.Errorf("fallback rows decoded as %+v", fallback.Rows)
	}
}

func TestGetBlockAndBlockInfo(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{
		PathGetBlock:     {200, mustFixture("get_block_eosio21.json")},
		PathGetBlockInfo: {200, mustFixture("get_block_info.json")},
	})
	ctx := context.Background()
	b, err := c.GetBlock(ctx, "11453")
	if err != nil {
		t.Fatal(err)
	}
	ts := mustRFC3339(t, "2022-09-27T14:00:46.5Z")
	if b.Producer != "eosio" || b.BlockNum != 11453 || !b.Timestamp.Equal(ts) || b.Confirmed != 0 ||
		b.ID != "00002cbd7e4b2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c" ||
		b.Previous[:8] != "00002cbc" || b.ScheduleVersion != 0 || b.NewProducers != nil ||
		b.RefBlockPrefix != 3374415485 || len(b.Transactions) != 0 {
		t.Errorf("GetBlock = %+v", b)
	}
	if b.Slot() != SlotOf(ts) {
		t.Errorf("block slot %d, want %d", b.Slot(), SlotOf(ts))
	}
	bi, err := c.GetBlockInfo(ctx, 11453)
	if err != nil {
		t.Fatal(err)
	}
	if bi.BlockNum != 11453 || bi.ID != b.ID || bi.Producer != "eosio" || !bi.Timestamp.Equal(ts) ||
		bi.RefBlockNum != 11453 || bi.RefBlockPrefix != 3374415485 || bi.Slot() != b.Slot() {
		t.Errorf("GetBlockInfo = %+v", bi)
	}

	// A legacy block that proposes a new schedule carries producer_key entries.
	var legacy SignedBlock
	if err := json.Unmarshal([]byte(`{"timestamp":"2018-06-09T12:00:00.000","producer":"eosio","confirmed":0,"schedule_version":0,"new_producers":{"version":1,"producers":[{"producer_name":"genesisbp","block_signing_key":"EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"}]},"block_num":100}`), &legacy); err != nil {
		t.Fatal(err)
	}
	if got := legacy.NewProducers.Schedule(); got.Version != 1 || !reflect.DeepEqual(got.Producers, []string{"genesisbp"}) {
		t.Errorf("new_producers = %+v", got)
	}
}

func TestGetFinalizerInfo(t *testing.T) {
	_, c := newFakeNode(t, map[string]reply{PathGetFinalizerInfo: {200, mustFixture("get_finalizer_info_spring.json")}})
	fi, err := c.GetFinalizerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fi.ActiveFinalizerPolicy == nil || fi.PendingFinalizerPolicy != nil {
		t.Fatalf("policies decoded as %+v / %+v", fi.ActiveFinalizerPolicy, fi.PendingFinalizerPolicy)
	}
	p := fi.ActiveFinalizerPolicy
	if p.Generation != 2 || p.Threshold != 15 || len(p.Finalizers) != 1 || p.Finalizers[0].Description != "batinthedark" ||
		p.Finalizers[0].Weight != 1 || p.Finalizers[0].PublicKey[:8] != "PUB_BLS_" {
		t.Errorf("active policy %+v", p)
	}
	if len(fi.LastTrackedVotes) != 1 {
		t.Fatalf("last_tracked_votes %+v", fi.LastTrackedVotes)
	}
	v := fi.LastTrackedVotes[0]
	if !v.IsVoteStrong || v.FinalizerPolicyGeneration != 2 || v.VotedForBlockNum != 450000003 ||
		!v.VotedForBlockTimestamp.Equal(mustRFC3339(t, "2025-09-04T10:00:01.5Z")) || v.Description != "batinthedark" {
		t.Errorf("tracked vote %+v", v)
	}
}

func TestBlockNumFromID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want uint32
		ok   bool
	}{
		{"13a1609cafb79cda7ba6f739dea81ee36d56c7ca6733e087b5df13afa9afae75", 329343132, true},
		{"00002cbd", 11453, true},
		{"ffffffff00", 0xffffffff, true},
		{"13a1609", 0, false},
		{"zz a1609c", 0, false},
	} {
		got, err := BlockNumFromID(tc.id)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("BlockNumFromID(%q) = %d, %v; want %d, ok=%v", tc.id, got, err, tc.want, tc.ok)
		}
	}
}
