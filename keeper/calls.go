package keeper

import (
	"errors"
	"strings"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// nodeCall is one of the nodeos reads a tick makes. Each keeps its own run of failures, so a
// call that nodeos never answers (an endpoint its release or its plugins lack, a block its
// block log no longer has) is told apart from a node that is down.
type nodeCall int

const (
	callInfo nodeCall = iota
	callBlock
	callSchedule
	callPaused
	callPeers
	numCalls
)

// label names the call when its error does not name an endpoint.
func (c nodeCall) label() string {
	switch c {
	case callInfo:
		return nodeos.PathGetInfo
	case callBlock:
		return "block header"
	case callSchedule:
		return nodeos.PathGetProducerSchedule
	case callPaused:
		return nodeos.PathPaused
	default:
		return "p2p peer count"
	}
}

// callRecord is one call's current run of failures.
type callRecord struct {
	// streak counts the call's failures since it last succeeded; err is the latest.
	streak int
	err    error
	// reported is set once the run has been logged, and cleared when the call succeeds again.
	reported bool
}

// noteCall records the outcome of one call of kind c.
func (o *observation) noteCall(c nodeCall, err error) {
	r := &o.calls[c]
	if err == nil {
		r.streak, r.err = 0, nil
		return
	}
	r.streak++
	r.err = err
}

// failing returns why call c keeps failing, once it has failed at least threshold times in a
// row, or "".
func (o *observation) failing(c nodeCall, threshold int) string {
	r := &o.calls[c]
	if r.streak < threshold || r.err == nil {
		return ""
	}
	return callFailure(c, r.err)
}

// callFailure is err with the endpoint it came from: the client's errors name it, others get
// the call's label.
func callFailure(c nodeCall, err error) string {
	text := strings.TrimPrefix(err.Error(), "nodeos: ")
	if endpointOf(err) == "" {
		text = c.label() + ": " + text
	}
	return text
}

// endpointOf returns the nodeos endpoint an error of the client names, or "".
func endpointOf(err error) string {
	var aerr *nodeos.APIError
	var terr *nodeos.TransportError
	var derr *nodeos.DecodeError
	switch {
	case errors.As(err, &aerr):
		return aerr.Endpoint
	case errors.As(err, &terr):
		return terr.Endpoint
	case errors.As(err, &derr):
		return derr.Endpoint
	}
	return ""
}
