# SpeedyZero-k8s: the entry points. 'make run' and 'make test' install what is missing first.
SHELL := /bin/bash
CONFIGURATION ?= Release
BENCH ?=
PRESET ?= cartpole
CLI := dotnet run --project services/SpeedyZero.Cli -c $(CONFIGURATION) --no-build --

# Runtime hygiene for every process that loads libtorch (see docs/engine-runtime.md):
# OpenBLAS' own thread pool spins against libtorch's, so it gets one thread.
export OPENBLAS_NUM_THREADS := 1
# libtorch's buffers come from jemalloc, preloaded where it is installed ('make deps' installs it):
# under glibc's malloc a training run's resident memory climbs for hours. The engine sets up
# whichever malloc it finds (NativeAllocator).
JEMALLOC := $(firstword $(wildcard /usr/lib/*/libjemalloc.so.2))
ifneq ($(JEMALLOC),)
export LD_PRELOAD := $(JEMALLOC)
endif
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help deps build run test bench minatar cluster clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

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

OUT ?= runs/minatar
SEED ?= 0
minatar: build ## MinAtar results: a 500k-frame run per game, then a report and figure (OUT=dir SEED=N); again to continue
	OUT=$(OUT) SEED=$(SEED) CONFIGURATION=$(CONFIGURATION) scripts/minatar.sh

ACTORS ?= 2
REANALYZERS ?= 1
cluster: build ## Start NATS, Redis and every role as local processes (ACTORS=N REANALYZERS=M PRESET=... STEPS=...)
	ACTORS=$(ACTORS) REANALYZERS=$(REANALYZERS) PRESET=$(PRESET) CONFIGURATION=$(CONFIGURATION) scripts/cluster.sh

# Container images (deploy/docker, docs/deployment.md): one image for every role, plus its CUDA
# variant for the learner and reanalyzers. docker when a Docker engine answers, else buildah
# (no daemon needed). BASES=local: bases made on this machine (scripts/container-bases.sh), for
# machines that reach no registry; CPU image only. IMAGES=cpu|cuda to build one.
IMAGE ?= speedyzero/speedyzero
IMAGE_VERSION ?= 0.1.0
BASES ?= public
IMAGES ?=
.PHONY: images deploy-check
deploy-check: deps ## The deploy check alone: manifests against the schemas, the CPU image built and run, the stack played as pods (make test runs it too)
	scripts/deploy-check.sh

images: ## Build the container images (docker, else buildah; BASES=local without a registry)
	@IMAGE=$(IMAGE) IMAGE_VERSION=$(IMAGE_VERSION) BASES=$(BASES) scripts/images.sh $(IMAGES)

clean: ## Remove build outputs (native and managed) and benchmark results
	dotnet clean speedyzero-k8s.sln -c $(CONFIGURATION) --nologo -v quiet || true
	rm -rf build bench/results/*.json
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
