// The failure patterns are mechanisms, not scripted outcomes: each test runs one scenario twice
// on the same seed (the same customers), changing one setting, and checks the effect appears
// for the reason DESIGN.md gives.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

// One channel into an OMS that sometimes answers after the connector's 1 s timeout.
std::string slow_oms_scenario(bool idempotency_keys) {
  return fmt::format(R"Y(
name: slow-oms
duration: 2h
catalog: {{skus: 200, stock_per_sku: 1000}}
channels:
  - name: shop
    kind: shopify_like
systems:
  - name: oms
    kind: oms
    endpoint: {{workers: 32, queue_max: 5000, service_time: "lognormal(p50=300ms, p95=2s)"}}
  - name: erp
    kind: erp
traffic:
  - {{channel: shop, rate: 120/min}}
policies:
  - name: p
    timeout: 1s
    retry: {{max_attempts: 4, backoff: exponential, base: 200ms, cap: 5s}}
    idempotency_keys: {}
connectors:
  - {{name: ingest, flow: order_ingest, from: shop, to: oms, policy: p, workers: 64}}
)Y",
                     idempotency_keys ? "true" : "false");
}

TEST_CASE("OMS timeouts create duplicate orders without idempotency keys and none with them") {
  const WorldResult without = run_world(from_text(slow_oms_scenario(false)), 11);
  const WorldResult with = run_world(from_text(slow_oms_scenario(true)), 11);
  // The same customers placed the same orders in both runs.
  REQUIRE(without.channels[0].orders_placed == with.channels[0].orders_placed);
  CHECK(connector(without, "ingest").stats.late_responses > 100);
  CHECK(without.channels[0].duplicated > 100);
  CHECK(without.channels[0].duplicate_oms_orders >= without.channels[0].duplicated);
  CHECK(with.channels[0].duplicated == 0);
  CHECK(connector(with, "ingest").stats.late_responses > 100);  // the timeouts still happened
  for (const WorldResult* r : {&without, &with}) {
    const ChannelOutcome& c = r->channels[0];
    CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
    CHECK(r->skus_not_conserved == 0);
  }
}

// Two channels share thin stock; each lists what the ERP had at its last stock sync.
std::string thin_stock_scenario(const std::string& sync_interval) {
  return fmt::format(R"Y(
name: thin-stock
duration: 8h
catalog: {{skus: 100, stock_per_sku: 12}}
channels:
  - {{name: dtc, kind: shopify_like}}
  - {{name: market, kind: amazon_like}}
systems:
  - {{name: oms, kind: oms}}
  - name: erp
    kind: erp
    restocks: {{interval: 30m, units: 10, sku_fraction: 50%}}
traffic:
  - {{channel: dtc, rate: 20/min, sku_skew: 0.8}}
  - {{channel: market, rate: 20/min, sku_skew: 0.8}}
policies:
  - {{name: p, idempotency_keys: true}}
connectors:
  - {{name: ingest-dtc, flow: order_ingest, from: dtc, to: oms, policy: p}}
  - {{name: ingest-market, flow: order_ingest, from: market, to: oms, policy: p}}
  - {{name: stock-dtc, flow: stock_sync, from: erp, to: dtc, policy: p, poll_interval: {0}}}
  - {{name: stock-market, flow: stock_sync, from: erp, to: market, policy: p, poll_interval: {0}}}
)Y",
                     sync_interval);
}

TEST_CASE("a longer stock-sync delay gives more oversells") {
  uint64_t previous = 0;
  for (const char* interval : {"1m", "10m", "60m"}) {
    const WorldResult r = run_world(from_text(thin_stock_scenario(interval)), 5);
    uint64_t oversold = 0;
    for (const ChannelOutcome& c : r.channels) {
      oversold += c.oversold;
      CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
    }
    CHECK(r.skus_not_conserved == 0);
    INFO("stock sync every " << interval << ": " << oversold << " oversells");
    CHECK(oversold > previous);
    previous = oversold;
  }
}

// An OMS with room for 40 orders/s takes 28/s, then a 10-minute spike of 2.5x. Each order's
// create times out at 1 s; the server still works on abandoned requests.
std::string storm_scenario(const std::string& policy) {
  return fmt::format(R"Y(
name: retry-storm
duration: 3h
catalog: {{skus: 500, stock_per_sku: 100000}}
channels:
  - name: shop
    kind: shopify_like
    webhooks: {{retries: 3, base: 1m, cap: 10m}}
systems:
  - name: oms
    kind: oms
    endpoint: {{workers: 8, queue_max: 20000, service_time: "exponential(mean=200ms)"}}
traffic:
  - channel: shop
    rate: 28/s
    shape:
      - {{at: 0m, multiplier: 1}}
      - {{at: 60m, multiplier: 1}}
      - {{at: 61m, multiplier: 2.5}}
      - {{at: 70m, multiplier: 2.5}}
      - {{at: 71m, multiplier: 1}}
policies:
  - {}
connectors:
  - {{name: ingest, flow: order_ingest, from: shop, to: oms, policy: p, workers: 400,
      queue_max: 100000}}
)Y",
                     policy);
}

TEST_CASE(
    "no-backoff retries keep an endpoint overloaded after the spike; jitter and a budget recover") {
  const std::string storm =
      "{name: p, timeout: 1s, idempotency_keys: true, retry: {max_attempts: 20, backoff: none}}";
  const std::string careful =
      "{name: p, timeout: 1s, idempotency_keys: true,"
      " retry: {max_attempts: 20, backoff: full_jitter, base: 500ms, cap: 30s},"
      " budget: {kind: token_bucket, max_tokens: 100, token_ratio: 0.1}}";
  const WorldResult bad = run_world(from_text(storm_scenario(storm)), 3);
  const WorldResult good = run_world(from_text(storm_scenario(careful)), 3);
  // The spike ends at 71 min. In the last hour of the run the storm still fails orders: the
  // OMS queue is full of requests whose clients gave up, so retries are refused or answered
  // late. The careful policy has drained the queue and fails none.
  const auto last_hour = [](const std::vector<uint32_t>& per_minute) {
    uint64_t sum = 0;
    for (size_t i = per_minute.size() - 60; i < per_minute.size(); ++i)
      sum += per_minute[i];
    return sum;
  };
  const uint64_t bad_failed = last_hour(connector(bad, "ingest").dead_lettered_series);
  const uint64_t good_failed = last_hour(connector(good, "ingest").dead_lettered_series);
  const uint64_t good_ok = last_hour(connector(good, "ingest").succeeded_series);
  INFO("dead letters in the last hour: no backoff " << bad_failed << ", jitter + budget "
                                                    << good_failed);
  CHECK(bad_failed > 10000);
  CHECK(good_failed == 0);
  CHECK(good_ok > 28 * 3600 * 9 / 10);  // the careful policy carries the whole load again
  const PortOutcome& bad_oms = bad.ports.back();
  const PortOutcome& good_oms = good.ports.back();
  CHECK(bad_oms.endpoint.utilization > good_oms.endpoint.utilization);
  // Work amplification: attempts per job.
  const auto amplification = [](const ConnectorOutcome& c) {
    return static_cast<double>(c.stats.attempts) / static_cast<double>(c.stats.jobs_offered);
  };
  CHECK(amplification(connector(bad, "ingest")) > 2 * amplification(connector(good, "ingest")));
}

}  // namespace
}  // namespace syncdrill

namespace syncdrill {
namespace {

TEST_CASE("reconciliation cancels duplicate OMS orders it finds before they ship") {
  // The slow OMS without idempotency keys makes duplicates; with no fulfillment connector they
  // stay allocated, so the hourly reconciliation can cancel every one and release its stock.
  std::string yaml = slow_oms_scenario(false);
  yaml +=
      "  - {name: recon, flow: reconciliation, from: erp, to: oms, interval: 30m, "
      "repair_rate: 50/s}\n";
  const WorldResult r = run_world(from_text(yaml), 11);
  REQUIRE(r.reconciliation.size() == 4);
  CHECK(r.channels[0].duplicate_oms_orders > 100);
  CHECK(r.reconciliation.front().duplicated_in_oms > 0);
  // Extra copies created after the last run's scan are still there; the rest were cancelled.
  CHECK(r.duplicates_cancelled > r.channels[0].duplicate_oms_orders / 2);
  CHECK(r.duplicates_cancelled <= r.channels[0].duplicate_oms_orders);
  CHECK(r.skus_not_conserved == 0);
}

}  // namespace
}  // namespace syncdrill
