// Fuzz target: the scenario loader on arbitrary text (core/scenario/loader.hpp).
//
// The input is a scenario file, loaded as "input.yaml" in the fixture folder so `extends:` may
// name the fixtures' bases (the shipped base/topology.yaml among them) and `replay` their
// orders.csv. Checks the loader's contract: no crash, no exception, no sanitizer report, and
// errors as values -- a scenario exactly when there is no error, each error located (1-based
// line and column, a file), at most errors_max of them plus the closing "too many errors".
#include <cstddef>
#include <cstdint>

#include "core/scenario/loader.hpp"
#include "fuzz_support.hpp"

using namespace syncdrill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string input_path = fuzz::fixture_path("input.yaml");
  const LoadLimits limits;
  const LoadResult r = load_scenario_text(fuzz::as_text(data, size), input_path, limits);
  FUZZ_ASSERT(r.scenario.has_value() == r.errors.empty());
  FUZZ_ASSERT(r.errors.size() <= static_cast<size_t>(limits.errors_max) + 1);
  for (const Diagnostic& d : r.errors) {
    FUZZ_ASSERT(!d.file.empty());
    FUZZ_ASSERT(d.line >= 1 && d.column >= 1);
    FUZZ_ASSERT(!d.message.empty());
    FUZZ_ASSERT(!format_diagnostic(d).empty());
  }
  return 0;
}
