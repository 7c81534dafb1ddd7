package nodeos_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/eoskeeper/eoskeeper/nodeos"
)

// fakeNodeos answers like a nodeos with chain_api_plugin and producer_api_plugin loaded but
// net_api_plugin missing.
func fakeNodeos() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/chain/get_info":
			_, _ = io.WriteString(w, `{"server_version":"6c1717c9","head_block_num":329343132,"last_irreversible_block_num":329342804,`+
				`"head_block_time":"2023-09-04T20:36:31.500","head_block_producer":"blockpooleos","total_cpu_weight":"383380109085541"}`)
		case "/v1/producer/paused":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `true`)
		case "/v1/producer/resume":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"result":"ok"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"code":404,"message":"Not Found","error":{"code":0,"name":"exception","what":"unspecified",`+
				`"details":[{"message":"Unknown Endpoint","file":"beast_http_session.hpp","line_number":187,"method":"handle_request"}]}}`)
		}
	}))
}

func ExampleClient() {
	srv := fakeNodeos()
	defer srv.Close()

	c, err := nodeos.NewClient(nodeos.Config{URL: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	info, err := c.GetInfo(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("head", info.HeadBlockNum, "by", info.HeadBlockProducer, "at", info.HeadBlockTime, "slot", info.HeadSlot())
	fmt.Println("lib lag", info.HeadBlockNum-info.LastIrreversibleBlockNum, "cpu weight", *info.TotalCPUWeight)

	paused, err := c.Paused(ctx)
	fmt.Println("paused:", paused, err)
	fmt.Println("resume:", c.Resume(ctx))

	_, err = c.Connections(ctx)
	fmt.Println(errors.Is(err, nodeos.ErrPluginMissing))
	fmt.Println(err)
	// Output:
	// head 329343132 by blockpooleos at 2023-09-04T20:36:31.500 slot 1494349983
	// lib lag 328 cpu weight 383380109085541
	// paused: true <nil>
	// resume: <nil>
	// true
	// nodeos: /v1/net/connections: 404 Not Found: Unknown Endpoint; net_api_plugin is probably not loaded (add "plugin = eosio::net_api_plugin" to config.ini)
}

func ExampleSchedule_MissedTurns() {
	sched := nodeos.Schedule{Producers: []string{"alice", "bob", "carol"}} // 36-slot rounds
	// bob's turns are slots [12,24), [48,60), [84,96), ...; bob produced in the first only.
	produced := []nodeos.Slot{12, 13, 14}
	for _, t := range sched.MissedTurns("bob", produced, 0, 100, 6) {
		fmt.Println(t)
	}
	next, _ := sched.NextTurn("bob", 100)
	fmt.Println("next", next, "at", next.First.Time().Format("2006-01-02T15:04:05.000"))
	// Output:
	// bob[84,96)
	// bob[48,60)
	// next bob[120,132) at 2000-01-01T00:01:00.000
}
