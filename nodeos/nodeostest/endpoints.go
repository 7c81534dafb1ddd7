package nodeostest

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// devKey is the well-known development public key; every producer signs with it here.
const devKey = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"

// fcUint64 marshals like fc: as a JSON string when above 0xffffffff.
type fcUint64 uint64

// MarshalJSON implements json.Marshaler.
func (v fcUint64) MarshalJSON() ([]byte, error) {
	if v > 0xffffffff {
		return []byte(`"` + strconv.FormatUint(uint64(v), 10) + `"`), nil
	}
	return []byte(strconv.FormatUint(uint64(v), 10)), nil
}

// fcDouble marshals like fc: every double as a JSON string.
type fcDouble float64

// MarshalJSON implements json.Marshaler.
func (v fcDouble) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatFloat(float64(v), 'f', 17, 64) + `"`), nil
}

type infoJSON struct {
	ServerVersion             string    `json:"server_version"`
	ChainID                   string    `json:"chain_id"`
	HeadBlockNum              uint32    `json:"head_block_num"`
	LastIrreversibleBlockNum  uint32    `json:"last_irreversible_block_num"`
	LastIrreversibleBlockID   string    `json:"last_irreversible_block_id"`
	HeadBlockID               string    `json:"head_block_id"`
	HeadBlockTime             string    `json:"head_block_time"`
	HeadBlockProducer         string    `json:"head_block_producer"`
	VirtualBlockCPULimit      fcUint64  `json:"virtual_block_cpu_limit"`
	VirtualBlockNetLimit      fcUint64  `json:"virtual_block_net_limit"`
	BlockCPULimit             fcUint64  `json:"block_cpu_limit"`
	BlockNetLimit             fcUint64  `json:"block_net_limit"`
	ServerVersionString       string    `json:"server_version_string"`
	ForkDBHeadBlockNum        uint32    `json:"fork_db_head_block_num"`
	ForkDBHeadBlockID         string    `json:"fork_db_head_block_id"`
	ServerFullVersionString   string    `json:"server_full_version_string"`
	TotalCPUWeight            *fcUint64 `json:"total_cpu_weight,omitempty"`
	TotalNetWeight            *fcUint64 `json:"total_net_weight,omitempty"`
	EarliestAvailableBlockNum *uint32   `json:"earliest_available_block_num,omitempty"`
	LastIrreversibleBlockTime *string   `json:"last_irreversible_block_time,omitempty"`
}

func (nd *Node) getInfo([]byte) (any, *apiError) {
	n := nd.net
	lib := n.ancestor(nd.head, nd.lib)
	info := infoJSON{
		ServerVersion:            nd.serverVersion(),
		ChainID:                  ChainID,
		HeadBlockNum:             nd.head.Num,
		LastIrreversibleBlockNum: lib.Num,
		LastIrreversibleBlockID:  lib.ID,
		HeadBlockID:              nd.head.ID,
		HeadBlockTime:            isoTime(nd.head.Time()),
		HeadBlockProducer:        nd.head.Producer,
		VirtualBlockCPULimit:     200000,
		VirtualBlockNetLimit:     1048576000,
		BlockCPULimit:            199900,
		BlockNetLimit:            1048576,
		ServerVersionString:      nd.cfg.Version,
		ForkDBHeadBlockNum:       nd.head.Num,
		ForkDBHeadBlockID:        nd.head.ID,
		ServerFullVersionString:  nd.fullVersion(),
	}
	if v := nd.release(); v.InfoWeights {
		cpu, netw, earliest := fcUint64(n.cfg.TotalCPUWeight), fcUint64(n.cfg.TotalNetWeight), uint32(1)
		info.TotalCPUWeight, info.TotalNetWeight, info.EarliestAvailableBlockNum = &cpu, &netw, &earliest
	}
	if nd.release().InfoLIBTime {
		libTime := isoTime(lib.Time())
		info.LastIrreversibleBlockTime = &libTime
	}
	return info, nil
}

type keyWeightJSON struct {
	Key    string `json:"key"`
	Weight int    `json:"weight"`
}

type authorityJSON struct {
	Threshold int             `json:"threshold"`
	Keys      []keyWeightJSON `json:"keys"`
}

type producerAuthorityJSON struct {
	ProducerName string `json:"producer_name"`
	Authority    [2]any `json:"authority"`
}

type scheduleJSON struct {
	Version   uint32                  `json:"version"`
	Producers []producerAuthorityJSON `json:"producers"`
}

func authority() [2]any {
	return [2]any{0, authorityJSON{Threshold: 1, Keys: []keyWeightJSON{{devKey, 1}}}}
}

func (nd *Node) getProducerSchedule([]byte) (any, *apiError) {
	s := nd.net.sched
	active := scheduleJSON{Version: s.Version}
	for _, p := range s.Producers {
		active.Producers = append(active.Producers, producerAuthorityJSON{p, authority()})
	}
	return struct {
		Active   scheduleJSON `json:"active"`
		Pending  *struct{}    `json:"pending"`
		Proposed *struct{}    `json:"proposed"`
	}{Active: active}, nil
}

type producerRowJSON struct {
	Owner         string   `json:"owner"`
	TotalVotes    fcDouble `json:"total_votes"`
	ProducerKey   string   `json:"producer_key"`
	IsActive      int      `json:"is_active"`
	URL           string   `json:"url"`
	UnpaidBlocks  int      `json:"unpaid_blocks"`
	LastClaimTime string   `json:"last_claim_time"`
	Location      int      `json:"location"`
}

// getProducers serves the producers table with json rows (json=false is answered the same way).
func (nd *Node) getProducers(body []byte) (any, *apiError) {
	var p struct {
		LowerBound string          `json:"lower_bound"`
		Limit      json.RawMessage `json:"limit"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, errInvalidRequest("Unable to parse valid input from POST body", 283)
	}
	limit := 50
	if len(p.Limit) > 0 {
		if l, err := strconv.Atoi(strings.Trim(string(p.Limit), `"`)); err == nil && l >= 0 {
			limit = l
		}
	}
	s := nd.net.sched
	rows := make([]producerRowJSON, 0, len(s.Producers))
	var total float64
	for i, name := range s.Producers {
		votes := float64(900-i) * 1e15
		total += votes
		rows = append(rows, producerRowJSON{name, fcDouble(votes), devKey, 1, "https://" + name + ".example", 0, "1970-01-01T00:00:00.000", 0})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].TotalVotes > rows[j].TotalVotes })
	start := 0
	if p.LowerBound != "" {
		for i, r := range rows {
			if r.Owner == p.LowerBound {
				start = i
			}
		}
	}
	rows = rows[start:]
	more := ""
	if len(rows) > limit {
		more = rows[limit].Owner
		rows = rows[:limit]
	}
	return struct {
		Rows                    []producerRowJSON `json:"rows"`
		TotalProducerVoteWeight fcDouble          `json:"total_producer_vote_weight"`
		More                    string            `json:"more"`
	}{rows, fcDouble(total), more}, nil
}

type finalizerJSON struct {
	Description string `json:"description"`
	Weight      int    `json:"weight"`
	PublicKey   string `json:"public_key"`
}

type finalizerPolicyJSON struct {
	Generation uint32          `json:"generation"`
	Threshold  int             `json:"threshold"`
	Finalizers []finalizerJSON `json:"finalizers"`
}

type trackedVoteJSON struct {
	Description               string `json:"description"`
	PublicKey                 string `json:"public_key"`
	IsVoteStrong              bool   `json:"is_vote_strong"`
	FinalizerPolicyGeneration uint32 `json:"finalizer_policy_generation"`
	VotedForBlockID           string `json:"voted_for_block_id"`
	VotedForBlockNum          uint32 `json:"voted_for_block_num"`
	VotedForBlockTimestamp    string `json:"voted_for_block_timestamp"`
}

func (nd *Node) finalizerPolicy(gen uint32, ourKey string) finalizerPolicyJSON {
	s := nd.net.sched
	p := finalizerPolicyJSON{Generation: gen, Threshold: len(s.Producers)*2/3 + 1}
	for _, name := range s.Producers {
		key := blsKey(name)
		if name == nd.net.cfg.Ours && ourKey != "" {
			key = ourKey
		}
		p.Finalizers = append(p.Finalizers, finalizerJSON{name, 1, key})
	}
	return p
}

func (nd *Node) getFinalizerInfo([]byte) (any, *apiError) {
	f := &nd.net.fin
	out := struct {
		Active  finalizerPolicyJSON  `json:"active_finalizer_policy"`
		Pending *finalizerPolicyJSON `json:"pending_finalizer_policy,omitempty"`
		Votes   []trackedVoteJSON    `json:"last_tracked_votes"`
	}{Active: nd.finalizerPolicy(f.generation, f.activeKey), Votes: []trackedVoteJSON{}}
	if f.pendingKey != "" {
		p := nd.finalizerPolicy(f.generation+1, f.pendingKey)
		out.Pending = &p
	}
	for _, fin := range out.Active.Finalizers {
		var voted *block
		if fin.Description == nd.net.cfg.Ours {
			voted = nd.vote.block
		} else if nd.group.virtual && nd.head.prev != nil {
			voted = nd.head
		}
		if voted == nil {
			continue
		}
		out.Votes = append(out.Votes, trackedVoteJSON{fin.Description, fin.PublicKey, true, f.generation,
			voted.ID, voted.Num, isoTime(voted.Time())})
	}
	return out, nil
}

type resultJSON struct {
	Result string `json:"result"`
}

func (nd *Node) pause([]byte) (any, *apiError) {
	nd.paused = true
	nd.logPaused(nd.net.nowLocked())
	return resultJSON{"ok"}, nil
}

func (nd *Node) resume([]byte) (any, *apiError) {
	nd.paused = false
	nd.net.forceUnpause(nd)
	nd.logResumed(nd.net.nowLocked())
	return resultJSON{"ok"}, nil
}

func (nd *Node) getPaused([]byte) (any, *apiError) { return nd.pausedLocked(), nil }

// getRuntimeOptions answers with the release's default runtime options.
func (nd *Node) getRuntimeOptions([]byte) (any, *apiError) {
	return json.RawMessage(nd.release().RuntimeOptions), nil
}
