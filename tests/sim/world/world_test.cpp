// The world: ground truth and the mechanisms behind the failure patterns, shown on scenarios
// that differ in one setting at a time (same seed, so the same customers).
#include "sim/world/world.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/scenario/loader.hpp"

namespace syncdrill {
namespace {

Scenario load(const std::string& rel) {
  const std::string path = std::string(SYNCDRILL_TEST_DATA_DIR) + "/" + rel;
  LoadResult r = load_scenario_file(path);
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

void check_ground_truth(const WorldResult& r) {
  for (const ChannelOutcome& c : r.channels) {
    INFO("channel " << c.channel);
    CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
  }
  CHECK(r.skus_not_conserved == 0);
}

TEST_CASE("every channel order lands in exactly one ground-truth class and stock is conserved") {
  const Scenario s = load("scenarios/world/two-channels.yaml");
  for (uint64_t seed : {1, 2, 3}) {
    const WorldResult r = run_world(s, seed);
    REQUIRE(r.status == RunStatus::reached_time);
    check_ground_truth(r);
    CHECK(r.channels[0].orders_placed > 1000);
    CHECK(r.channels[0].in_oms_once > 0);
  }
}

}  // namespace
}  // namespace syncdrill
