// Runs a drill of the shipped library (scenarios/) the way `syncdrill run` does, for the tests
// that check each drill's key figures against the outcome its header comment promises.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/scenario/loader.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill::testing {

struct LibraryRun {
  Scenario scenario;
  WorldResult result;
  Score score;
  std::string report_json;  // the bytes `syncdrill run` writes as report.json
};

// Loads scenarios/<file> (failing the test with its diagnostics when it does not validate), runs
// it on `seed` (default: the scenario's own) and scores it.
// second_core: run_world's (the draw-ahead thread).
LibraryRun run_library(const std::string& file, std::optional<uint64_t> seed = std::nullopt,
                       bool second_core = true);

// Sums over the channels of a run.
uint64_t total_lost(const WorldResult& r);
uint64_t total_duplicated(const WorldResult& r);
uint64_t total_oversold(const WorldResult& r);
uint64_t total_orders_placed(const WorldResult& r);

// The fault with this id in the score (fails the test when there is none).
const FaultIncident& incident(const LibraryRun& run, const std::string& fault_id);

// scenarios/<file>, and its text.
std::string drill_path(const std::string& file);
std::string drill_text(const std::string& file);

// A drill's text, edited, loaded at the drill's own path (so `extends` resolves), run on the
// drill's seed and scored. Its `expect:` block is left out: a variant is another drill.
struct Variant {
  Scenario scenario;
  WorldResult result;
  Score score;
};
Variant run_variant(const std::string& file, const std::string& text);

}  // namespace syncdrill::testing
