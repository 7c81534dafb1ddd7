package nodeostest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
)

type blockJSON struct {
	Timestamp         string    `json:"timestamp"`
	Producer          string    `json:"producer"`
	Confirmed         int       `json:"confirmed"`
	Previous          string    `json:"previous"`
	TransactionMroot  string    `json:"transaction_mroot"`
	ActionMroot       string    `json:"action_mroot"`
	ScheduleVersion   uint32    `json:"schedule_version"`
	NewProducers      *struct{} `json:"new_producers"`
	HeaderExtensions  []any     `json:"header_extensions"`
	ProducerSignature string    `json:"producer_signature"`
	Transactions      []any     `json:"transactions"`
	BlockExtensions   []any     `json:"block_extensions"`
	ID                string    `json:"id"`
	BlockNum          uint32    `json:"block_num"`
	RefBlockPrefix    uint32    `json:"ref_block_prefix"`
}

type blockInfoJSON struct {
	BlockNum          uint32 `json:"block_num"`
	RefBlockNum       uint16 `json:"ref_block_num"`
	ID                string `json:"id"`
	Timestamp         string `json:"timestamp"`
	Producer          string `json:"producer"`
	Confirmed         int    `json:"confirmed"`
	Previous          string `json:"previous"`
	TransactionMroot  string `json:"transaction_mroot"`
	ActionMroot       string `json:"action_mroot"`
	ScheduleVersion   uint32 `json:"schedule_version"`
	ProducerSignature string `json:"producer_signature"`
	RefBlockPrefix    uint32 `json:"ref_block_prefix"`
}

const zeroDigest = "0000000000000000000000000000000000000000000000000000000000000000"

func actionMroot(b *block) string {
	h := sha256.Sum256([]byte("action_mroot " + b.ID))
	return hex.EncodeToString(h[:])
}

// signature returns a stand-in K1 signature for b, in the form nodeos prints.
func signature(b *block) string {
	h := sha256.Sum256([]byte("sig " + b.ID))
	raw := append(append(h[:], h[:]...), h[:5]...) // 65-byte signature and 4-byte checksum
	return "SIG_K1_" + base58(raw)
}

// lookup finds a block by number on the node's chain or by id.
func (nd *Node) lookup(numOrID string) *block {
	if len(numOrID) == 64 {
		if b, ok := nd.net.byID[strings.ToLower(numOrID)]; ok {
			return b
		}
		num, err := strconv.ParseUint(numOrID[:8], 16, 32)
		if err != nil {
			return nil
		}
		if b := nd.net.ancestor(nd.head, uint32(num)); b != nil && b.ID == strings.ToLower(numOrID) {
			return b
		}
		return nil
	}
	num, err := strconv.ParseUint(numOrID, 10, 32)
	if err != nil {
		return nil
	}
	return nd.net.ancestor(nd.head, uint32(num))
}

func (nd *Node) getBlock(body []byte) (any, *apiError) {
	var p struct {
		BlockNumOrID json.RawMessage `json:"block_num_or_id"`
	}
	if err := json.Unmarshal(body, &p); err != nil || len(p.BlockNumOrID) == 0 {
		return nil, errInvalidRequest("Unable to parse valid input from POST body", 283)
	}
	key := strings.Trim(string(p.BlockNumOrID), `"`)
	b := nd.lookup(key)
	if b == nil {
		return nil, errUnknownBlock(key, "get_block")
	}
	return blockJSON{
		Timestamp: isoTime(b.Time()), Producer: b.Producer, Previous: b.Previous,
		TransactionMroot: zeroDigest, ActionMroot: actionMroot(b), ScheduleVersion: nd.net.sched.Version,
		HeaderExtensions: []any{}, ProducerSignature: signature(b), Transactions: []any{}, BlockExtensions: []any{},
		ID: b.ID, BlockNum: b.Num, RefBlockPrefix: refBlockPrefix(b.ID),
	}, nil
}

func (nd *Node) getBlockInfo(body []byte) (any, *apiError) {
	var p struct {
		BlockNum json.RawMessage `json:"block_num"`
	}
	if err := json.Unmarshal(body, &p); err != nil || len(p.BlockNum) == 0 {
		return nil, errInvalidRequest("Unable to parse valid input from POST body", 283)
	}
	key := strings.Trim(string(p.BlockNum), `"`)
	if _, err := strconv.ParseUint(key, 10, 32); err != nil {
		return nil, errInvalidRequest("Unable to parse valid input from POST body", 283)
	}
	b := nd.lookup(key)
	if b == nil {
		return nil, errUnknownBlock(key, "get_block_info")
	}
	return blockInfoJSON{
		BlockNum: b.Num, RefBlockNum: uint16(b.Num), ID: b.ID, Timestamp: isoTime(b.Time()), Producer: b.Producer,
		Previous: b.Previous, TransactionMroot: zeroDigest, ActionMroot: actionMroot(b),
		ScheduleVersion: nd.net.sched.Version, ProducerSignature: signature(b), RefBlockPrefix: refBlockPrefix(b.ID),
	}, nil
}

// base58 encodes raw with the Bitcoin alphabet, as EOS keys and signatures are.
func base58(raw []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	digits := []byte{0}
	for _, c := range raw {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, 0, len(digits))
	for i := len(digits) - 1; i >= 0; i-- {
		out = append(out, alphabet[digits[i]])
	}
	return string(out)
}
