// A traffic entry's `load`: planned customers, not a fault. Three times the load on one channel
// brings about three times its orders, leaves the other channel's customers as they were, and
// adds no fault and no incident.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/score/detection.hpp"
#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;

std::string drill(const char* load) {
  return fmt::format(R"(
extends: base.yaml
name: load
duration: 2h
channels:
  - {{name: market, kind: amazon_like}}
connectors:
  - {{name: ingest-market, flow: order_ingest, from: market, to: oms, policy: once, workers: 64}}
traffic:
  - {{channel: shop, rate: 5/s, shape: [{{at: 0h, multiplier: 1}}, {{at: 1h, multiplier: 2}}]}}
  - {{channel: market, rate: 2/s, load: {}}}
)",
                     load);
}

TEST_CASE("3x load on one channel triples its orders and is no incident") {
  const Scenario plain = from_text(drill("1"));
  const Scenario tripled = from_text(drill("3"));
  CHECK(tripled.traffic[1].orders_per_s == doctest::Approx(6));
  CHECK(tripled.faults.empty());
  const WorldResult a = run_world(plain, 7);
  const WorldResult b = run_world(tripled, 7);
  const auto& market_a = a.channels[1];
  const auto& market_b = b.channels[1];
  REQUIRE(market_a.orders_placed > 10'000);  // 2/s over 2h: about 14,400
  const double ratio = static_cast<double>(market_b.orders_placed) / market_a.orders_placed;
  CHECK(ratio == doctest::Approx(3).epsilon(0.03));  // Poisson noise: well under 1%
  // The other channel's customers are its own streams': not one order different.
  CHECK(a.channels[0].orders_placed == b.channels[0].orders_placed);
  const Score score = score_run(tripled, b);
  CHECK(score.incidents.empty());
  CHECK(b.fault_hits.empty());
}

TEST_CASE("load scales the shape with the rate") {
  const Scenario s = from_text(R"(
extends: base.yaml
name: load-shape
traffic:
  - {channel: shop, rate: 1/s, load: 4, shape: [{at: 0m, multiplier: 0.5}]}
)");
  const WorldResult r = run_world(s, 3);
  // 1/s x 4 x 0.5 over 40 minutes: about 4,800 orders.
  CHECK(static_cast<double>(r.channels[0].orders_placed) == doctest::Approx(4800).epsilon(0.05));
}

TEST_CASE("load is validated: finite, above 0, at most 1000, not on a replayed entry") {
  const auto error = [](const char* load) {
    const LoadResult r = load_scenario_text(
        fmt::format("name: t\nduration: 1h\nchannels: [{{name: shop, kind: shopify_like}}]\n"
                    "traffic: [{{channel: shop, rate: 1/s, load: {}}}]\n",
                    load),
        "t.yaml");
    REQUIRE_FALSE(r.ok());
    return format_diagnostic(r.errors[0]);
  };
  CHECK(error("0") ==
        "t.yaml:4:44: traffic[0].load: expected a multiplier above 0 (leave the "
        "entry out for no traffic)");
  CHECK(error("-2").find("traffic[0].load: ") != std::string::npos);
  CHECK(error("1001").find("traffic[0].load: ") != std::string::npos);
  CHECK(error(".inf").find("traffic[0].load: ") != std::string::npos);
  CHECK(error(".nan").find("traffic[0].load: ") != std::string::npos);
  CHECK(error("abc").find("traffic[0].load: ") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
