package eostx

import "errors"

// Errors reported by this package. Match them with errors.Is; every error adds context.
var (
	// ErrInvalidName means a string is not a valid account or action name.
	ErrInvalidName = errors.New("eostx: invalid name")
	// ErrInvalidKey means a key string is malformed, has a bad checksum or is not a K1 key.
	ErrInvalidKey = errors.New("eostx: invalid key")
	// ErrInvalidSignature means a signature is malformed, not canonical, or recovers to no key.
	ErrInvalidSignature = errors.New("eostx: invalid signature")
	// ErrMalformedTransaction means packed transaction bytes could not be decoded.
	ErrMalformedTransaction = errors.New("eostx: malformed transaction")
)
