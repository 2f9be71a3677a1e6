# Alert Whisperer: the two commands are `make run` and `make test`.
PORT ?= 8001
DATA_DIR ?= ./data
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PYTHON ?= /usr/bin/python3
# Seconds per fuzz target: `make fuzz` (make test runs each for 30 s).
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 2
# Each step of build and test starts with a "== [time] step" line, so a slow CI run shows where its time went.
STEP = echo "== [$$(date -u +%T)]"

.PHONY: run test build build-asan build-fuzz fuzz deps test-deps unit api bench soak clean web package

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps web
	@$(STEP) "release build (build/)"
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAW_WERROR=ON -DAW_BUILD_TESTS=OFF $(CMAKE_FLAGS) > /dev/null
	cmake --build build -j $(JOBS)

# The web UI (web/): npm ci when the lockfile changed, the production build
# (web/dist, served by the binary) when a source, the config or the packages changed.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/package.json
web: deps web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build
	@touch $@

build-asan: test-deps
	@$(STEP) "ASan+UBSan build with the unit tests (build-asan/)"
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DAW_WERROR=ON -DAW_SANITIZE=ON $(CMAKE_FLAGS) > /dev/null
	cmake --build build-asan -j $(JOBS)

# The libFuzzer targets (tests/fuzz, docs/RELIABILITY.md): clang with ASan
# and UBSan, only the sources the targets reach.
build-fuzz: test-deps
	@$(STEP) "libFuzzer targets (build-fuzz/, clang)"
	cmake -S . -B build-fuzz -G Ninja -DAW_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DAW_WERROR=ON $(CMAKE_FLAGS) > /dev/null
	cmake --build build-fuzz -j $(JOBS)

# Each fuzz target for FUZZ_SECONDS (default 10 min), FUZZ_JOBS at a time.
fuzz: build-fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_JOBS)

run: build
	./build/alertwhisperer serve --port $(PORT) --data-dir $(DATA_DIR)

# The test steps are scripts/run-tests.sh: unit and conformance tests (ASan+UBSan build) under
# ctest, each fuzz target for 30 s, the black-box API tests (pytest) against the real binary on
# RocksDB and on DynamoDB (dynalite) side by side, the web UI's unit tests and its browser tests
# (chromium from Debian). All always run; it ends with a recap of each runner's summary line and
# the names of failed tests; the exit code is non-zero when any failed.
test: test-deps build build-asan build-fuzz
	@PYTHON=$(PYTHON) JOBS=$(JOBS) scripts/run-tests.sh

unit: build-asan
	cd build-asan && ctest --output-on-failure -j $(JOBS)

api: build test-deps
	AW_BINARY=$(CURDIR)/build/alertwhisperer $(PYTHON) -m pytest -q -p no:cacheprovider tests/api

bench: build
	@scripts/install-deps.sh --bench
	bench/intake_bench.sh

# One hour of mixed load (intake, reads, WebSocket clients); RSS, open files, data size, p99 per
# minute into build/soak/soak.csv and soak.png (bench/soak.sh; SOAK_MINUTES etc. in bench/README.md).
soak: build
	@scripts/install-deps.sh --bench
	bench/soak.sh

# The Debian package (binary, web UI, systemd unit, /etc/alertwhisperer/env): build/alertwhisperer_<version>_<arch>.deb.
package: build
	@scripts/install-deps.sh --package
	scripts/make-package.sh

clean:
	rm -rf build build-asan build-fuzz
