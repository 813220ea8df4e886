// Fault rules: the ranges and target rules the loader shares with the live control API
// (core/scenario/fault_rules.hpp), seen from the YAML side.
#include "core/scenario/fault_rules.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {
namespace {

using namespace scenario;

std::string world_with_oms_limit(const std::string& rate_limit) {
  return fmt::format(R"Y(
name: limits
duration: 10m
catalog: {{skus: 5, stock_per_sku: 100000}}
channels:
  - {{name: shop, kind: shopify_like}}
systems:
  - {{name: oms, kind: oms, endpoint: {{rate_limit: {}}}}}
traffic:
  - {{channel: shop, rate: 60/min}}
connectors:
  - {{name: ingest, flow: order_ingest, from: shop, to: oms}}
)Y",
                     rate_limit);
}

TEST_CASE("a huge rate's default burst is the largest bucket, and the run does not abort") {
  // The rate alone: the default burst (a second's worth) used to be 2e12, which the rate
  // limiter refuses with an abort.
  LoadResult r = load_scenario_text(world_with_oms_limit("{rate: 2000000000000/s}"), "t.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.errors.empty() ? "" : format_diagnostic(r.errors.front())));
  const RateLimitSpec& rl = *r.scenario->systems[0].endpoint.rate_limit;
  CHECK(rl.burst == kBucketSizeMax);
  const WorldResult w = run_world(*r.scenario, 1);
  CHECK(w.status == RunStatus::reached_time);
  CHECK(w.channels[0].in_oms_once > 0);
}

TEST_CASE("the default burst is a second's worth rounded up, within the bucket sizes") {
  CHECK(default_bucket_size(0.2) == 1);
  CHECK(default_bucket_size(2.5) == 3);
  CHECK(default_bucket_size(1e9) == 1e9);
  CHECK(default_bucket_size(1e13) == kBucketSizeMax);
  CHECK(valid_bucket_size(1));
  CHECK(valid_bucket_size(1e9));
  CHECK_FALSE(valid_bucket_size(0.5));
  CHECK_FALSE(valid_bucket_size(1e9 + 1));
  CHECK_FALSE(valid_bucket_size(std::numeric_limits<double>::quiet_NaN()));
  CHECK_FALSE(valid_rate(0));
  CHECK_FALSE(valid_rate(std::numeric_limits<double>::infinity()));
  CHECK(valid_rate(1e-6));
}

TEST_CASE("a burst or capacity outside 1..1e9 is a load error naming the key") {
  for (const char* bad : {"{rate: 5/s, burst: 0.5}", "{rate: 5/s, burst: 2e12}",
                          "{kind: leaky_bucket, rate: 5/s, capacity: 1000000001}"}) {
    CAPTURE(bad);
    LoadResult r = load_scenario_text(world_with_oms_limit(bad), "t.yaml");
    REQUIRE_FALSE(r.ok());
    const std::string message = format_diagnostic(r.errors.front());
    CHECK(message.find("expected a number between 1 and 1000000000") != std::string::npos);
  }
}

TEST_CASE("a fault longer than a year is a load error, a year is not") {
  const std::string base = R"Y(
name: t
duration: 1h
channels: [{name: shop, kind: shopify_like}]
systems: [{name: oms, kind: oms}]
faults:
  - {id: f, kind: outage, target: oms, at: 1m, for: )Y";
  CHECK(load_scenario_text(base + "365d}\n", "t.yaml").ok());
  LoadResult r = load_scenario_text(base + "366d}\n", "t.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(format_diagnostic(r.errors.front()) ==
        "t.yaml:7:53: faults[0].for: expected a fault length of at most 365d, got '366d'");
}

TEST_CASE("target_error: unknown names get a did-you-mean, and the kind's rules apply") {
  LoadResult r = load_scenario_text(R"Y(
name: t
duration: 1h
channels: [{name: shop, kind: shopify_like}]
systems: [{name: oms, kind: oms}]
connectors: [{name: ingest, flow: order_ingest, from: shop, to: oms}]
)Y",
                                    "t.yaml");
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(target_error(FaultKind::outage, s, "oms").empty());
  CHECK(target_error(FaultKind::outage, s, "omz") == "unknown target 'omz' (did you mean 'oms'?)");
  CHECK(target_error(FaultKind::webhook_drop, s, "shop/orders/create").empty());
  CHECK(target_error(FaultKind::rate_limit, s, "ingest") ==
        "fault kind rate_limit cannot target ingest (an order_ingest connector); expected a "
        "channel or a system");
  CHECK(target_error(FaultKind::webhook_drop, s, "oms") ==
        cannot_target_message(FaultKind::webhook_drop, s, "oms"));
  CHECK(target_error(FaultKind::outage, s, "nope").find("unknown target 'nope'") == 0);
}

}  // namespace
}  // namespace syncdrill
