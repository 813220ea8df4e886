// The traffic plan (sim/world/traffic/plan.hpp): its sources and their stream names, and a world
// whose placed orders are exactly the plan's arrivals. The live drill reads the same plan
// (tests/app/live_traffic_test.cpp checks it places the world's orders).
#include "sim/world/traffic/plan.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "mocks/fault_window.hpp"
#include "sim/world/traffic/peak.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {
namespace {

// Two channels; "shop" has two traffic entries, "outlet" one; a peak fault names shop twice.
constexpr const char* kPlanYaml = R"Y(
name: plan
duration: 30m
catalog: {skus: 40, stock_per_sku: 1000000}
channels:
  - {name: shop, kind: shopify_like}
  - {name: outlet, kind: amazon_like}
traffic:
  - {channel: shop, rate: 2/s}
  - {channel: outlet, rate: 1/s, shape: [{at: 0m, multiplier: 1}, {at: 20m, multiplier: 3}]}
  - {channel: shop, rate: 30/min, basket_lines: {min: 1, max: 5}}
faults:
  - {id: rush, kind: peak_traffic, target: [shop, shop], at: 5m, for: 10m, multiplier: 2}
)Y";

Scenario plan_scenario() {
  const LoadResult load = load_scenario_text(kPlanYaml, "plan.yaml");
  REQUIRE(load.ok());
  return *load.scenario;
}

TEST_CASE("traffic plan: entries in order, then each peak's entries, with the streams' names") {
  const Scenario s = plan_scenario();
  const std::vector<TrafficSourcePlan> plan = traffic_plan(s);
  std::vector<std::string> entries;
  for (const TrafficSourcePlan& p : plan)
    entries.push_back(p.entry);
  // A repeated target adds its entries once.
  CHECK(entries ==
        std::vector<std::string>{"shop", "outlet", "shop#2", "peak/rush/shop", "peak/rush/shop#2"});
  REQUIRE(plan.size() == 5);
  CHECK(plan[0].spec == &s.traffic[0]);
  CHECK(plan[1].channel == 1);
  CHECK(plan[2].spec == &s.traffic[2]);
  CHECK(plan[2].channel == 0);
  CHECK_FALSE(plan[2].peak_fault);
  CHECK(plan[4].peak_fault == size_t{0});
  CHECK(plan[4].spec == &s.traffic[2]);
}

TEST_CASE("traffic plan: a source draws its arrivals from traffic/<entry> at the entry's rate") {
  const Scenario s = plan_scenario();
  const std::vector<TrafficSourcePlan> plan = traffic_plan(s);
  const SimTime horizon = SimTime{} + s.duration;
  Customers outlet(s, plan[1], nullptr, 7);
  // The entry's rate and shape, as the model reads them.
  CHECK(outlet.arrivals->rate_per_s_at(0) == doctest::Approx(1));
  CHECK(outlet.arrivals->rate_per_s_at(25 * 60e6) == doctest::Approx(3));
  ArrivalProcess by_hand(s.traffic[1], horizon);
  RandomStream rng(7, "traffic/outlet");
  for (int i = 0; i < 50; ++i)
    CHECK(outlet.next_arrival(horizon) == by_hand.next(rng));
  Customers peak(s, plan[4], &s.faults[0], 7);
  ArrivalProcess peak_by_hand = peak_arrivals(s.traffic[2], s.faults[0], horizon);
  RandomStream peak_rng(7, "traffic/peak/rush/shop#2");
  for (int i = 0; i < 20; ++i)
    CHECK(peak.next_arrival(horizon) == peak_by_hand.next(peak_rng));
}

// Counts each channel's customers over the plan (a peak's only while it is on), each drawing
// its basket from the source's stream between arrivals, as a customer who orders does.
std::vector<uint64_t> planned_orders(const Scenario& s, uint64_t seed) {
  std::vector<uint64_t> per_channel(s.channels.size(), 0);
  const SimTime horizon = SimTime{} + s.duration;
  for (const TrafficSourcePlan& p : traffic_plan(s)) {
    const FaultSpec* peak = p.peak_fault ? &s.faults[*p.peak_fault] : nullptr;
    Customers c(s, p, peak, seed);
    std::vector<BasketLine> basket(c.baskets->lines_max());
    for (SimTime t = c.next_arrival(horizon); t != kArrivalsEnd; t = c.next_arrival(horizon)) {
      if (peak != nullptr && !fault_active(*peak, t)) continue;
      c.baskets->sample(c.rng, basket);
      ++per_channel[p.channel];
    }
  }
  return per_channel;
}

TEST_CASE("traffic plan: the world places exactly the plan's orders, peaks included") {
  const Scenario s = plan_scenario();
  const std::vector<uint64_t> planned = planned_orders(s, 11);
  const WorldResult r = run_world(s, 11);
  REQUIRE(r.channels.size() == 2);
  CHECK(planned[0] > 0);
  CHECK(planned[1] > 0);
  CHECK(r.channels[0].orders_sold_out == 0);
  CHECK(r.channels[0].orders_placed == planned[0]);
  CHECK(r.channels[1].orders_placed == planned[1]);
  // Another seed, other customers: the count is not a constant of the scenario.
  CHECK(planned_orders(s, 12) != planned);
}

}  // namespace
}  // namespace syncdrill
