# dirgraph: the two commands are `make run` and `make test` (see README.md).
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
DB    ?= var/dirgraph.db
HOST  ?= 127.0.0.1
PORT  ?= 8080

.PHONY: all deps build run test test-build bench clean golden

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j $(JOBS)

run: build
	@mkdir -p $(dir $(DB))
	build/dirgraph ingest fixtures/corpus --db $(DB)
	build/dirgraph serve --db $(DB) --host $(HOST) --port $(PORT)

test-build: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDIRGRAPH_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)

test: test-build
	cd build-asan && ctest --output-on-failure -j $(JOBS)

# Rewrites the golden outputs of fixtures/extract from the current build: review the diff like code.
golden: build
	scripts/golden.sh

clean:
	rm -rf build build-asan
