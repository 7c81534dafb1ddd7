# eoskeeper build and test entry points. `make test` is what CI runs.
GO       ?= go
CONSUL   := bin/consul
PKGS     := ./...
FUZZTIME ?= 5s

.PHONY: all build test unit bench lint fuzz consul demo drill drill-short drill-real clean package package-check dashboards

all: lint build test

# build makes bin/eoskeeper the way packaging/build does: static (no libc mapped into every
# agent), without absolute source paths, symbol table or DWARF. BUILDFLAGS='' gives a binary
# for debuggers.
BUILDFLAGS ?= -trimpath -ldflags '-s -w'

build:
	CGO_ENABLED=0 $(GO) build $(BUILDFLAGS) -o bin/eoskeeper ./cmd/eoskeeper

# test runs every test with the race detector, the integration tests against a real
# Consul (built into bin/consul when missing) and a short fuzz pass over every fuzz target.
test: $(CONSUL)
	PATH="$(CURDIR)/bin:$$PATH" $(GO) test -race -count=1 -timeout 25m $(PKGS)
	cd tools/dashboards && $(GO) test -count=1 ./...
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
# written to $(DRILL_MD), each scenario's timeline (SVG) to $(DRILL_TIMELINES). drill-short
# runs the CI subset. drill-real runs the crash scenario
# (both fault timings) at the real 500 ms block interval with 21 producers, whose rounds are
# 126 s: about 15 minutes; its table goes to $(DRILL_REAL_MD).
DRILL_MD        ?= bin/drill.md
DRILL_REAL_MD   ?= bin/drill-real.md
DRILL_TIMELINES ?= bin/timelines

.PHONY: drill-bins
drill-bins: build $(CONSUL)
	$(GO) build -o bin/nodeosnet ./cmd/nodeosnet
	$(GO) build -o bin/drill ./cmd/drill
	$(GO) build -o bin/baseline ./cmd/baseline

drill: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make drill needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -markdown $(DRILL_MD) -timelines $(DRILL_TIMELINES)

drill-short: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make drill-short needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -scenarios 1,4,5,6,12 -seed=false -evidence=false -timelines $(DRILL_TIMELINES) $(if $(DRILL_RUN_DIR),-run-dir $(DRILL_RUN_DIR))

drill-real: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make drill-real needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -scenarios 1 -block-interval 500ms -producers 21 -seed=false -evidence=false -markdown $(DRILL_REAL_MD)

# bench-agent measures each drill agent's steady state (RSS, CPU, Consul requests per second)
# over 10 minutes at the real 500 ms block interval and 1 s nodeos polling; needs root.
BENCH_MD ?= bin/bench-agent.md

.PHONY: bench-agent
bench-agent: drill-bins
	@[ "$$(id -u)" = 0 ] || { echo "make bench-agent needs root (ip netns)"; exit 1; }
	./bin/drill -bin bin -bench 10m -block-interval 500ms -markdown $(BENCH_MD)

# Packages: for linux/amd64 and linux/arm64 a .deb and an .rpm (nfpm, pinned in
# tools/package/go.mod) and a .tar.gz, plus SHA256SUMS, in dist/. VERSION defaults to the
# newest v* tag (git describe), else 0.0.0-<commit date>.<commit>; override with
# `make package VERSION=1.2.3`.
NFPM              := bin/nfpm
VERSION           ?= $(shell git describe --tags --match 'v[0-9]*' 2>/dev/null | sed 's/^v//' || true)
COMMIT            ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
PKG_MAINTAINER    ?= eoskeeper maintainers <maintainers@users.noreply.github.com>
PKG_VERSION        = $(or $(VERSION),0.0.0-$(shell git log -1 --format=%cd.%h --date=format:%Y%m%d 2>/dev/null))
PKG_ENV            = GO="$(GO)" NFPM="$(CURDIR)/$(NFPM)" VERSION="$(PKG_VERSION)" COMMIT="$(COMMIT)" \
                     SOURCE_DATE_EPOCH="$(SOURCE_DATE_EPOCH)" PKG_MAINTAINER="$(PKG_MAINTAINER)"

$(NFPM): tools/package/go.mod tools/package/go.sum
	cd tools/package && $(GO) build -o ../../$(NFPM) github.com/goreleaser/nfpm/v2/cmd/nfpm

package: $(NFPM)
	$(PKG_ENV) ./packaging/build

# package-check builds the amd64 .deb only, runs lintian on it (any error fails) and checks
# its files, modes, conffiles and maintainer scripts (scripts/check-deb). Needs lintian.
package-check: $(NFPM)
	$(PKG_ENV) DIST=dist/check PKG_ARCHS=amd64 PKG_FORMATS=deb ./packaging/build
	./scripts/check-deb dist/check/*.deb

# dashboards writes examples/grafana from the Go definitions in tools/dashboards.
dashboards:
	cd tools/dashboards && $(GO) run .

# sim runs the deterministic simulation (internal/sim) over SIM_SEEDS seeds from SIM_FROM:
# the real keeper under random overlapping faults, every invariant checked on every step.
# A violation prints the seed; `go run ./cmd/sim -seed N -trace` replays it.
SIM_SEEDS ?= 2000
SIM_FROM  ?= 1

.PHONY: sim
sim:
	$(GO) run ./cmd/sim -seeds $(SIM_SEEDS) -from $(SIM_FROM)
