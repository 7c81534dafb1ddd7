package nodeostest

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
)

// paramsKind is http_plugin's parse_params mode of an endpoint.
type paramsKind int

const (
	noParams       paramsKind = iota // body must be empty or {}
	paramsRequired                   // body must be a non-empty JSON value
)

// endpoint is one URL handler of a node.
type endpoint struct {
	plugin string // "chain_api", "producer_api" or "net_api"
	params paramsKind
	status int // success status: 200 chain, 201 producer and net
	// serve runs with the network's lock held and returns the response value.
	serve func(nd *Node, body []byte) (any, *apiError)
}

// endpoints are the URL handlers of a node, by exact path.
func (nd *Node) endpoints() map[string]endpoint {
	eps := map[string]endpoint{
		"/v1/chain/get_info":               {"chain_api", noParams, 200, (*Node).getInfo},
		"/v1/chain/get_producer_schedule":  {"chain_api", noParams, 200, (*Node).getProducerSchedule},
		"/v1/chain/get_producers":          {"chain_api", paramsRequired, 200, (*Node).getProducers},
		"/v1/chain/get_block":              {"chain_api", paramsRequired, 200, (*Node).getBlock},
		"/v1/producer/pause":               {"producer_api", noParams, 201, (*Node).pause},
		"/v1/producer/resume":              {"producer_api", noParams, 201, (*Node).resume},
		"/v1/producer/paused":              {"producer_api", noParams, 201, (*Node).getPaused},
		"/v1/producer/get_runtime_options": {"producer_api", noParams, 201, (*Node).getRuntimeOptions},
		"/v1/net/connections":              {"net_api", noParams, 201, (*Node).connections},
	}
	v := nd.release()
	if v.BlockInfoAPI {
		eps["/v1/chain/get_block_info"] = endpoint{"chain_api", paramsRequired, 200, (*Node).getBlockInfo}
	}
	if v.FinalizerInfoAPI {
		eps["/v1/chain/get_finalizer_info"] = endpoint{"chain_api", noParams, 200, (*Node).getFinalizerInfo}
	}
	nd.addTxnEndpoints(eps)
	for path, ep := range eps {
		if (ep.plugin == "producer_api" && nd.cfg.DisableProducerAPI) || (ep.plugin == "net_api" && nd.cfg.DisableNetAPI) {
			delete(eps, path)
		}
	}
	return eps
}

// ServeHTTP answers like nodeos's http_plugin: exact path match, any method, JSON bodies.
func (nd *Node) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := nd.net
	n.mu.Lock()
	if n.closed || !nd.alive {
		n.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	n.requests++
	hang := nd.hang
	n.mu.Unlock()
	defer n.requestDone()

	if hang != nil {
		select {
		case <-hang:
		case <-n.quit:
			panic(http.ErrAbortHandler)
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		panic(http.ErrAbortHandler)
	}

	n.mu.Lock()
	if n.closed || !nd.alive {
		n.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	status, out := nd.respond(r.Method, r.URL.RequestURI(), body)
	if nd.malformed && len(out) > 1 {
		out = out[:len(out)/2]
	}
	n.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

func (n *Network) requestDone() {
	n.mu.Lock()
	n.requests--
	n.cond.Broadcast()
	n.mu.Unlock()
}

// respond computes the status and body for a request; called with the network's lock held.
func (nd *Node) respond(method, target string, body []byte) (int, []byte) {
	if nd.fail500 {
		return errorResponse(errInternal("simulated failure"))
	}
	if method == http.MethodOptions {
		return 200, []byte("{}")
	}
	eps := nd.endpoints()
	if target == "/v1/node/get_supported_apis" {
		apis := make([]string, 0, len(eps))
		for path := range eps {
			apis = append(apis, path)
		}
		sort.Strings(apis)
		return marshal(200, struct {
			APIs []string `json:"apis"`
		}{apis})
	}
	ep, ok := eps[target]
	if !ok {
		return errorResponse(errUnknownEndpoint())
	}
	if e := checkParams(ep.params, body); e != nil {
		return errorResponse(e)
	}
	v, e := ep.serve(nd, body)
	if e != nil {
		return errorResponse(e)
	}
	return marshal(ep.status, v)
}

// checkParams applies parse_params's body rules.
func checkParams(kind paramsKind, body []byte) *apiError {
	trimmed := strings.Trim(string(body), " ")
	empty := trimmed == "" || (strings.HasPrefix(trimmed, "{") && strings.HasSuffix(trimmed, "}") &&
		strings.Trim(trimmed[1:len(trimmed)-1], " \t") == "")
	switch kind {
	case noParams:
		if !empty {
			return errInvalidRequest("no parameter should be given", 271)
		}
	case paramsRequired:
		if empty {
			return errInvalidRequest("A Request body is required", 264)
		}
		if !json.Valid(body) {
			return errInvalidRequest("Unable to parse valid input from POST body", 283)
		}
	}
	return nil
}

func marshal(status int, v any) (int, []byte) {
	out, err := json.Marshal(v)
	if err != nil {
		return errorResponse(errInternal(err.Error()))
	}
	return status, out
}

// apiError is nodeos's error_results: HTTP status and message, and the fc exception.
type apiError struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Error   apiErrorInfo `json:"error"`
}

type apiErrorInfo struct {
	Code    int64            `json:"code"`
	Name    string           `json:"name"`
	What    string           `json:"what"`
	Details []apiErrorDetail `json:"details"`
}

type apiErrorDetail struct {
	Message    string `json:"message"`
	File       string `json:"file"`
	LineNumber int    `json:"line_number"`
	Method     string `json:"method"`
}

func errorResponse(e *apiError) (int, []byte) {
	out, _ := json.Marshal(e)
	return e.Code, out
}

func errInvalidRequest(msg string, line int) *apiError {
	return &apiError{400, "Invalid Request", apiErrorInfo{3200006, "invalid_http_request", "invalid http request",
		[]apiErrorDetail{{msg, "http_plugin.hpp", line, "parse_params"}}}}
}

func errUnknownEndpoint() *apiError {
	return &apiError{404, "Not Found", apiErrorInfo{0, "exception", "unspecified",
		[]apiErrorDetail{{"Unknown Endpoint", "beast_http_session.hpp", 186, "handle_request"}}}}
}

func errUnknownBlock(what string, method string) *apiError {
	return &apiError{400, "Unknown Block", apiErrorInfo{3100002, "unknown_block_exception", "Unknown block",
		[]apiErrorDetail{{"Could not find block: " + what, "chain_plugin.cpp", 2012, method}}}}
}

func errInternal(msg string) *apiError {
	return &apiError{500, "Internal Service Error", apiErrorInfo{0, "exception", "unspecified",
		[]apiErrorDetail{{msg, "beast_http_session.hpp", 273, "handle_exception"}}}}
}
