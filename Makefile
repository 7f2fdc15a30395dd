# OpenKAP: the README's two promises are `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/public -type f 2>/dev/null)

.PHONY: all deps build server cpp web run test unit bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

# The server binary alone (what `make run` needs); `cpp` also builds the tests and benchmarks.
server: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target openkap

cpp: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

web/node_modules/.installed: web/package-lock.json | deps
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build

web: web/dist/index.html

# `make build` leaves the binary at build/openkap and the web app in web/dist.
build: server web

run: build
	./$(BUILD)/openkap serve --demo --db var/openkap.db --web-root web/dist

# Unit, store, API over real HTTP, the audit tamper script, and browser end-to-end tests.
test: cpp web
	cd $(BUILD) && ctest --output-on-failure -j2

unit: cpp
	cd $(BUILD) && ctest --output-on-failure -R '^(unit|store_sqlite)$$'

bench: cpp web
	./$(BUILD)/openkap_bench
	bash bench/run-wrk.sh

clean:
	rm -rf $(BUILD) web/dist
