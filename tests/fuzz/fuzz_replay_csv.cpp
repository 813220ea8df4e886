// Fuzz target: the replay CSV reader (core/scenario/replay.hpp) on arbitrary text.
//
// The input is a CSV file, parsed under four option sets (real time from the first row; run
// start origin with strong compression; slowed down ten thousand times, which pushes times
// towards the reader's limit; a named column, ';' between fields, a fixed zone and a start_at).
// Checks its contract: either an error and no times, or times that never decrease, none negative,
// one per data row at most.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/scenario/replay.hpp"
#include "fuzz_support.hpp"

using namespace syncdrill;

namespace {

void check(std::string_view text, const ReplayOptions& options) {
  const ReplayLoad load = parse_replay_csv(text, "orders.csv", options);
  if (!load.ok()) {
    FUZZ_ASSERT(load.times.empty());
    return;
  }
  FUZZ_ASSERT(!load.times.empty());  // a file with no data rows is an error
  // Rows are separated by "\n": there can be no more times than lines.
  FUZZ_ASSERT(load.times.size() <=
              static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  for (size_t i = 0; i < load.times.size(); ++i) {
    FUZZ_ASSERT(load.times[i].us >= 0);
    FUZZ_ASSERT(i == 0 || load.times[i - 1] <= load.times[i]);
  }
}

void parse(std::string_view text, double compression, bool relative_to_first_row) {
  ReplayOptions options;
  options.compression = compression;
  options.relative_to_first_row = relative_to_first_row;
  check(text, options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  parse(text, 1, true);
  parse(text, 60, false);
  parse(text, 1e-4, true);
  ReplayOptions exported;
  exported.column = "at";
  exported.delimiter = ';';
  exported.zone = TimeZone::fixed("+05:30", 19'800);
  exported.start_at_us = 1'000'000;
  check(text, exported);
  return 0;
}
