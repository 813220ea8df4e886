// What the loader admits, the world runs to the end: the edges of the admitted ranges (the
// smallest SKU fraction and price change, the largest price) on short runs, and the event limit a
// run gets by default (core/scenario/estimate.hpp), which stops a runaway cleanly.
#include <algorithm>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/estimate.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;

// One channel, an OMS and an ERP; `erp` adds keys to the ERP's mapping (flow style, inside it).
std::string scenario(const std::string& erp, const std::string& extra = "",
                     const std::string& catalog = "{skus: 50}") {
  return "name: t\n"
         "duration: 2m\n"
         "catalog: " +
         catalog +
         "\n"
         "channels: [{name: shop, kind: shopify_like}]\n"
         "systems:\n"
         "  - {name: oms, kind: oms}\n"
         "  - {name: erp, kind: erp" +
         erp +
         "}\n"
         "traffic: [{channel: shop, rate: 5/s}]\n"
         "connectors:\n"
         "  - {name: in, flow: order_ingest, from: shop, to: oms}\n"
         "  - {name: prices, flow: price_sync, from: erp, to: shop}\n" +
         extra;
}

TEST_CASE("the smallest SKU fraction and price change the loader admits run to the end") {
  // 0% aborted the run; the smallest positive fraction touches one SKU a round.
  const WorldResult r =
      run_world(from_text(scenario(", restocks: {interval: 1s, units: 7, sku_fraction: 0.0001%}, "
                                   "price_changes: {interval: 1s, sku_fraction: 0.0001%, "
                                   "change_max: 0.0001%}")),
                1);
  REQUIRE(r.status == RunStatus::reached_time);
  CHECK(r.units_restocked == 120 * 7);  // a round a second for 2 minutes, one SKU each
  CHECK(r.price_changes == 120);
}

TEST_CASE("the largest prices the loader admits give a stale-price amount that never wraps") {
  // Every price at 1,000,000,000.00, all repriced by up to 100% every second while the price
  // feed is stale: sales at stale prices add up large amounts each second.
  const std::string stale =
      "faults: [{id: stale, kind: stale_feed, target: prices, at: 0s, for: 2m}]\n";
  const WorldResult r =
      run_world(from_text(scenario(", price_changes: {interval: 1s, sku_fraction: 100%, "
                                   "change_max: 100%}",
                                   stale,
                                   "{skus: 50, price_min: 1000000000.00, "
                                   "price_max: 1000000000.00}")),
                2);
  REQUIRE(r.status == RunStatus::reached_time);
  REQUIRE(r.channels[0].price_mismatches > 0);
  CHECK(r.channels[0].price_mismatch_minor > 0);
  const std::vector<int64_t>& series = r.damage.stale_price_minor;
  CHECK(std::is_sorted(series.begin(), series.end()));
  CHECK(series.back() == r.channels[0].price_mismatch_minor);
}

TEST_CASE("a run's default event limit leaves room for its work and grows with its traffic") {
  const Scenario slow = from_text(scenario(""));
  std::string busier_text = scenario("");
  busier_text.replace(busier_text.find("rate: 5/s"), 9, "rate: 50/s");
  const Scenario busy = from_text(busier_text);
  const uint64_t slow_max = run_limits(slow).events_max;
  CHECK(slow_max == run_events_max(slow));
  CHECK(slow_max < Engine::Limits{}.events_max);  // not the engine's 2^40
  CHECK(run_events_max(busy) > slow_max);
  // Ten times the orders: the limit grows by the allowance for the extra 5,400 orders.
  CHECK(run_events_max(busy) - slow_max ==
        doctest::Approx(kEventsPerOrder * (expected_orders(busy) - expected_orders(slow))));
  const WorldResult r = run_world(busy, 3);  // the default: run_limits(busy)
  REQUIRE(r.status == RunStatus::reached_time);
  CHECK(r.events_processed * 10 < run_events_max(busy));
}

TEST_CASE("a run that reaches the limit it was given stops there and names it") {
  Engine::Limits limits = run_limits(from_text(scenario("")));
  limits.events_max = 1'000;
  const WorldResult r = run_world(from_text(scenario("")), 3, limits);
  CHECK(r.status == RunStatus::event_limit);
  CHECK(r.events_processed == 1'000);
  CHECK(r.limit_message.starts_with("the run reached its limit of 1000 events at t="));
}

}  // namespace
}  // namespace syncdrill

namespace syncdrill {
namespace {

// A million attempts a call, retried at once against an OMS that refuses at once: no simulated
// time passes between attempts, so only the run's default event limit stops it, and the run
// says so; memory stays flat (a worker holds one attempt of its job at a time).
TEST_CASE("a million instant retries per call run into the default event limit, named") {
  const std::string text =
      scenario("",
               "policies: [{name: hammer, retry: {max_attempts: 1000000, backoff: none}}]\n"
               "faults: [{id: down, kind: outage, target: oms, at: 0s, for: 2m}]\n");
  std::string hammered = text;
  const std::string ingest = "{name: in, flow: order_ingest, from: shop, to: oms}";
  hammered.replace(hammered.find(ingest), ingest.size(),
                   "{name: in, flow: order_ingest, from: shop, to: oms, policy: hammer}");
  const Scenario s = from_text(hammered);
  const WorldResult r = run_world(s, 1);
  CHECK(r.status == RunStatus::event_limit);
  CHECK(r.events_processed == run_events_max(s));
  CHECK(r.limit_message.starts_with(
      fmt::format("the run reached its limit of {} events at t=", run_events_max(s))));
}

}  // namespace
}  // namespace syncdrill
