package nodeos

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Errors reported by Client calls. Match them with errors.Is; every error also names the
// endpoint it came from.
var (
	// ErrUnreachable means nodeos could not be reached or dropped the connection: connection
	// refused, host unknown, connection reset, or the response cut short.
	ErrUnreachable = errors.New("nodeos: unreachable")
	// ErrTimeout means the call did not complete within its timeout (Config.Timeout or the
	// caller's context deadline). A hung nodeos reports this.
	ErrTimeout = errors.New("nodeos: timed out")
	// ErrPluginMissing means an API plugin the caller needs is not loaded in nodeos. A
	// *PluginError carries the plugin and the config.ini line that loads it; a 404 from an
	// endpoint of a known plugin (an *APIError) matches it too.
	ErrPluginMissing = errors.New("nodeos: api plugin not loaded")
	// ErrUnexpectedResult means nodeos answered with success but not with the result the
	// endpoint promises (pause or resume without {"result":"ok"}, for example).
	ErrUnexpectedResult = errors.New("nodeos: unexpected result")
)

// Compile-time checks of the error types.
var (
	_ error                         = (*APIError)(nil)
	_ interface{ Is(error) bool }   = (*APIError)(nil)
	_ error                         = (*DecodeError)(nil)
	_ interface{ Unwrap() error }   = (*DecodeError)(nil)
	_ error                         = (*TransportError)(nil)
	_ interface{ Unwrap() []error } = (*TransportError)(nil)
	_ error                         = (*PluginError)(nil)
	_ interface{ Is(error) bool }   = (*PluginError)(nil)
)

// APIError is a non-success HTTP reply from nodeos, with nodeos's error body decoded:
//
//	{"code":400,"message":"Invalid Request","error":{"code":3200006,"name":"invalid_http_request",
//	 "what":"invalid http request","details":[{"message":"no parameter should be given", ...}]}}
type APIError struct {
	// Endpoint is the request path, such as "/v1/producer/pause".
	Endpoint string
	// Status is the HTTP status code of the reply.
	Status int
	// Code is the body's "code" (nodeos repeats the HTTP status there); 0 when absent.
	Code int
	// Message is the body's "message" ("Invalid Request", "Not Found", "Unknown Block"),
	// or the HTTP status text when the body is not a nodeos error.
	Message string
	// Err is the body's "error" object: the fc exception.
	Err ErrorInfo
	// Body is a short excerpt of the reply when it was not a nodeos error body (a proxy's
	// HTML page, for example); empty otherwise.
	Body string
}

// ErrorInfo is the fc exception in a nodeos error body.
type ErrorInfo struct {
	// Code is the fc exception code, e.g. 3200006 (invalid_http_request) or 3100002
	// (unknown_block_exception); 0 for a plain fc::exception.
	Code int64 `json:"code"`
	// Name is the exception name, e.g. "invalid_http_request".
	Name string `json:"name"`
	// What is the exception's description, e.g. "invalid http request".
	What string `json:"what"`
	// Details holds the exception's log messages; nodeos sends one unless verbose-http-errors is on.
	Details []ErrorDetail `json:"details"`
}

// ErrorDetail is one log message of an fc exception.
type ErrorDetail struct {
	Message    string `json:"message"`
	File       string `json:"file"`
	LineNumber int    `json:"line_number"`
	Method     string `json:"method"`
}

// Error formats the reply as "nodeos: <endpoint>: <status> <message>: <detail>", adding the
// exception name and code when they say more, and which plugin to load for a 404 from a
// plugin's endpoint.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nodeos: %s: %d %s", e.Endpoint, e.Status, e.Message)
	detail := ""
	if len(e.Err.Details) > 0 {
		detail = e.Err.Details[0].Message
	}
	if detail == "" {
		detail = e.Err.What
	}
	if detail != "" && detail != e.Message {
		b.WriteString(": ")
		b.WriteString(detail)
	}
	if e.Err.Code != 0 {
		fmt.Fprintf(&b, " (%s %d)", e.Err.Name, e.Err.Code)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	if note := releaseNote(e.Endpoint); e.Status == 404 && note != "" {
		b.WriteString("; ")
		b.WriteString(note)
	}
	if p := e.missingPlugin(); p != "" {
		fmt.Fprintf(&b, "; %s is probably not loaded (add %q to config.ini)", strings.TrimPrefix(p, "eosio::"), pluginLine(p))
	}
	return b.String()
}

// Is reports whether the error matches target: ErrPluginMissing for a 404 from an endpoint
// that every release of a known API plugin serves.
func (e *APIError) Is(target error) bool {
	return target == ErrPluginMissing && e.missingPlugin() != ""
}

// missingPlugin returns the plugin whose absence explains a 404 on e.Endpoint, or "".
func (e *APIError) missingPlugin() string {
	if e.Status != 404 || releaseNote(e.Endpoint) != "" {
		return ""
	}
	return pluginOf(e.Endpoint)
}

// releaseNote explains a 404 from an endpoint that older nodeos releases do not serve even
// with its plugin loaded, or returns "".
func releaseNote(endpoint string) string {
	switch endpoint {
	case PathGetFinalizerInfo:
		return "get_finalizer_info needs Spring"
	case PathGetBlockInfo:
		return "older releases (EOSIO 2.0) do not serve get_block_info; use get_block"
	}
	return ""
}

// DecodeError is a success reply from nodeos whose body is not the JSON the endpoint promises.
type DecodeError struct {
	// Endpoint is the request path.
	Endpoint string
	// Status is the HTTP status code of the reply.
	Status int
	// Snippet is the start of the body, at most 64 bytes.
	Snippet string
	// Err is the JSON decoding error.
	Err error
}

// Error formats the failure with the endpoint and the start of the body.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("nodeos: %s: malformed response (HTTP %d): %v: body %q", e.Endpoint, e.Status, e.Err, e.Snippet)
}

// Unwrap returns the JSON decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError is a call that got no complete HTTP reply. It matches ErrUnreachable or
// ErrTimeout (its Kind) with errors.Is, and unwraps to the underlying network error.
type TransportError struct {
	// Endpoint is the request path.
	Endpoint string
	// Kind is ErrUnreachable or ErrTimeout.
	Kind error
	// Err is the underlying error (e.g. a *net.OpError or context.DeadlineExceeded).
	Err error
}

// Error formats the failure as "nodeos: <endpoint>: unreachable: <cause>".
func (e *TransportError) Error() string {
	kind := "transport error"
	if e.Kind != nil {
		kind = strings.TrimPrefix(e.Kind.Error(), "nodeos: ")
	}
	return fmt.Sprintf("nodeos: %s: %s: %v", e.Endpoint, kind, e.Err)
}

// Unwrap returns the kind and the underlying error.
func (e *TransportError) Unwrap() []error { return []error{e.Kind, e.Err} }

// transportError classifies err from http.Client.Do or from reading a body. It returns the
// caller's own context error, wrapped with the endpoint, when the caller cancelled.
func transportError(parent context.Context, endpoint string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // drop the method and URL: the endpoint says it
	}
	if perr := parent.Err(); perr != nil && errors.Is(perr, context.Canceled) {
		return fmt.Errorf("nodeos: %s: %w", endpoint, perr)
	}
	kind := ErrUnreachable
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &nerr) && nerr.Timeout()) {
		kind = ErrTimeout
	}
	return &TransportError{Endpoint: endpoint, Kind: kind, Err: err}
}
