package nodeos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// authorityV0Name is the ABI type name of the only block_signing_authority variant.
const authorityV0Name = "block_signing_authority_v0"

// KeyWeight is one public key of a block signing authority, with its weight.
type KeyWeight struct {
	Key    string `json:"key"`
	Weight uint16 `json:"weight"`
}

// BlockSigningAuthority is a producer's block_signing_authority_v0: the keys whose signatures,
// weighed, must reach Threshold to sign its blocks.
//
// nodeos sends it as an fc variant, [0,{"threshold":1,"keys":[{"key":"EOS…","weight":1}]}]
// (get_producer_schedule), or as an ABI variant, ["block_signing_authority_v0",{...}]
// (get_producers rows); both decode. It encodes in the fc form.
type BlockSigningAuthority struct {
	Threshold uint32      `json:"threshold"`
	Keys      []KeyWeight `json:"keys"`
}

// authorityV0 has BlockSigningAuthority's fields without its JSON methods.
type authorityV0 BlockSigningAuthority

// UnmarshalJSON implements json.Unmarshaler.
func (a *BlockSigningAuthority) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		return fmt.Errorf("nodeos: block signing authority %s: want [type, {threshold, keys}]: %w", clipText(b), err)
	}
	if len(pair) != 2 {
		return fmt.Errorf("nodeos: block signing authority %s: want [type, {threshold, keys}]", clipText(b))
	}
	tag := string(bytes.TrimSpace(pair[0]))
	if tag != "0" && tag != strconv.Quote(authorityV0Name) {
		return fmt.Errorf("nodeos: block signing authority: unknown variant %s", clipText(pair[0]))
	}
	var v authorityV0
	if err := json.Unmarshal(pair[1], &v); err != nil {
		return fmt.Errorf("nodeos: block signing authority %s: %w", clipText(pair[1]), err)
	}
	*a = BlockSigningAuthority(v)
	return nil
}

// MarshalJSON implements json.Marshaler, in nodeos's fc form [0,{...}].
func (a BlockSigningAuthority) MarshalJSON() ([]byte, error) {
	v := authorityV0(a)
	if v.Keys == nil {
		v.Keys = []KeyWeight{}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(append([]byte("[0,"), body...), ']'), nil
}

// PublicKeys returns the authority's keys, in order.
func (a BlockSigningAuthority) PublicKeys() []string {
	out := make([]string, len(a.Keys))
	for i, k := range a.Keys {
		out[i] = k.Key
	}
	return out
}

// ProducerAuthority is one producer of a schedule with its signing authority. It decodes both
// the current shape {"producer_name":…,"authority":[0,{…}]} and the legacy EOSIO <= 1.8 shape
// {"producer_name":…,"block_signing_key":"EOS…"}, which becomes a threshold-1 authority over
// that one key. It encodes in the current shape.
type ProducerAuthority struct {
	ProducerName string                `json:"producer_name"`
	Authority    BlockSigningAuthority `json:"authority"`
}

// errNoAuthority reports a schedule entry with neither authority nor block_signing_key.
var errNoAuthority = errors.New("neither authority nor block_signing_key")

// UnmarshalJSON implements json.Unmarshaler.
func (p *ProducerAuthority) UnmarshalJSON(b []byte) error {
	var raw struct {
		ProducerName    string          `json:"producer_name"`
		Authority       json.RawMessage `json:"authority"`
		BlockSigningKey *string         `json:"block_signing_key"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("nodeos: producer authority: %w", err)
	}
	out := ProducerAuthority{ProducerName: raw.ProducerName}
	switch {
	case len(raw.Authority) > 0 && string(raw.Authority) != "null":
		if err := json.Unmarshal(raw.Authority, &out.Authority); err != nil {
			return fmt.Errorf("nodeos: producer %q: %w", raw.ProducerName, err)
		}
	case raw.BlockSigningKey != nil:
		out.Authority = BlockSigningAuthority{Threshold: 1, Keys: []KeyWeight{{Key: *raw.BlockSigningKey, Weight: 1}}}
	default:
		return fmt.Errorf("nodeos: producer %q: %w", raw.ProducerName, errNoAuthority)
	}
	*p = out
	return nil
}
