# SpeedyZero-k8s: the entry points. 'make run' and 'make test' install what is missing first.
SHELL := /bin/bash
CONFIGURATION ?= Release
BENCH ?=
PRESET ?= cartpole
CLI := dotnet run --project services/SpeedyZero.Cli -c $(CONFIGURATION) --no-build --

# Runtime hygiene for every process that loads libtorch (see docs/engine-runtime.md):
# OpenBLAS' own thread pool spins against libtorch's, so it gets one thread.
export OPENBLAS_NUM_THREADS := 1
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help deps build run test bench cluster clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

deps: ## Install missing Debian packages (libtorch, OpenBLAS, cmake, NATS, Redis, Prometheus)
	@scripts/deps.sh

build: deps ## Build the native engine and the solution
	dotnet build speedyzero-k8s.sln -c $(CONFIGURATION) --nologo -clp:ErrorsOnly

run: build ## Train with all roles in one process (PRESET=cartpole by default)
	$(CLI) train --preset $(PRESET)

test: deps ## Build and run every test (unit, property, real-server integration)
	scripts/test.sh

bench: build ## Run benchmark suites (BENCH=<suite> for one); results in bench/results/
	$(CLI) bench $(if $(BENCH),--suite $(BENCH))

cluster: build ## Start NATS, Redis and every role as local processes (not available yet)
	@echo "make cluster: the distributed services are not built yet (see README.md, 'Status')." >&2; exit 3

clean: ## Remove build outputs (native and managed) and benchmark results
	dotnet clean speedyzero-k8s.sln -c $(CONFIGURATION) --nologo -v quiet || true
	rm -rf build bench/results/*.json
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
