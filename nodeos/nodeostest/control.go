package nodeostest

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// NodeStatus is a node's state as the control API reports it.
type NodeStatus struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	LogPath  string `json:"log_path"`
	Producer bool   `json:"producer_node"`
	Alive    bool   `json:"alive"`
	Paused   bool   `json:"paused"`
	Stalled  bool   `json:"stalled"`
	Hung     bool   `json:"hung"`
	Fail500  bool   `json:"fail500"`
	Malform  bool   `json:"malformed"`
	Peers    int    `json:"peers"`
	Head     uint32 `json:"head_block_num"`
	LIB      uint32 `json:"last_irreversible_block_num"`
	Produced int    `json:"produced"`
}

// Status returns the node's state.
func (nd *Node) Status() NodeStatus {
	nd.net.mu.Lock()
	defer nd.net.mu.Unlock()
	return NodeStatus{
		Name: nd.Name, URL: nd.URL, LogPath: nd.LogPath, Producer: nd.cfg.ProducerNode,
		Alive: nd.alive, Paused: nd.pausedLocked(), Stalled: nd.stalled, Hung: nd.hang != nil,
		Fail500: nd.fail500, Malform: nd.malformed, Peers: nd.peers,
		Head: nd.head.Num, LIB: nd.lib, Produced: nd.produced,
	}
}

// ControlHandler returns an HTTP handler that drives the network from outside the process, for
// drills against a network run by a small main. All answers are JSON; errors are
// {"error":"..."} with status 400 or 404.
//
//	GET  /status                      {"slot","time","head":Block,"ours","schedule":[...]}
//	GET  /nodes                       [NodeStatus...]
//	POST /nodes/{name}/kill           also restart, hang, unhang, stop, cont, stall, unstall
//	POST /nodes/{name}/fail500?on=1   also malformed?on=0|1, peers?n=N, rotate?mode=rename|copytruncate|remove
//	POST /partition                   body [["A"],["B","C"]]: groups of node names (see Partition)
//	POST /heal
//	POST /finalizer?key=PUB_BLS_...   SetActiveFinalizerKey
//	GET  /ledger                      [Block...]
//	GET  /referee                     {"double_produced":[Turn...],"missed":[Turn...],"check":"" or the error}
func (n *Network) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"slot": n.Slot(), "time": isoTime(n.Now()), "head": n.Head(), "ours": n.cfg.Ours,
			"schedule": n.sched.Producers,
		})
	})
	mux.HandleFunc("GET /nodes", func(w http.ResponseWriter, r *http.Request) {
		var out []NodeStatus
		for _, nd := range n.Nodes() {
			out = append(out, nd.Status())
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /nodes/{name}/{action}", n.controlNode)
	mux.HandleFunc("POST /partition", func(w http.ResponseWriter, r *http.Request) {
		var names [][]string
		if err := json.NewDecoder(r.Body).Decode(&names); err != nil {
			writeError(w, http.StatusBadRequest, "partition: body must be a JSON array of arrays of node names")
			return
		}
		groups := make([][]*Node, len(names))
		for i, g := range names {
			for _, name := range g {
				nd := n.Node(name)
				if nd == nil {
					writeError(w, http.StatusNotFound, "partition: unknown node "+strconv.Quote(name))
					return
				}
				groups[i] = append(groups[i], nd)
			}
		}
		n.Partition(groups...)
		writeJSON(w, http.StatusOK, map[string]string{"result": "ok"})
	})
	mux.HandleFunc("POST /heal", func(w http.ResponseWriter, r *http.Request) {
		n.Heal()
		writeJSON(w, http.StatusOK, map[string]string{"result": "ok"})
	})
	mux.HandleFunc("POST /finalizer", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("key")
		if key == "" {
			writeError(w, http.StatusBadRequest, "finalizer: key is required")
			return
		}
		n.SetActiveFinalizerKey(key)
		writeJSON(w, http.StatusOK, map[string]string{"result": "ok"})
	})
	mux.HandleFunc("GET /ledger", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, n.Ledger())
	})
	mux.HandleFunc("GET /referee", func(w http.ResponseWriter, r *http.Request) {
		check := ""
		if err := CheckNoDoubleProduction(n.Ledger()); err != nil {
			check = err.Error()
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"double_produced": nonNil(n.DoubleProduced()), "missed": nonNil(n.Missed()), "check": check,
		})
	})
	return mux
}

func (n *Network) controlNode(w http.ResponseWriter, r *http.Request) {
	nd := n.Node(r.PathValue("name"))
	if nd == nil {
		writeError(w, http.StatusNotFound, "unknown node "+strconv.Quote(r.PathValue("name")))
		return
	}
	q := r.URL.Query()
	on := q.Get("on") == "1" || q.Get("on") == "true"
	switch r.PathValue("action") {
	case "kill":
		nd.Kill()
	case "restart":
		if err := nd.Restart(); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	case "hang":
		nd.Hang()
	case "unhang":
		nd.Unhang()
	case "stop":
		nd.Freeze(true)
	case "cont":
		nd.Freeze(false)
	case "stall":
		nd.Stall(true)
	case "unstall":
		nd.Stall(false)
	case "fail500":
		nd.Fail500(on)
	case "malformed":
		nd.Malformed(on)
	case "peers":
		p, err := strconv.Atoi(q.Get("n"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "peers: n must be an integer")
			return
		}
		nd.SetPeers(p)
	case "rotate":
		modes := map[string]RotateMode{"rename": RotateRename, "copytruncate": RotateCopyTruncate, "remove": RotateRemove}
		mode, ok := modes[q.Get("mode")]
		if !ok {
			writeError(w, http.StatusBadRequest, "rotate: mode must be rename, copytruncate or remove")
			return
		}
		if _, err := nd.RotateLog(mode); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	default:
		writeError(w, http.StatusNotFound, "unknown action "+strconv.Quote(r.PathValue("action")))
		return
	}
	writeJSON(w, http.StatusOK, nd.Status())
}

func nonNil(t []nodeos.Turn) []nodeos.Turn {
	if t == nil {
		return []nodeos.Turn{}
	}
	return t
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
