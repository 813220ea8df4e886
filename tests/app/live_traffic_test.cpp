// LiveTraffic (app/live_traffic.*) and the world read one traffic plan and build their mocks one
// way: on a manual clock run past the scenario's end, the live generator places the same orders
// on each channel as the simulation, and the same baskets sell out.
#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "app/live_traffic.hpp"
#include "core/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {
namespace {

// Little stock, so baskets sell out (which ones depends on every basket drawn before), two
// entries on one channel, a shaped entry, a peak, and ERP rounds interleaved with the orders.
constexpr const char* kLiveTrafficYaml = R"Y(
name: live-traffic
duration: 30m
catalog: {skus: 20, stock_per_sku: 40}
channels:
  - {name: shop, kind: shopify_like, safety_buffer: 3}
  - {name: outlet, kind: amazon_like}
systems:
  - name: erp
    kind: erp
    restocks: {interval: 2m, units: 5, sku_fraction: 50%}
    price_changes: {interval: 3m, sku_fraction: 20%, change_max: 10%}
traffic:
  - {channel: shop, rate: 30/min}
  - {channel: outlet, rate: 12/min, shape: [{at: 0m, multiplier: 1}, {at: 20m, multiplier: 3}]}
  - {channel: shop, rate: 6/min, basket_lines: {min: 1, max: 4}}
faults:
  - {id: rush, kind: peak_traffic, target: outlet, at: 5m, for: 10m, multiplier: 2}
)Y";

struct PlacedCounts {
  std::vector<uint64_t> placed;
  std::vector<uint64_t> sold_out;
};

PlacedCounts live_counts(const Scenario& s, uint64_t seed) {
  LiveClock clock = LiveClock::manual(3600);  // one wall second: an hour of the scenario
  LiveMocks mocks(s, seed, clock);
  PlacedCounts out{std::vector<uint64_t>(s.channels.size()),
                   std::vector<uint64_t>(s.channels.size())};
  LiveTraffic traffic(mocks, seed, [&](uint32_t channel, const PlaceResult& placed, SimTime) {
    ++(placed.accepted ? out.placed : out.sold_out)[channel];
  });
  clock.advance(std::chrono::seconds(1));  // past the 30 minutes: every event runs at once
  traffic.start();
  for (int i = 0; i < 10'000 && !traffic.finished(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(traffic.finished());
  traffic.stop();
  return out;
}

TEST_CASE("live traffic places the world's orders: same counts and sold-out baskets per channel") {
  const LoadResult load = load_scenario_text(kLiveTrafficYaml, "live-traffic.yaml");
  REQUIRE(load.ok());
  const Scenario& s = *load.scenario;
  for (const uint64_t seed : {3u, 4u}) {
    CAPTURE(seed);
    const WorldResult world = run_world(s, seed);
    const PlacedCounts live = live_counts(s, seed);
    REQUIRE(world.channels.size() == 2);
    for (size_t c = 0; c < 2; ++c) {
      CAPTURE(c);
      CHECK(world.channels[c].orders_placed > 0);
      CHECK(live.placed[c] == world.channels[c].orders_placed);
      CHECK(live.sold_out[c] == world.channels[c].orders_sold_out);
    }
    // The stock runs out: which baskets fail depends on every basket drawn before them.
    CHECK(world.channels[0].orders_sold_out > 0);
  }
}

}  // namespace
}  // namespace syncdrill
