package eostx

import (
	"errors"
	"math/big"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var errBase58 = errors.New("not base58")

// base58Encode encodes b in Bitcoin's base58 alphabet, one '1' per leading zero byte.
func base58Encode(b []byte) string {
	x := new(big.Int).SetBytes(b)
	radix, mod := big.NewInt(58), new(big.Int)
	var out []byte
	for x.Sign() > 0 {
		x.DivMod(x, radix, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// base58Decode decodes s; key strings are short, so big.Int arithmetic is fine.
func base58Decode(s string) ([]byte, error) {
	var index [256]int8
	for i := range index {
		index[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		index[base58Alphabet[i]] = int8(i)
	}
	x, radix := new(big.Int), big.NewInt(58)
	zeros := 0
	for i := 0; i < len(s) && s[i] == '1'; i++ {
		zeros++
	}
	for i := 0; i < len(s); i++ {
		v := index[s[i]]
		if v < 0 {
			return nil, errBase58
		}
		x.Mul(x, radix)
		x.Add(x, big.NewInt(int64(v)))
	}
	return append(make([]byte, zeros), x.Bytes()...), nil
}
