// The orders-placed series: per channel and sample interval, on the clock of the other series,
// at the scenario's series_interval.
#include "sim/world/placed_series.hpp"

#include <numeric>

#include <doctest/doctest.h>

#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

TEST_CASE("orders placed are counted per interval before each sample, sample 0 empty") {
  const std::vector<int64_t> placed = {0, 59'999'999, 60'000'000, 119'000'000, 200'000'000};
  CHECK(orders_placed_series(placed, seconds(60), 4) == std::vector<uint32_t>{0, 2, 2, 0});
  // Past the last sample nothing is counted; no sample, no series.
  CHECK(orders_placed_series(placed, seconds(60), 2) == std::vector<uint32_t>{0, 2});
  CHECK(orders_placed_series(placed, seconds(60), 0).empty());
  CHECK(orders_placed_series({}, seconds(1), 3) == std::vector<uint32_t>{0, 0, 0});
  // Equal times land in one sample.
  CHECK(orders_placed_series(std::vector<int64_t>{5, 5, 5}, microseconds(10), 2) ==
        std::vector<uint32_t>{0, 3});
}

TEST_CASE("a run samples every series_interval, orders placed included") {
  const Scenario s = testing::from_text("extends: base.yaml\nname: t\nseries_interval: 10s\n");
  const WorldResult r = run_world(s, 7);
  CHECK(r.sample_interval == seconds(10));
  const size_t samples = 40 * 6 + 1;  // 40 minutes, every 10 s, from time 0
  REQUIRE(r.channels.size() == 1);
  const std::vector<uint32_t>& placed = r.channels[0].orders_placed_series;
  CHECK(placed.size() == samples);
  CHECK(r.connectors.at(0).queue_depth_series.size() == samples);
  CHECK(r.damage.orders_missing.size() == samples);
  CHECK(placed[0] == 0);
  const uint64_t total = std::accumulate(placed.begin(), placed.end(), uint64_t{0});
  CHECK(total <= r.channels[0].orders_placed);
  CHECK(total + 5 >= r.channels[0].orders_placed);  // at most the last instant's orders
  // ~5 orders a second: ~50 in every 10 s.
  CHECK(*std::max_element(placed.begin() + 1, placed.end()) < 100);
  CHECK(*std::min_element(placed.begin() + 1, placed.end()) > 20);
  // The default stays one sample a minute.
  const WorldResult minute = run_world(testing::from_text("extends: base.yaml\nname: t\n"), 7);
  CHECK(minute.sample_interval == minutes(1));
  CHECK(minute.channels[0].orders_placed_series.size() == 41);
}

}  // namespace
}  // namespace syncdrill
