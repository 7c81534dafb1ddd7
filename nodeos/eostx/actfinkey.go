package eostx

import "fmt"

// System contract account and the actfinkey action name.
var (
	// SystemAccount is the eosio system contract account.
	SystemAccount = MustName("eosio")
	// ActFinKeyName is the system contract action that activates a registered finalizer key.
	ActFinKeyName = MustName("actfinkey")
)

// ActFinKey returns the eosio::actfinkey action activating finalizerKey (a registered
// "PUB_BLS_..." key) for finalizer, authorized by auth (e.g. producer@finkey, a permission
// linked to eosio::actfinkey).
//
// The arguments follow the system contract's declaration
// (eosio.system.hpp: `void actfinkey( const name& finalizer_name, const std::string& finalizer_key )`):
// finalizer_name as a name (uint64 little endian), then finalizer_key as a string
// (varuint32 length, bytes).
func ActFinKey(finalizer Name, finalizerKey string, auth PermissionLevel) Action {
	var e encoder
	e.name(finalizer)
	e.bytes([]byte(finalizerKey))
	return Action{
		Account:       SystemAccount,
		Name:          ActFinKeyName,
		Authorization: []PermissionLevel{auth},
		Data:          e.buf,
	}
}

// UnpackActFinKey decodes actfinkey action data into its finalizer name and key.
func UnpackActFinKey(data []byte) (Name, string, error) {
	d := &decoder{buf: data}
	fin := d.name()
	key := d.bytes()
	if d.err == nil && len(d.buf) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes in actfinkey data", ErrMalformedTransaction, len(d.buf))
	}
	if d.err != nil {
		return 0, "", fmt.Errorf("eostx: actfinkey data: %w", d.err)
	}
	return fin, string(key), nil
}
