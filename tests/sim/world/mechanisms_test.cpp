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

// The base drill into an OMS that sometimes answers after the connector's 1 s timeout (the
// base's policy `retrying`); the ERP has the default endpoint (4 workers, 50 ms).
std::string slow_oms_scenario(bool idempotency_keys) {
  return fmt::format(R"Y(
extends: base.yaml
name: slow-oms
duration: 2h
catalog: {{skus: 200, stock_per_sku: 1000}}
systems:
  - name: oms
    endpoint: {{workers: 32, queue_max: 5000, service_time: "lognormal(p50=300ms, p95=2s)"}}
  - {{name: erp, endpoint: {{workers: 4, queue_max: 1000, service_time: 50ms}}}}
traffic:
  - {{channel: shop, rate: 120/min}}
policies:
  - {{name: retrying, idempotency_keys: {}}}
connectors:
  - {{name: ingest, policy: retrying}}
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
    "no-backoff retries keep an endpoint overloaded after the spike, jitter and a budget recover") {
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

namespace syncdrill {
namespace {

// Shop's orders come for 90 minutes and half of them come back 2 h after purchase if shipped by
// then (pick and ship take ~1.5 h at the median), so returns arrive from 2 h to ~3h31m. From
// 150m to 180m the returns' events meet `fault`. The run lasts 5 h: a half-hourly
// reconciliation (grace 15 min) has found and repaired every return of the window by 3h30m.
std::string returns_world(const std::string& fault, bool reconciliation, bool slow_oms) {
  // A slow OMS answers some calls after the 1 s timeout: the call is processed, the client
  // retries it, and a repair must not process the return twice.
  const std::string oms_time =
      slow_oms ? "lognormal(p50=300ms, p95=2s)" : "lognormal(p50=50ms, p95=150ms)";
  return fmt::format(R"Y(
extends: base.yaml
name: returns-reconciliation
duration: 5h
catalog: {{skus: 300, stock_per_sku: 100000}}
systems:
  - {{name: oms, endpoint: {{workers: 64, queue_max: 5000, service_time: "{}"}}}}
  - {{name: erp, endpoint: {{workers: 4, service_time: 50ms}}}}
  - {{name: wms, kind: wms}}
traffic:
  - {{channel: shop, rate: 1/s, shape: [{{at: 90m, multiplier: 1}}, {{at: 91m, multiplier: 0}}],
     returns: {{fraction: 50%, delay: 2h}}}}
policies:
  - {{name: p, timeout: 1s, retry: {{max_attempts: 8, backoff: exponential, base: 200ms,
     cap: 5s}}, idempotency_keys: true}}
connectors:
  - {{name: ingest, policy: p, workers: 32}}
  - {{name: returns, flow: returns, from: shop, to: oms, policy: p, workers: 16}}
  - {{name: fulfil, flow: fulfillment, from: oms, to: wms, policy: p, workers: 64}}
{}faults:
  - {}
monitors:
  - {{name: recon-unmatched, kind: reconciliation, above: 0}}
)Y",
                     oms_time,
                     reconciliation ? "  - {name: recon, flow: reconciliation, from: erp, to: oms, "
                                      "policy: p, interval: 30m, repair_rate: 10/s}\n"
                                    : "",
                     fault);
}

TEST_CASE("reconciliation finds returns the returns flow never heard of and syncs each once") {
  const std::string event_drop =
      "{id: drop, kind: event_drop, target: shop/returns/create, at: 150m, for: 30m, "
      "intensity: 50%}";
  const std::string webhook_drop =
      "{id: drop, kind: webhook_drop, target: shop/returns/create, at: 150m, for: 30m, "
      "intensity: 50%, per: event}";
  for (const bool slow_oms : {false, true}) {
    for (const std::string& fault : {event_drop, webhook_drop}) {
      CAPTURE(slow_oms);
      CAPTURE(fault);
      const WorldResult without = run_world(from_text(returns_world(fault, false, slow_oms)), 23);
      const WorldResult with = run_world(from_text(returns_world(fault, true, slow_oms)), 23);
      const ChannelOutcome& w = without.channels[0];
      const ChannelOutcome& r = with.channels[0];
      // The same customers returned the same orders, and the fault withheld the same events.
      REQUIRE(w.returns_requested == r.returns_requested);
      const uint64_t withheld = w.webhook_events_not_emitted + w.webhook_events_lost;
      CHECK(withheld == r.webhook_events_not_emitted + r.webhook_events_lost);
      CHECK(withheld > 100);  // ~2,000 returns, about a third of them in the window, half dropped

      // Without reconciliation nothing brings the withheld returns in.
      CHECK(without.reconciliation.empty());
      CHECK(w.returns_requested - w.returns_synced == withheld);
      CHECK(without.monitors[0].firings.empty());

      // With it, each withheld return is found by one run (its repair finishes long before the
      // next) and synced: at the end the OMS and ERP have processed every return.
      uint64_t found = 0;
      uint64_t repairs = 0;
      for (const ReconciliationRun& run : with.reconciliation) {
        CHECK(run.missing_in_oms + run.duplicated_in_oms + run.revenue_mismatched == 0);
        CHECK(run.unmatched() == run.returns_out_of_sync);
        // Nothing is out of sync before the fault's first events are 15 minutes old.
        if (run.at < SimTime{} + minutes(165)) CHECK(run.returns_out_of_sync == 0);
        found += run.returns_out_of_sync;
        repairs += run.repairs_started;
      }
      CHECK(found == withheld);
      CHECK(repairs == withheld);
      CHECK(r.returns_synced == r.returns_requested);
      CHECK(with.reconciliation.back().returns_out_of_sync == 0);
      const ConnectorOutcome& recon = connector(with, "recon");
      CHECK(recon.stats.jobs_succeeded == withheld);
      if (slow_oms) CHECK(recon.stats.late_responses > 0);  // repairs were retried
      // Every restock the repairs made is accounted for, SKU by SKU.
      CHECK(with.skus_not_conserved == 0);
      CHECK(without.skus_not_conserved == 0);

      // The reconciliation monitor reads what the runs found: it fires from the first run
      // that found returns out of sync until a run finds none.
      REQUIRE(with.monitors[0].firings.size() == 1);
      const Firing& firing = with.monitors[0].firings[0];
      CHECK(firing.start >= SimTime{} + minutes(180));
      CHECK(firing.value > 0);
      REQUIRE(firing.end.has_value());
      CHECK(*firing.end <= SimTime{} + minutes(240));
    }
  }
}

}  // namespace
}  // namespace syncdrill
