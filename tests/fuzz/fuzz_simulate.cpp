// Fuzz target: validate, then simulate. A scenario the loader accepts must run: no SD_CHECK,
// exception or sanitizer report may fire in the world (sim/world/) or in scoring (sim/score/)
// on any accepted input.
//
// The input is a scenario file, loaded as for fuzz_scenario (fixture folder, default limits
// except a horizon of at most a day). An accepted scenario runs on its own seed for a bounded
// number of events (kEventsMax, and at most kPendingMax queued), so a long or dense scenario
// stops early with a limit message instead of running for minutes; a run that finishes is
// scored as `syncdrill run` scores it.
#include <cstddef>
#include <cstdint>

#include "core/scenario/loader.hpp"
#include "fuzz_support.hpp"
#include "sim/score/detection.hpp"
#include "sim/world/world.hpp"

using namespace syncdrill;

namespace {

constexpr uint64_t kEventsMax = 30'000;
constexpr size_t kPendingMax = size_t{1} << 16;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string input_path = fuzz::fixture_path("input.yaml");
  LoadLimits limits;
  limits.duration_max = days(1);
  const LoadResult loaded = load_scenario_text(fuzz::as_text(data, size), input_path, limits);
  if (!loaded.ok()) return 0;
  const Scenario& scenario = *loaded.scenario;
  Engine::Limits engine;
  engine.events_max = kEventsMax;
  engine.pending_events_max = kPendingMax;
  const WorldResult result = run_world(scenario, scenario.seed, engine);
  FUZZ_ASSERT(result.events_processed <= kEventsMax);
  FUZZ_ASSERT(result.limit_message.empty() ==
              (result.status == RunStatus::reached_time || result.status == RunStatus::drained));
  if (result.limit_message.empty()) (void)score_run(scenario, result);
  return 0;
}
