# syncdrill: the two commands a new user needs are `make demo` and `make test`.
# Both install missing Debian packages first (scripts/install-deps), then build with CMake:
# `make demo` only the syncdrill binary and its libraries, `make test` everything (the tests and
# benchmarks too). `make install` and `make package` install it like any tool (docs/install.md).
# The tests also need packages the demo does not (Chromium for the browser test, kubectl for the
# check of deploy/kubernetes/): scripts/install-test-deps and scripts/install-kubectl add them for
# `make test` and `make test-sanitize` only.

BUILD_DIR      ?= build
SANITIZE_DIR   ?= build-sanitize
FUZZ_SECONDS   ?= 60
JOBS           ?= 2
DEMO_SCENARIO  ?= scenarios/black-friday-peak.yaml
DEMO_OUT       ?= out/demo
PREFIX         ?= /usr/local

.PHONY: all deps test-deps bench-deps fuzz-deps slurm-deps build build-tool demo test test-sanitize bench \
        fuzz slurm-drill install package format clean

all: build

deps:
	@scripts/install-deps

test-deps: deps
	@scripts/install-test-deps
	@scripts/install-kubectl

# wrk, the load generator of the serve benchmark (bench/serve_bench.cpp).
bench-deps: deps
	@scripts/install-bench-deps

# clang 14 and libFuzzer, for the fuzz preset (docs/fuzzing.md).
fuzz-deps: deps
	@scripts/install-fuzz-deps

# slurm-wlm and munge, for the one-node Slurm cluster of `make slurm-drill` (docs/scale-out.md).
slurm-deps: deps
	@scripts/install-slurm-deps

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake --preset release

# Everything: the binary, its man page, the tests and the benchmarks.
build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build --preset release

# What is installed: the binary and its man page (no tests, no benchmarks).
build-tool: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build --preset release --target syncdrill syncdrill_manpage

# Runs the default drill and prints its scorecard; the reports land in $(DEMO_OUT).
# It builds the binary and its libraries alone, none of the tests: the first scorecard comes sooner.
# Exit code 1 is a verdict (a tier was breached), not a failure of the demo.
demo: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build --preset release --target syncdrill
	$(BUILD_DIR)/syncdrill run $(DEMO_SCENARIO) --out $(DEMO_OUT) || [ $$? -eq 1 ]

test: test-deps build
	ctest --preset release

# The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps test-deps
	cmake --preset sanitize
	cmake --build --preset sanitize
	ctest --preset sanitize

# A sharded compare as a Slurm job array on a one-node cluster started on localhost, merged and
# checked byte for byte against one process (scripts/slurm-drill; also `ctest -L slurm`).
slurm-drill: slurm-deps build-tool
	scripts/slurm-drill $(BUILD_DIR)/syncdrill

bench: bench-deps build
	cmake --build --preset release --target bench

# Installs the binary, the scenario library, the docs and the man page under PREFIX
# (default /usr/local; `make install PREFIX=$$HOME/.local`). DESTDIR stages it elsewhere.
install: build-tool
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# The Debian package, $(BUILD_DIR)/syncdrill_VERSION_ARCH.deb (`sudo apt install ./FILE.deb`).
# cpack is called directly: CMake's own `package` target would build the tests first.
package: build-tool
	cd $(BUILD_DIR) && cpack -G DEB

# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for FUZZ_SECONDS (default 60):
# `make fuzz FUZZ_SECONDS=1800`. Crashes land in build-fuzz/artifacts/ (docs/fuzzing.md).
fuzz: fuzz-deps
	cmake --preset fuzz
	cmake --build --preset fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

format:
	find core mocks sim reports connector app tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) build-fuzz build-debug
