// What the fuzz targets (tests/fuzz/fuzz_*.cpp) share: the fixture folder their inputs are
// loaded from, a quiet stderr, and FUZZ_ASSERT for the contracts they check.
//
// Every target defines LLVMFuzzerTestOneInput and is built twice: with libFuzzer (the fuzz
// preset, clang) and with replay_main.cpp (every other preset), which runs given files through
// it for the ctest tests. docs/fuzzing.md explains both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace syncdrill::fuzz {

// The folder CMake fills with the files an input may name: the shipped base topology
// (base/topology.yaml), the tests' bases (base.yaml, small-drill.yaml, breached-drill.yaml) and a
// replay CSV (orders.csv). Inputs are loaded as the file "input.yaml" in it, so `extends` and
// replay paths resolve there.
const std::string& fixture_dir();
std::string fixture_path(std::string_view name);

// A path in a folder of this process's own (made on first use, removed at exit), for targets
// whose code under test reads its input from a file. Each process has its own, so libFuzzer's
// parallel jobs do not share one.
std::string scratch_path(std::string_view name);

// The input as text.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Sends std::cerr and std::clog nowhere, for code that reports errors there (millions of runs
// would otherwise flood the terminal). C stdio is untouched: sanitizers and libFuzzer still
// print.
void silence_iostream_errors();

// Prints the broken contract and aborts, so libFuzzer (and the replay tests) see a crash.
[[noreturn]] void contract_failed(const char* expr, const char* file, int line);

}  // namespace syncdrill::fuzz

// A contract of the code under test that a fuzz input broke (not a user error: those are values).
#define FUZZ_ASSERT(expr)                                                       \
  do {                                                                          \
    if (!(expr)) ::syncdrill::fuzz::contract_failed(#expr, __FILE__, __LINE__); \
  } while (0)
