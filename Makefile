# Vigie: the two commands are `make run` and `make test`. Each installs what is missing
# (deploy/setup.sh), builds, and then runs or tests.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DATA_DIR   ?= ./data
# A development key so that a first `make run` can be tried at once; set your own.
VIGIE_API_KEYS ?= demo:vigie-demo-key
export VIGIE_API_KEYS

UNIT_TESTS = storage_test pipeline_test server_test mention_generator_test \
             mention_parser_fuzz_seeds query_fuzz_seeds text_fuzz_seeds snapshot_fuzz_seeds \
             request_fuzz_seeds

.PHONY: all setup build run test unit asan bench fuzz clean

all: build

setup:
	@deploy/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@echo "vigie: http://$(LISTEN)  data: $(DATA_DIR)  keys: VIGIE_API_KEYS=$$VIGIE_API_KEYS"
	$(BUILD)/server/vigie serve --listen $(LISTEN) --data-dir $(DATA_DIR)

# Everything: unit, accuracy, integration and crash tests on the release build, then the unit
# tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
test: build asan
	ctest --test-dir $(BUILD) --output-on-failure --timeout 600
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -L unit

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit

asan: setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVIGIE_SANITIZE=ON -DVIGIE_BUILD_BENCHMARKS=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target $(UNIT_TESTS)

bench: build
	tests/bench/run.sh $(BUILD)

# libFuzzer on the mention parser, the query parser, the text paths (language, sentiment, terms,
# detector), the detectors' snapshots and the other request inputs (watch and webhook bodies,
# URLs, query strings, cursors), FUZZ_SECONDS each, seeded from tests/fuzz/corpus (clang).
FUZZ_SECONDS ?= 60
fuzz:
	@deploy/setup.sh --fuzz
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIE_SANITIZE=ON \
	  -DVIGIE_FUZZ=ON -DVIGIE_BUILD_BENCHMARKS=OFF >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target mention_parser_fuzz query_fuzz text_fuzz snapshot_fuzz \
	  request_fuzz vigie_lexicons
	mkdir -p build-fuzz/corpus/mention_parser build-fuzz/corpus/query build-fuzz/corpus/text \
	  build-fuzz/corpus/snapshot build-fuzz/corpus/request
	build-fuzz/tests/mention_parser_fuzz build-fuzz/corpus/mention_parser tests/fuzz/corpus/mention_parser \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=4096
	build-fuzz/tests/query_fuzz build-fuzz/corpus/query tests/fuzz/corpus/query \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=4096
	VIGIE_LEXICON_DIR=build-fuzz/lexicons build-fuzz/tests/text_fuzz build-fuzz/corpus/text tests/fuzz/corpus/text \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=4096
	build-fuzz/tests/snapshot_fuzz build-fuzz/corpus/snapshot tests/fuzz/corpus/snapshot \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=131072
	build-fuzz/tests/request_fuzz build-fuzz/corpus/request tests/fuzz/corpus/request \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=4096

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
