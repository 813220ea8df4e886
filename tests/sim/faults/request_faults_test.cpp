// Faults on requests and on connectors: timeout (processed or not), rate_limit,
// malformed_payload, a fault on a connector rather than a port, consumer_stall, retry_storm, and
// faults that flap or overlap. Each run is compared with the same scenario and seed without the
// fault: before the onset the two agree exactly (common random numbers), inside the window the
// effect shows on the target, and a flow the fault does not touch keeps its outcome.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>

#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;
using testing::port;

struct Options {
  bool idempotency_keys = true;
  uint32_t ingest_workers = 64;
  std::string budget;            // a policy `budget` mapping, or empty
  std::string extra_connectors;  // YAML list items appended to `connectors`
};

// The base drill with a second channel: two channels at ten orders a second each, each with its
// own ingest connector (the base's policy `retrying`) into one OMS and ERP that never queue (64
// workers, 50-80 ms service); `faults` is a YAML list or empty.
std::string scenario(const std::string& faults, const Options& o = {}) {
  return fmt::format(R"Y(
extends: base.yaml
name: request-faults
duration: 1h
catalog: {{skus: 500, stock_per_sku: 100000}}
channels:
  - {{name: market, kind: amazon_like}}
systems:
  - {{name: oms, endpoint: {{workers: 64, queue_max: 5000, service_time: 50ms}}}}
  - {{name: erp, endpoint: {{workers: 64, queue_max: 5000, service_time: 80ms}}}}
traffic:
  - {{channel: shop, rate: 10/s}}
  - {{channel: market, rate: 10/s}}
policies:
  - name: retrying
    idempotency_keys: {}
{}
connectors:
  - {{name: ingest, policy: retrying, workers: {}, queue_max: 50000}}
  - {{name: market-ingest, flow: order_ingest, from: market, to: oms, policy: retrying,
     workers: 64}}
{}
{}
)Y",
                     o.idempotency_keys ? "true" : "false",
                     o.budget.empty() ? "" : "    budget: " + o.budget, o.ingest_workers,
                     o.extra_connectors, faults);
}

size_t error_index(ErrorClass e) {
  return static_cast<size_t>(e);
}

// Per-minute series agree up to and including `minute`.
void check_same_through(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                        size_t minute) {
  REQUIRE(a.size() > minute);
  REQUIRE(b.size() > minute);
  for (size_t i = 0; i <= minute; ++i)
    CHECK(a[i] == b[i]);
}

// The other channel's ingest: its own jobs all succeed in both runs.
void check_market_untouched(const WorldResult& healthy, const WorldResult& faulty) {
  const ConnectorOutcome& a = connector(healthy, "market-ingest");
  const ConnectorOutcome& b = connector(faulty, "market-ingest");
  CHECK(a.stats.jobs_offered == b.stats.jobs_offered);
  CHECK(a.stats.jobs_succeeded == b.stats.jobs_succeeded);
  CHECK(b.stats.jobs_dead_lettered == 0);
  CHECK(healthy.channels[1].in_oms_once == faulty.channels[1].in_oms_once);
}

TEST_CASE("a processed timeout duplicates orders without keys, an unprocessed one does not") {
  const auto timeout = [](bool processed) {
    return fmt::format(R"(faults:
  - {{id: oms-hang, kind: timeout, target: oms, at: 20m, for: 10m, intensity: 30%,
     processed: {}, cause: third_party}})",
                       processed ? "true" : "false");
  };
  Options no_keys;
  no_keys.idempotency_keys = false;
  const WorldResult healthy = run_world(from_text(scenario("", no_keys)), 3);
  const WorldResult processed = run_world(from_text(scenario(timeout(true), no_keys)), 3);
  const WorldResult lost_on_way = run_world(from_text(scenario(timeout(false), no_keys)), 3);
  for (const WorldResult* r : {&processed, &lost_on_way}) {
    const uint64_t unanswered = port(*r, "oms").admission.unanswered_by_timeout;
    CHECK(unanswered == r->fault_hits[0]);
    // Every timeout in this world is the fault's: the servers answer in 50-80 ms.
    CHECK(connector(*r, "ingest").stats.errors[error_index(ErrorClass::timeout)] +
              connector(*r, "market-ingest").stats.errors[error_index(ErrorClass::timeout)] ==
          unanswered);
    // 30% of ~20 OMS calls/s for 600 s, plus retries: thousands.
    CHECK(unanswered > 3000);
    check_same_through(connector(healthy, "ingest").succeeded_series,
                       connector(*r, "ingest").succeeded_series, 20);
  }
  CHECK(healthy.channels[0].duplicated == 0);
  // The server created the order, the client heard nothing and sent it again.
  CHECK(processed.channels[0].duplicated > 500);
  CHECK(lost_on_way.channels[0].duplicated == 0);
  // Unprocessed requests never reached the OMS: it served fewer requests than it was sent.
  CHECK(port(lost_on_way, "oms").endpoint.completed < port(processed, "oms").endpoint.completed);
  const WorldResult keyed = run_world(from_text(scenario(timeout(true))), 3);
  CHECK(keyed.channels[0].duplicated == 0);
  CHECK(keyed.fault_hits[0] > 3000);
}

TEST_CASE("an ERP timeout doubles revenue entries without keys, keys make the retry a replay") {
  // The revenue post is processed but its answer never heard, so the connector posts again.
  // Reconciliation at 40m (repairs held back by a near-zero rate) counts the orders whose
  // revenue entries are not exactly one.
  const std::string hang = R"(faults:
  - {id: erp-hang, kind: timeout, target: erp, at: 10m, for: 10m, intensity: 20%,
     processed: true})";
  Options o;
  o.extra_connectors =
      "  - {name: recon, flow: reconciliation, from: oms, to: erp, interval: 40m, "
      "repair_rate: 1/h}";
  const WorldResult keyed = run_world(from_text(scenario(hang, o)), 14);
  o.idempotency_keys = false;
  const WorldResult unkeyed = run_world(from_text(scenario(hang, o)), 14);
  REQUIRE(keyed.reconciliation.size() == 1);
  REQUIRE(unkeyed.reconciliation.size() == 1);
  CHECK(keyed.fault_hits[0] > 1000);
  CHECK(keyed.reconciliation[0].revenue_mismatched == 0);
  // ~10 posts/s from each of two channels for 600 s, 20% swallowed: about 2,400.
  CHECK(unkeyed.reconciliation[0].revenue_mismatched > 2000);
}

TEST_CASE("a rate-limit fault answers 429 above its bucket inside its window only") {
  const std::string limit = R"(faults:
  - id: oms-throttle
    kind: rate_limit
    target: oms
    at: 10m
    for: 15m
    rate_limit: {rate: 12/s, burst: 12}
    cause: third_party)";
  const WorldResult healthy = run_world(from_text(scenario("")), 4);
  const WorldResult limited = run_world(from_text(scenario(limit)), 4);
  const uint64_t answered_429 = port(limited, "oms").admission.rate_limited_by_fault;
  CHECK(answered_429 == limited.fault_hits[0]);
  CHECK(port(healthy, "oms").admission.rate_limited_by_fault == 0);
  // ~20 order creations a second against a 12/s bucket: thousands of 429s in 900 s, each
  // retried after its Retry-After, so most jobs still get through.
  CHECK(answered_429 > 2000);
  const uint64_t seen_429 =
      connector(limited, "ingest").stats.errors[error_index(ErrorClass::rate_limited)] +
      connector(limited, "market-ingest").stats.errors[error_index(ErrorClass::rate_limited)];
  CHECK(seen_429 == answered_429);
  check_same_through(connector(healthy, "ingest").succeeded_series,
                     connector(limited, "ingest").succeeded_series, 10);
  // The ERP is not limited: its revenue posts never see a 429 (they follow successful creates).
  CHECK(port(limited, "erp").admission.rate_limited == 0);
  CHECK(port(limited, "erp").admission.rate_limited_by_fault == 0);
}

TEST_CASE("malformed payloads on one connector are dead-lettered at once and touch no other") {
  const std::string malformed = R"(faults:
  - {id: bad-schema, kind: malformed_payload, target: ingest, at: 15m, for: 20m,
     intensity: 20%, cause: data_model})";
  const WorldResult healthy = run_world(from_text(scenario("")), 6);
  const WorldResult broken = run_world(from_text(scenario(malformed)), 6);
  const ConnectorOutcome& ingest = connector(broken, "ingest");
  const uint64_t rejected = ingest.stats.errors[error_index(ErrorClass::rejected)];
  CHECK(rejected == broken.fault_hits[0]);
  // A 4xx is not retried: each rejection ends its job in the dead-letter queue.
  CHECK(ingest.stats.jobs_dead_lettered == rejected);
  CHECK(connector(healthy, "ingest").stats.jobs_dead_lettered == 0);
  // 20% of ~12,000 creates in 1200 s, plus 20% of the ~9,600 revenue posts that follow the
  // accepted creates: about 4,320, binomial SE about 59. The band is +-4 SE.
  CHECK(rejected > 4080);
  CHECK(rejected < 4560);
  // The fault is on the connector, not on the OMS or ERP: the ports count nothing, and the
  // other channel's connector, calling the same OMS, is untouched.
  CHECK(port(broken, "oms").admission.rejected_as_malformed == 0);
  check_market_untouched(healthy, broken);
  check_same_through(connector(healthy, "ingest").dead_lettered_series, ingest.dead_lettered_series,
                     15);
  CHECK(broken.channels[0].lost > 0);
}

TEST_CASE("an error burst on a port reaches every connector that calls it") {
  const std::string on_port = R"(faults:
  - {id: oms-5xx, kind: error_burst, target: oms, at: 15m, for: 10m, intensity: 20%})";
  const WorldResult broken = run_world(from_text(scenario(on_port)), 6);
  CHECK(connector(broken, "ingest").stats.errors[error_index(ErrorClass::server_error)] > 0);
  CHECK(connector(broken, "market-ingest").stats.errors[error_index(ErrorClass::server_error)] > 0);
  CHECK(port(broken, "oms").admission.failed_by_error_burst == broken.fault_hits[0]);
}

TEST_CASE("a full consumer stall backs the queue up inside its window and it drains after") {
  const std::string stall = R"(faults:
  - {id: consumer-stuck, kind: consumer_stall, target: ingest, at: 20m, for: 10m,
     cause: release})";
  const WorldResult healthy = run_world(from_text(scenario("")), 8);
  const WorldResult stalled = run_world(from_text(scenario(stall)), 8);
  const ConnectorOutcome& ingest = connector(stalled, "ingest");
  // Jobs in flight at the onset finish within a second; after that nothing succeeds until the
  // stall ends (minute k counts jobs ended in (k-1, k] minutes).
  for (size_t minute = 22; minute <= 30; ++minute)
    CHECK(ingest.succeeded_series[minute] == 0);
  // The queue holds the window's orders: ~10/s x 600 s, Poisson SE ~25.
  const uint32_t depth_at_end = ingest.queue_depth_series[30];
  CHECK(depth_at_end > 5700);
  CHECK(depth_at_end < 6300);
  CHECK(stalled.fault_hits[0] >= depth_at_end);
  CHECK(stalled.fault_hits[0] < depth_at_end + 100);
  // Drained soon after: 64 workers at ~130 ms per job clear 6,000 jobs in about 13 s.
  CHECK(ingest.queue_depth_series[32] == 0);
  CHECK(stalled.channels[0].lost == 0);
  CHECK(ingest.stats.jobs_succeeded == connector(healthy, "ingest").stats.jobs_succeeded);
  check_same_through(connector(healthy, "ingest").succeeded_series, ingest.succeeded_series, 20);
  check_market_untouched(healthy, stalled);
}

TEST_CASE("a partial stall stops its share of workers, rounded up") {
  // 4 workers; a 30% stall stops ceil(1.2) = 2 of them. At 10 orders/s and ~130 ms a job two
  // workers are 65% busy and keep up; one worker would not (130% load).
  const std::string stall = R"(faults:
  - {id: half-stuck, kind: consumer_stall, target: ingest, at: 10m, for: 20m, intensity: 30%})";
  Options few;
  few.ingest_workers = 4;
  const WorldResult stalled = run_world(from_text(scenario(stall, few)), 2);
  const ConnectorOutcome& ingest = connector(stalled, "ingest");
  uint32_t max_depth_in_window = 0;
  for (size_t minute = 11; minute <= 30; ++minute)
    max_depth_in_window = std::max(max_depth_in_window, ingest.queue_depth_series[minute]);
  CHECK(max_depth_in_window < 200);
  CHECK(ingest.stats.jobs_dead_lettered == 0);
  few.ingest_workers = 4;
  const std::string harder = R"(faults:
  - {id: mostly-stuck, kind: consumer_stall, target: ingest, at: 10m, for: 20m, intensity: 75%})";
  const WorldResult starved = run_world(from_text(scenario(harder, few)), 2);
  // One worker left: the backlog grows by ~3 jobs a second, ~3,600 over the window.
  CHECK(connector(starved, "ingest").queue_depth_series[30] > 2000);
}

TEST_CASE("a retry storm multiplies attempts during an error burst and ends with its window") {
  const std::string burst =
      R"(  - {id: oms-5xx, kind: error_burst, target: oms, at: 10m, for: 30m, intensity: 50%})";
  const std::string storm = burst + R"(
  - {id: bad-release, kind: retry_storm, target: ingest, at: 15m, for: 10m, max_attempts: 12,
     cause: release})";
  Options budgeted;
  budgeted.budget = "{kind: token_bucket, max_tokens: 20, token_ratio: 0.1}";
  const WorldResult calm = run_world(from_text(scenario("faults:\n" + burst, budgeted)), 5);
  const WorldResult stormy = run_world(from_text(scenario("faults:\n" + storm, budgeted)), 5);
  const ConnectorOutcome& a = connector(calm, "ingest");
  const ConnectorOutcome& b = connector(stormy, "ingest");
  // The policy's budget caps retries at about a tenth of requests; the storm drops it, so every
  // failure is retried at once, up to 12 attempts.
  CHECK(b.stats.retries > a.stats.retries * 2);
  CHECK(b.stats.retries_denied_by_budget < a.stats.retries_denied_by_budget);
  CHECK(stormy.fault_hits[1] > 0);
  // Attempts during the storm: at least one per job offered in it (~6,000).
  CHECK(stormy.fault_hits[1] > 6000);
  // Fewer jobs lost to the burst while the storm retries harder; the OMS pays with load.
  CHECK(b.stats.jobs_dead_lettered < a.stats.jobs_dead_lettered);
  CHECK(port(stormy, "oms").admission.failed_by_error_burst >
        port(calm, "oms").admission.failed_by_error_burst);
  check_same_through(a.succeeded_series, b.succeeded_series, 15);
  check_same_through(a.dead_lettered_series, b.dead_lettered_series, 15);
  // The market connector keeps its own policy: the storm targets `ingest` only, so the budget
  // still denies most of its retries in the same burst.
  const ConnectorStats& market = connector(stormy, "market-ingest").stats;
  CHECK(market.retries_denied_by_budget > 1000);
  CHECK(market.retries < 100);
}

TEST_CASE("a flapping outage stops ingest in its on phases and lets it through in its off ones") {
  const std::string flapping = R"(faults:
  - {id: oms-flaps, kind: outage, target: oms, at: 20m, for: 16m, flap: {on: 2m, off: 2m}})";
  const WorldResult flapped = run_world(from_text(scenario(flapping)), 9);
  const auto& ok = connector(flapped, "ingest").succeeded_series;
  // On phases: [20,22), [24,26), [28,30), [32,34). Minute 22 counts (21, 22]: inside; minute 24
  // counts (23, 24]: off, jobs flow. Backoff (up to 5 s) may carry a retry a few seconds into
  // an on phase from before it, so check the minutes wholly inside.
  for (size_t minute : {22u, 26u, 30u, 34u})
    CHECK(ok[minute] == 0);
  for (size_t minute : {24u, 28u, 32u, 36u})
    CHECK(ok[minute] > 300);
  CHECK(flapped.fault_hits[0] == port(flapped, "oms").admission.refused_by_outage);
}

TEST_CASE("overlapping faults on one port compose: both act and both count") {
  const std::string both = R"(faults:
  - {id: oms-5xx, kind: error_burst, target: oms, at: 10m, for: 20m, intensity: 20%}
  - {id: oms-slow, kind: latency, target: oms, at: 20m, for: 20m, intensity: 100%,
     latency: 300ms})";
  const WorldResult r = run_world(from_text(scenario(both)), 11);
  const PortStats& s = port(r, "oms").admission;
  CHECK(s.failed_by_error_burst == r.fault_hits[0]);
  CHECK(s.delayed_by_latency == r.fault_hits[1]);
  CHECK(r.fault_hits[0] > 1000);
  // Every answer in the latency window is delayed: ~20 OMS calls/s for 1200 s.
  CHECK(r.fault_hits[1] > 20000);
  // During the overlap a 5xx answers at admission (no latency): only admitted calls are delayed.
  const ConnectorOutcome& ingest = connector(r, "ingest");
  CHECK(ingest.stats.job_latency_us.max() >= 300'000);
}

TEST_CASE("a fault on a list of targets acts on each of them") {
  const std::string two = R"(faults:
  - {id: both-5xx, kind: error_burst, target: [ingest, market-ingest], at: 10m, for: 10m,
     intensity: 25%})";
  const WorldResult r = run_world(from_text(scenario(two)), 12);
  const uint64_t a = connector(r, "ingest").stats.errors[error_index(ErrorClass::server_error)];
  const uint64_t b =
      connector(r, "market-ingest").stats.errors[error_index(ErrorClass::server_error)];
  CHECK(a > 500);
  CHECK(b > 500);
  CHECK(a + b == r.fault_hits[0]);
  CHECK(port(r, "oms").admission.failed_by_error_burst == 0);
}

}  // namespace
}  // namespace syncdrill
