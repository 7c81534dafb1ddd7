# eoskeeper build and test entry points. `make test` is what CI runs.
GO       ?= go
CONSUL   := bin/consul
PKGS     := ./...
FUZZTIME ?= 5s

.PHONY: all build test unit bench lint fuzz consul demo drill drill-short clean

all: lint build test

build:
	$(GO) build -o bin/eoskeeper ./cmd/eoskeeper

# test runs every test with the race detector, the integration tests against a real
# Consul (built into bin/consul when missing) and a short fuzz pass over every fuzz target.
test: $(CONSUL)
	PATH="$(CURDIR)/bin:$$PATH" $(GO) test -race -count=1 -timeout 25m $(PKGS)
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz-all

# unit runs the tests without building Consul (integration tests skip).
unit:
	$(GO) test -race -count=1 $(PKGS)

# bench runs every Go benchmark; the election's scale benchmark needs the Consul binary.
bench: $(CONSUL)
	PATH="$(CURDIR)/bin:$$PATH" $(GO) test -run '^$$' -bench . -benchmem $(PKGS)

lint:
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet $(PKGS)

fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz-all

consul: $(CONSUL)

# The Consul server used by the integration tests, built from the Go module proxy
# at the version pinned in tools/consul/go.mod (about 4 minutes cold, cached after).
$(CONSUL): tools/consul/go.mod tools/consul/go.sum
	cd tools/consul && $(GO) build -o ../../$(CONSUL) github.com/hashicorp/consul

demo: $(CONSUL) build
	PATH="$(CURDIR)/bin:$$PATH" ./bin/eoskeeper demo

clean:
	rm -rf bin

# drill runs the failover drills with real processes (Consul servers and clients, eoskeeper
# agents, the simulated nodeos network) in network namespaces, which need root; the table is
# written to $(DRILL_MD). drill-short runs the CI subset.
DRILL_MD ?= bin/drill.md

.PHONY: drill-bins
drill-bins: build $(CONSUL)
	$(GO) build -o bin/nodeosnet ./cmd/nodeosnet
	$(GO) build -o bin/drill ./cmd/drill
	$(GO) build -o bin/baseline ./cmd/baseline

drill: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make drill needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -markdown $(DRILL_MD)

drill-short: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make drill-short needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -scenarios 1,4,5,6,12 -seed=false $(if $(DRILL_RUN_DIR),-run-dir $(DRILL_RUN_DIR))

# bench-agent measures each drill agent's steady state (RSS, CPU, Consul requests per second)
# over 10 minutes at the real 500 ms block interval and 1 s nodeos polling; needs root.
BENCH_MD ?= bin/bench-agent.md

.PHONY: bench-agent
bench-agent: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make bench-agent needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -bench 10m -block-interval 500ms -markdown $(BENCH_MD)
