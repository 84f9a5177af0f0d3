# Front door to the CMake build. `make` builds, `make test` runs every test.
BUILD      ?= build
VECTORS    ?= ../shared/vectors
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
FUZZ_SECONDS ?= 30

.PHONY: all build test vectors bench asan fuzz fuzz-run format clean demo

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_ARGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@[ -d "$(VECTORS)" ] || echo "*** SKIPPED: $(VECTORS) not found, so the suites built on Chia's shared test vectors did not run (clone ../shared beside this tree to run them) ***"

vectors: build
	sh tests/vectors/run.sh $(VECTORS) $(BUILD)/tests

bench: build
	sh bench/run.sh $(BUILD)/bench

# Tests again under AddressSanitizer + UndefinedBehaviorSanitizer, in their own build tree.
asan:
	$(MAKE) test BUILD=build-asan CMAKE_ARGS="-DCFARM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

# libFuzzer targets (clang), in their own build tree; fuzz-run runs each for FUZZ_SECONDS.
fuzz:
	CC=clang cmake -S . -B build-fuzz -DCFARM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined"
	cmake --build build-fuzz -j $(JOBS)

fuzz-run: fuzz
	sh fuzz/run.sh build-fuzz/fuzz $(FUZZ_SECONDS)

# The whole system on a fresh machine, about a minute (demo/run.sh says what it shows).
demo:
	sh demo/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz
