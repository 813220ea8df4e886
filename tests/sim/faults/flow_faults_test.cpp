// Faults that act on a flow rather than on a port: the webhook kinds (webhook_drop,
// webhook_duplicate, webhook_delay, event_drop), stale_feed, mapping_regression and
// peak_traffic. Each is checked against a run of the same scenario and seed without it: the
// effect shows on its target inside its window, and flows it does not touch come out exactly
// the same (common random numbers: every fault draws from its own stream, so the other
// components' draws do not move).
//
// The worlds use constant service times and far more workers than the load needs, so no
// request ever waits in a queue: a flow's timings then depend only on its own work, and "the
// same in both runs" can be asserted exactly. Where the fault's draws matter (its intensity),
// the tolerance is reasoned from the binomial or Poisson standard error at the counts involved.
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/world/telemetry.hpp"
#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

// ---- helpers ------------------------------------------------------------------------------------

// Values recorded at or above `us` (whole buckets from the one holding `us`): callers pick a
// threshold far from every value that should not count.
uint64_t count_at_least(const LatencyHistogram& h, Duration d) {
  uint64_t n = 0;
  for (size_t i = LatencyHistogram::bucket_index(d.us); i < LatencyHistogram::kBucketCount; ++i)
    n += h.bucket_count_at(i);
  return n;
}

void check_same_histogram(const LatencyHistogram& a, const LatencyHistogram& b) {
  CHECK(a.count() == b.count());
  CHECK(a.min() == b.min());
  CHECK(a.max() == b.max());
  CHECK(a.sum() == b.sum());
}

// Per-minute series agree at every index in [from, to] (to clamped to the series).
void check_same_series(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t from,
                       size_t to) {
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() > from);
  for (size_t i = from; i <= to && i < a.size(); ++i) {
    INFO("minute " << i);
    CHECK(a[i] == b[i]);
  }
}

// Sum of a per-minute series over indices [from, to]: index k counts (k-1, k] minutes.
uint64_t sum_series(const std::vector<uint32_t>& s, size_t from, size_t to) {
  uint64_t n = 0;
  for (size_t i = from; i <= to && i < s.size(); ++i)
    n += s[i];
  return n;
}

void check_same_stats(const ConnectorStats& a, const ConnectorStats& b) {
  CHECK(a.jobs_offered == b.jobs_offered);
  CHECK(a.jobs_succeeded == b.jobs_succeeded);
  CHECK(a.jobs_dead_lettered == b.jobs_dead_lettered);
  CHECK(a.attempts == b.attempts);
  CHECK(a.retries == b.retries);
  check_same_histogram(a.job_latency_us, b.job_latency_us);
}

// Counts webhook deliveries by what they came to.
class DeliveryCounter final : public TelemetrySink {
 public:
  void record(const TelemetryRecord& r) override {
    if (r.kind == TelemetryKind::webhook && r.delivery == DeliveryResult::deduped) ++deduped;
  }
  uint64_t deduped = 0;
};

// ---- order ingest worlds ------------------------------------------------------------------------

// The base drill at ten orders a second from `shop` into a fast OMS and ERP for 40 minutes,
// its ingest retrying with backoff (the base's policy `retrying`). The channel's sender retries
// quickly (1 s doubling to a 10 s cap, 15 retries), so a dropped attempt costs seconds, and an
// event needs 16 drops in a row to be given up. `faults`: a YAML list or empty.
struct IngestOptions {
  bool keys = true;
  bool dedupe = false;
  std::string poll;  // a backup poll interval; empty = none
};

std::string ingest_world(const std::string& faults, const IngestOptions& o = {}) {
  const std::string poll = o.poll.empty() ? "" : fmt::format(", poll_interval: {}", o.poll);
  return fmt::format(R"Y(
extends: base.yaml
name: ingest-faults
duration: 40m
catalog: {{skus: 500, stock_per_sku: 100000}}
channels:
  - {{name: shop, webhooks: {{retries: 15, backoff: exponential, base: 1s, cap: 10s}}}}
systems:
  - {{name: oms, endpoint: {{workers: 32, queue_max: 5000, service_time: 50ms}}}}
  - {{name: erp, endpoint: {{workers: 32, queue_max: 5000, service_time: 80ms}}}}
traffic:
  - {{channel: shop, rate: 10/s}}
policies:
  - {{name: retrying, idempotency_keys: {}, webhook_dedupe: {}}}
connectors:
  - {{name: ingest, policy: retrying{}}}
{}
)Y",
                     o.keys ? "true" : "false", o.dedupe ? "true" : "false", poll, faults);
}

const ConnectorOutcome& ingest(const WorldResult& r) {
  return connector(r, "ingest");
}

// Orders whose ingest job ended in minutes (from-1, to]: in a world without faults every order
// has exactly one job, ending ~0.2 s after it was placed, so this is the orders placed in the
// window to within the few that straddle its edges.
uint64_t orders_in_window(const WorldResult& healthy, size_t from_minute, size_t to_minute) {
  return sum_series(ingest(healthy).succeeded_series, from_minute + 1, to_minute);
}

TEST_CASE("webhook_drop per attempt: the sender retries, no order is lost, ingest is later") {
  // 30% of delivery attempts on shop/orders/create are lost between 10m and 20m.
  const std::string drop = R"(faults:
  - {id: drop, kind: webhook_drop, target: shop/orders/create, at: 10m, for: 10m,
     intensity: 30%})";
  const WorldResult healthy = run_world(from_text(ingest_world("")), 11);
  const WorldResult faulty = run_world(from_text(ingest_world(drop)), 11);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& d = faulty.channels[0];
  REQUIRE(h.orders_placed == d.orders_placed);
  CHECK(h.webhook_deliveries_dropped == 0);
  CHECK(d.webhook_deliveries_dropped > 0);
  REQUIRE(faulty.fault_hits.size() == 1);
  CHECK(faulty.fault_hits[0] == d.webhook_deliveries_dropped);
  // The receiver never refuses here (its queue never fills): every failed attempt the sender
  // saw is a drop.
  CHECK(d.webhook_deliveries_failed == d.webhook_deliveries_dropped);
  CHECK(h.webhook_deliveries_failed == 0);
  // 16 attempts all dropped has probability 0.3^16 ~ 4e-9 per event: nothing is given up.
  CHECK(d.webhook_events_lost == 0);
  CHECK(d.lost == 0);
  CHECK(h.lost == 0);
  CHECK(d.in_oms_once == h.in_oms_once);
  CHECK(d.in_flight == h.in_flight);
  // The attempts in the window are the ~6000 first deliveries plus one retry per drop (the
  // retries of the last seconds fall after the window, a few dozen at most). The fraction
  // dropped is 30% with a binomial standard error of 0.5% at ~8500 attempts: +-3% is 6 SE.
  const auto first = static_cast<double>(orders_in_window(healthy, 10, 20));
  const auto dropped = static_cast<double>(d.webhook_deliveries_dropped);
  const double fraction = dropped / (first + dropped);
  INFO("dropped " << dropped << " of about " << first + dropped << " attempts");
  CHECK(fraction > 0.27);
  CHECK(fraction < 0.33);
  // A dropped first attempt is redelivered 1 s later: healthy ingest takes ~0.1 s, so the
  // maximum crosses 1 s only with the fault. About 30% of the window's orders (7.5% of all) are
  // held back at least 1 s: the p99 lies among them.
  CHECK(h.ingest_delay_us.max() < seconds(1).us);
  CHECK(d.ingest_delay_us.max() >= seconds(1).us);
  CHECK(h.ingest_delay_us.quantile(0.99) < seconds(1).us);
  CHECK(d.ingest_delay_us.quantile(0.99) >= seconds(1).us);
  // Outside the window the runs agree: before it exactly; after it once the last retries
  // (at most 10 s past 20m) are in.
  check_same_series(ingest(healthy).succeeded_series, ingest(faulty).succeeded_series, 0, 10);
  check_same_series(ingest(healthy).succeeded_series, ingest(faulty).succeeded_series, 22, 40);
}

TEST_CASE("webhook_drop per event: each dropped event is an order lost unless a poll finds it") {
  const std::string drop = R"(faults:
  - {id: drop, kind: webhook_drop, target: shop/orders/create, at: 10m, for: 10m,
     intensity: 30%, per: event})";
  const WorldResult healthy = run_world(from_text(ingest_world("")), 12);
  const WorldResult faulty = run_world(from_text(ingest_world(drop)), 12);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& d = faulty.channels[0];
  REQUIRE(h.orders_placed == d.orders_placed);
  // Per event a drop is the event's end: one drop per event lost, no retry.
  CHECK(d.webhook_events_lost > 0);
  CHECK(d.webhook_events_lost == d.webhook_deliveries_dropped);
  CHECK(faulty.fault_hits[0] == d.webhook_events_lost);
  // The order's only way in was that webhook (no backup poll, no reconciliation): the sender
  // gave up (kWebhookGivenUp), no job holds the order, so the ground truth calls it lost. Each
  // lost event is exactly one lost order, taken from the orders that were in the OMS once.
  CHECK(h.lost == 0);
  CHECK(d.lost == d.webhook_events_lost);
  CHECK(h.in_oms_once - d.in_oms_once == d.lost);
  CHECK(d.in_flight == h.in_flight);
  // ~6000 events in the window, 30% dropped: binomial SE 0.6%, +-3% is 5 SE.
  const auto first = static_cast<double>(orders_in_window(healthy, 10, 20));
  const double fraction = static_cast<double>(d.webhook_events_lost) / first;
  INFO("lost " << d.webhook_events_lost << " of about " << first << " events");
  CHECK(fraction > 0.27);
  CHECK(fraction < 0.33);

  // With a backup poll each lost event's order is polled in a minute or so: nothing is lost,
  // and the poll brings exactly the orders whose events were dropped (without the fault it
  // finds nothing: every order is in the OMS long before the poll's one-minute lag).
  IngestOptions polled;
  polled.poll = "1m";
  const WorldResult healthy_polled = run_world(from_text(ingest_world("", polled)), 12);
  const WorldResult faulty_polled = run_world(from_text(ingest_world(drop, polled)), 12);
  const ChannelOutcome& hp = healthy_polled.channels[0];
  const ChannelOutcome& dp = faulty_polled.channels[0];
  CHECK(hp.orders_polled == 0);
  CHECK(dp.webhook_events_lost == d.webhook_events_lost);  // the fault's own stream
  CHECK(dp.orders_polled == dp.webhook_events_lost);
  CHECK(dp.lost == 0);
  CHECK(dp.in_oms_once == hp.in_oms_once);
}

TEST_CASE("webhook_duplicate: dedupe or idempotency keys absorb the copies, neither duplicates") {
  // Every delivery taken between 10m and 20m is sent again 1 s later (same event id). The run
  // goes on 20 minutes after, so every copy has been handled by the end.
  const std::string dup = R"(faults:
  - {id: dup, kind: webhook_duplicate, target: shop/orders/create, at: 10m, for: 10m,
     intensity: 100%})";
  IngestOptions dedupe;
  dedupe.keys = false;
  dedupe.dedupe = true;
  IngestOptions bare;
  bare.keys = false;
  IngestOptions keyed;  // keys on, dedupe off

  const WorldResult healthy = run_world(from_text(ingest_world("", keyed)), 13);
  const uint64_t window = orders_in_window(healthy, 10, 20);

  DeliveryCounter counter;
  const WorldResult deduped = run_world(from_text(ingest_world(dup, dedupe)), 13, {}, &counter);
  const ChannelOutcome& dd = deduped.channels[0];
  CHECK(dd.webhook_deliveries_duplicated > 0);
  CHECK(deduped.fault_hits[0] == dd.webhook_deliveries_duplicated);
  // At 100% every delivery in the window is copied: the orders of the window, to within the
  // few whose job straddles a minute boundary.
  CHECK(dd.webhook_deliveries_duplicated + 20 >= window);
  CHECK(dd.webhook_deliveries_duplicated <= window + 20);
  // The dedupe window (1,000,000 ids) holds every event of the run: each copy is caught.
  CHECK(counter.deduped == dd.webhook_deliveries_duplicated);
  CHECK(dd.duplicated == 0);
  CHECK(dd.duplicate_oms_orders == 0);
  CHECK(dd.lost == 0);

  // Neither dedupe nor keys: each copy creates a second OMS order for its channel order.
  const WorldResult doubled = run_world(from_text(ingest_world(dup, bare)), 13);
  const ChannelOutcome& db = doubled.channels[0];
  CHECK(db.webhook_deliveries_duplicated > 0);
  CHECK(db.duplicated == db.webhook_deliveries_duplicated);
  CHECK(db.duplicate_oms_orders == db.webhook_deliveries_duplicated);
  CHECK(db.orders_placed == db.in_oms_once + db.duplicated + db.lost + db.oversold + db.in_flight);

  // Keys without dedupe: the copy reaches the OMS, which answers with the first order.
  const WorldResult replayed = run_world(from_text(ingest_world(dup, keyed)), 13);
  const ChannelOutcome& dk = replayed.channels[0];
  CHECK(dk.webhook_deliveries_duplicated > 0);
  CHECK(dk.duplicated == 0);
  CHECK(dk.duplicate_oms_orders == 0);
  CHECK(dk.in_oms_once == healthy.channels[0].in_oms_once);
  // ...each copy is one more ingest job, and it succeeds (a replayed create).
  CHECK(ingest(replayed).stats.jobs_offered - ingest(healthy).stats.jobs_offered ==
        dk.webhook_deliveries_duplicated);
  CHECK(ingest(replayed).stats.jobs_succeeded - ingest(healthy).stats.jobs_succeeded ==
        dk.webhook_deliveries_duplicated);
  CHECK(healthy.channels[0].webhook_deliveries_duplicated == 0);
}

TEST_CASE("webhook_delay: held-back deliveries arrive by the delay later and none is lost") {
  // Half the deliveries between 10m and 20m are held back exactly 2 minutes.
  const std::string delay = R"(faults:
  - {id: slow-hooks, kind: webhook_delay, target: shop/orders/create, at: 10m, for: 10m,
     intensity: 50%, delay: 2m})";
  const WorldResult healthy = run_world(from_text(ingest_world("")), 14);
  const WorldResult faulty = run_world(from_text(ingest_world(delay)), 14);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& d = faulty.channels[0];
  REQUIRE(h.orders_placed == d.orders_placed);
  CHECK(h.webhook_deliveries_delayed == 0);
  CHECK(d.webhook_deliveries_delayed > 0);
  CHECK(faulty.fault_hits[0] == d.webhook_deliveries_delayed);
  CHECK(d.lost == 0);
  CHECK(d.in_oms_once == h.in_oms_once);
  // A delayed order takes 2 min + the usual ~0.1 s; every other order ~0.1 s. So the maximum
  // is the delay plus well under a second, and the orders at or above 2 minutes are exactly
  // the delayed deliveries.
  CHECK(h.ingest_delay_us.max() < seconds(1).us);
  CHECK(d.ingest_delay_us.max() >= minutes(2).us);
  CHECK(d.ingest_delay_us.max() < (minutes(2) + seconds(1)).us);
  CHECK(count_at_least(d.ingest_delay_us, minutes(2)) == d.webhook_deliveries_delayed);
  CHECK(count_at_least(h.ingest_delay_us, seconds(1)) == 0);
  // 50% of ~6000 deliveries: binomial SE 0.65%, +-4% is 6 SE.
  const auto window = static_cast<double>(orders_in_window(healthy, 10, 20));
  const double fraction = static_cast<double>(d.webhook_deliveries_delayed) / window;
  INFO("delayed " << d.webhook_deliveries_delayed << " of about " << window);
  CHECK(fraction > 0.46);
  CHECK(fraction < 0.54);
  // Outside the window: the same before it, and again once the last held-back delivery (from
  // just before 20m) has arrived at 22m.
  check_same_series(ingest(healthy).succeeded_series, ingest(faulty).succeeded_series, 0, 10);
  check_same_series(ingest(healthy).succeeded_series, ingest(faulty).succeeded_series, 24, 40);
}

TEST_CASE("two webhook faults overlapping on one topic both act, on the same deliveries too") {
  // A 1-minute delay on half the deliveries from 10m to 30m, and 30% of attempts dropped from
  // 20m to 30m. In the overlap a delivery can be held back and then dropped: the sender's
  // retry (1 s later) makes its order take more than 61 s, which neither fault alone does
  // (delay alone: 60 s + ~0.1 s; drop alone: seconds).
  const std::string both = R"(faults:
  - {id: slow-hooks, kind: webhook_delay, target: shop/orders/create, at: 10m, for: 20m,
     intensity: 50%, delay: 1m}
  - {id: drop, kind: webhook_drop, target: shop/orders/create, at: 20m, for: 10m,
     intensity: 30%})";
  const WorldResult healthy = run_world(from_text(ingest_world("")), 15);
  const WorldResult faulty = run_world(from_text(ingest_world(both)), 15);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& d = faulty.channels[0];
  REQUIRE(faulty.fault_hits.size() == 2);
  CHECK(d.webhook_deliveries_delayed > 0);
  CHECK(d.webhook_deliveries_dropped > 0);
  CHECK(faulty.fault_hits[0] == d.webhook_deliveries_delayed);
  CHECK(faulty.fault_hits[1] == d.webhook_deliveries_dropped);
  CHECK(d.ingest_delay_us.max() > seconds(61).us);
  CHECK(d.lost == 0);
  CHECK(d.in_oms_once == h.in_oms_once);
  // Before the first onset the runs agree; after 30m once the last delayed or retried
  // deliveries are in (a retry just before 30m may be held back once more, to ~31m10s).
  check_same_series(ingest(healthy).succeeded_series, ingest(faulty).succeeded_series, 0, 10);
  check_same_series(ingest(healthy).succeeded_series, ingest(faulty).succeeded_series, 33, 40);
}

TEST_CASE("a webhook fault with a list of channels acts on each and leaves the rest alone") {
  // Three channels at 5 orders/s each; the fault names two of them.
  auto world = [](const std::string& faults) {
    return fmt::format(R"Y(
name: three-channels
duration: 30m
catalog: {{skus: 500, stock_per_sku: 100000}}
channels:
  - {{name: shop, kind: shopify_like}}
  - {{name: other, kind: shopify_like}}
  - {{name: third, kind: amazon_like}}
systems:
  - {{name: oms, kind: oms, endpoint: {{workers: 32, queue_max: 5000, service_time: 50ms}}}}
  - {{name: erp, kind: erp, endpoint: {{workers: 32, queue_max: 5000, service_time: 80ms}}}}
traffic:
  - {{channel: shop, rate: 5/s}}
  - {{channel: other, rate: 5/s}}
  - {{channel: third, rate: 5/s}}
policies:
  - {{name: p, timeout: 1s, idempotency_keys: true}}
connectors:
  - {{name: ingest-shop, flow: order_ingest, from: shop, to: oms, policy: p, workers: 32}}
  - {{name: ingest-other, flow: order_ingest, from: other, to: oms, policy: p, workers: 32}}
  - {{name: ingest-third, flow: order_ingest, from: third, to: oms, policy: p, workers: 32}}
{}
)Y",
                       faults);
  };
  const std::string drop = R"(faults:
  - {id: drop, kind: webhook_drop, target: [shop, other], at: 10m, for: 10m, intensity: 20%,
     per: event})";
  const WorldResult healthy = run_world(from_text(world("")), 16);
  const WorldResult faulty = run_world(from_text(world(drop)), 16);
  uint64_t lost = 0;
  for (size_t c = 0; c < 2; ++c) {
    const ChannelOutcome& d = faulty.channels[c];
    INFO("channel " << d.channel);
    CHECK(d.webhook_events_lost > 0);
    CHECK(d.lost == d.webhook_events_lost);
    CHECK(healthy.channels[c].lost == 0);
    lost += d.lost;
  }
  CHECK(faulty.fault_hits[0] == lost);
  // The untargeted channel is untouched, to the microsecond.
  const ChannelOutcome& h3 = healthy.channels[2];
  const ChannelOutcome& d3 = faulty.channels[2];
  CHECK(d3.orders_placed == h3.orders_placed);
  CHECK(d3.webhook_deliveries_dropped == 0);
  CHECK(d3.lost == 0);
  CHECK(d3.in_oms_once == h3.in_oms_once);
  CHECK(h3.ingest_delay_us.count() > 1000);
  check_same_histogram(h3.ingest_delay_us, d3.ingest_delay_us);
  check_same_stats(connector(healthy, "ingest-third").stats,
                   connector(faulty, "ingest-third").stats);
}

// ---- fulfillment and returns --------------------------------------------------------------------

// Orders shipped through OMS -> WMS -> carrier (pick ~20 min, ship ~1 h later, lognormal), the
// shipped state carried back to the channel. One order a second per channel.
// `extra_channel`: a second channel `other` with its own ingest; `returns`: half of shop's
// orders come back 2 h after they were placed (only those shipped by then), through a returns
// connector.
std::string fulfillment_world(const std::string& duration, const std::string& faults,
                              bool extra_channel, bool returns) {
  const std::string endpoint = "{workers: 32, queue_max: 5000, service_time: 50ms}";
  std::string channels =
      fmt::format("  - {{name: shop, kind: shopify_like, endpoint: {}}}\n", endpoint);
  std::string traffic =
      returns ? "  - {channel: shop, rate: 1/s, returns: {fraction: 50%, delay: 2h}}\n"
              : "  - {channel: shop, rate: 1/s}\n";
  std::string connectors =
      "  - {name: ingest-shop, flow: order_ingest, from: shop, to: oms, policy: p, workers: 32}\n"
      "  - {name: fulfil, flow: fulfillment, from: oms, to: wms, policy: p, workers: 64}\n";
  if (extra_channel) {
    channels += fmt::format("  - {{name: other, kind: shopify_like, endpoint: {}}}\n", endpoint);
    traffic += "  - {channel: other, rate: 1/s}\n";
    connectors +=
        "  - {name: ingest-other, flow: order_ingest, from: other, to: oms, policy: p, "
        "workers: 32}\n";
  }
  if (returns) {
    connectors +=
        "  - {name: returns-shop, flow: returns, from: shop, to: oms, policy: p, workers: 32}\n";
  }
  return fmt::format(R"Y(
name: fulfillment-faults
duration: {}
catalog: {{skus: 500, stock_per_sku: 100000}}
channels:
{}systems:
  - {{name: oms, kind: oms, endpoint: {}}}
  - {{name: erp, kind: erp, endpoint: {}}}
  - {{name: wms, kind: wms, endpoint: {}}}
traffic:
{}policies:
  - {{name: p, timeout: 1s, retry: {{max_attempts: 3}}, idempotency_keys: true}}
connectors:
{}{}
)Y",
                     duration, channels, endpoint, endpoint, endpoint, traffic, connectors, faults);
}

TEST_CASE("mapping_regression on the fulfillment connector: shipped updates fail in its window") {
  // A release removes the `shipped` entry from 90m to 120m, when shipments are in full swing.
  const std::string regress = R"(faults:
  - {id: regress, kind: mapping_regression, target: fulfil, at: 90m, for: 30m,
     remove: [shipped], cause: release})";
  const WorldResult healthy = run_world(from_text(fulfillment_world("150m", "", false, false)), 17);
  const WorldResult faulty =
      run_world(from_text(fulfillment_world("150m", regress, false, false)), 17);
  CHECK(healthy.unmapped_states == 0);
  CHECK(faulty.unmapped_states > 0);
  // Each shipment shipped in the window meets the removed entry once: the update is a
  // non-retryable rejection (one attempt), so hits and unmapped shipments are the same count.
  CHECK(faulty.fault_hits[0] == faulty.unmapped_states);
  // Pick plus ship take ~1.5 h at the median with a long tail, so by 90m shipments leave at
  // about half the order rate (1/s): about a thousand in the window. 300 is far below any
  // plausible draw of that count.
  CHECK(faulty.unmapped_states > 300);
  const ConnectorOutcome& hf = connector(healthy, "fulfil");
  const ConnectorOutcome& df = connector(faulty, "fulfil");
  // Each failed update is a dead-lettered job and one status update the channel never got.
  CHECK(hf.stats.jobs_dead_lettered == 0);
  CHECK(df.stats.jobs_dead_lettered == faulty.unmapped_states);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& d = faulty.channels[0];
  CHECK(h.status_sync_delay_us.count() - d.status_sync_delay_us.count() == faulty.unmapped_states);
  // Dead letters fall only inside the window (minutes 91..120 count (90, 120]); before it the
  // runs agree exactly, and after it (once the last update of 119:59 is done) again.
  for (size_t m = 0; m < df.dead_lettered_series.size(); ++m) {
    if (m <= 90 || m > 121) CHECK(df.dead_lettered_series[m] == 0);
  }
  check_same_series(hf.succeeded_series, df.succeeded_series, 0, 90);
  check_same_series(hf.succeeded_series, df.succeeded_series, 122, 150);
  // Order ingest does not pass through the mapping.
  check_same_histogram(h.ingest_delay_us, d.ingest_delay_us);
  CHECK(h.in_oms_once == d.in_oms_once);
}

TEST_CASE("mapping_regression on one channel leaves the other channel's status updates alone") {
  // The release renames shop's `shipped` to a spelling shop does not know; `other` shares the
  // fulfillment connector and the warehouse.
  const std::string regress = R"(faults:
  - {id: regress, kind: mapping_regression, target: shop, at: 90m, for: 30m,
     rename: {shipped: DISPATCHED}, cause: release})";
  const WorldResult healthy = run_world(from_text(fulfillment_world("150m", "", true, false)), 18);
  const WorldResult faulty =
      run_world(from_text(fulfillment_world("150m", regress, true, false)), 18);
  CHECK(healthy.unmapped_states == 0);
  CHECK(faulty.unmapped_states > 0);
  CHECK(faulty.fault_hits[0] == faulty.unmapped_states);
  const ChannelOutcome& hs = healthy.channels[0];
  const ChannelOutcome& ds = faulty.channels[0];
  CHECK(hs.status_sync_delay_us.count() - ds.status_sync_delay_us.count() ==
        faulty.unmapped_states);
  // `other`: every status update as in the healthy run, at the same times.
  const ChannelOutcome& ho = healthy.channels[1];
  const ChannelOutcome& dother = faulty.channels[1];
  REQUIRE(ho.channel == "other");
  CHECK(ho.status_sync_delay_us.count() > 1000);
  check_same_histogram(ho.status_sync_delay_us, dother.status_sync_delay_us);
}

TEST_CASE("event_drop on returns/create: returns go unsynced, order ingest is untouched") {
  // Half of shop's orders are returned 2 h after purchase if shipped by then; from 150m to
  // 210m half of the return events are never emitted. The run lasts 4 h.
  const std::string drop = R"(faults:
  - {id: partial-returns, kind: event_drop, target: shop/returns/create, at: 150m, for: 60m,
     intensity: 50%, cause: data_model})";
  const WorldResult healthy = run_world(from_text(fulfillment_world("4h", "", false, true)), 19);
  const WorldResult faulty = run_world(from_text(fulfillment_world("4h", drop, false, true)), 19);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& d = faulty.channels[0];
  // A return is requested (and counted) when the order has shipped, before the fault decides
  // whether the event goes out: shipping is the same in both runs, so are the requests.
  CHECK(h.returns_requested > 0);
  CHECK(d.returns_requested == h.returns_requested);
  CHECK(h.webhook_events_not_emitted == 0);
  CHECK(d.webhook_events_not_emitted > 0);
  CHECK(faulty.fault_hits[0] == d.webhook_events_not_emitted);
  // Every emitted return is synced ~0.1 s later in both runs (no failures, and the window ends
  // 30 min before the run); an event never emitted is never synced. So the healthy run syncs
  // exactly the dropped ones more.
  CHECK(h.returns_synced - d.returns_synced == d.webhook_events_not_emitted);
  CHECK(connector(healthy, "returns-shop").stats.jobs_offered -
            connector(faulty, "returns-shop").stats.jobs_offered ==
        d.webhook_events_not_emitted);
  // Half of the returns of the window: the returns jobs the healthy run finished in minutes
  // (150, 210] (about 1100; binomial SE 1.5%, so +-6% is 4 SE).
  const auto window = static_cast<double>(
      sum_series(connector(healthy, "returns-shop").succeeded_series, 151, 210));
  REQUIRE(window > 500);
  const double fraction = static_cast<double>(d.webhook_events_not_emitted) / window;
  INFO("not emitted " << d.webhook_events_not_emitted << " of about " << window);
  CHECK(fraction > 0.44);
  CHECK(fraction < 0.56);
  // Order ingest and shipping do not see returns at all.
  CHECK(d.orders_placed == h.orders_placed);
  CHECK(d.in_oms_once == h.in_oms_once);
  check_same_histogram(h.ingest_delay_us, d.ingest_delay_us);
  check_same_series(connector(healthy, "ingest-shop").succeeded_series,
                    connector(faulty, "ingest-shop").succeeded_series, 0, 240);
  check_same_histogram(h.status_sync_delay_us, d.status_sync_delay_us);
  CHECK(healthy.skus_not_conserved == 0);
  CHECK(faulty.skus_not_conserved == 0);
}

// ---- stale feed ---------------------------------------------------------------------------------

// The base drill at ten orders a second for an hour; the ERP reprices 5% of the 500 SKUs every
// 7 minutes (7m, 14m, 21m, ...). Stock and price sync each send one batched call per change-feed
// read (every second) to a channel with ample workers, so the two flows never wait on each other.
std::string feed_world(const std::string& faults) {
  return fmt::format(R"Y(
extends: base.yaml
name: feed-faults
duration: 1h
catalog: {{skus: 500, stock_per_sku: 100000}}
channels:
  - {{name: shop, endpoint: {{workers: 32, queue_max: 5000, service_time: 50ms}}}}
systems:
  - {{name: oms, endpoint: {{workers: 32, queue_max: 5000, service_time: 50ms}}}}
  - name: erp
    endpoint: {{workers: 32, queue_max: 5000, service_time: 80ms}}
    price_changes: {{interval: 7m, sku_fraction: 5%, change_max: 10%}}
traffic:
  - {{channel: shop, rate: 10/s}}
policies:
  - {{name: p, timeout: 1s, idempotency_keys: true}}
connectors:
  - {{name: ingest, policy: p}}
  - {{name: stock, flow: stock_sync, from: erp, to: shop, policy: p, workers: 8, batch_max: 1000}}
  - {{name: price, flow: price_sync, from: erp, to: shop, policy: p, workers: 8, batch_max: 1000}}
{}
)Y",
                     faults);
}

TEST_CASE("stale_feed on the price connector: prices go stale in its window, stock sync doesn't") {
  // The price feed withholds every change from 20m to 40m: the repricings of 21m, 28m and 35m.
  auto stale = [](bool catch_up) {
    return fmt::format(R"(faults:
  - {{id: stale, kind: stale_feed, target: price, at: 20m, for: 20m, catch_up: {}}})",
                       catch_up ? "true" : "false");
  };
  const WorldResult healthy = run_world(from_text(feed_world("")), 21);
  const WorldResult caught_up = run_world(from_text(feed_world(stale(true))), 21);
  const WorldResult left_stale = run_world(from_text(feed_world(stale(false))), 21);
  const ChannelOutcome& h = healthy.channels[0];
  const ChannelOutcome& c = caught_up.channels[0];
  const ChannelOutcome& l = left_stale.channels[0];
  REQUIRE(healthy.price_changes > 0);
  REQUIRE(caught_up.price_changes == healthy.price_changes);
  // Three rounds of 25 SKUs withheld (a change noticed in the window is withheld at 100%).
  CHECK(caught_up.fault_hits[0] == 75);
  CHECK(left_stale.fault_hits[0] == 75);
  // Healthy: a repriced SKU is stale on the channel for about a second. With the fault, for up
  // to 19 min (caught up at 40m) or until the SKU's next repricing (none, mostly).
  CHECK(c.price_mismatches > h.price_mismatches);
  CHECK(l.price_mismatches > c.price_mismatches);
  CHECK(h.price_sync_delay_us.max() < seconds(5).us);
  // The 21m repricing waits for the catch-up at 40m: 19 minutes (the feed reads each second and
  // the call takes 50 ms, so within a few seconds of it).
  CHECK(c.price_sync_delay_us.max() >= (minutes(19) - seconds(2)).us);
  CHECK(c.price_sync_delay_us.max() <= (minutes(19) + seconds(5)).us);
  // Without catch-up the withheld SKUs are sent only if repriced again: fewer updates arrive.
  CHECK(l.price_sync_delay_us.count() < c.price_sync_delay_us.count());
  CHECK(c.price_sync_delay_us.count() <= h.price_sync_delay_us.count());
  // Stock sync shares the ERP's change feed and the channel but not the price feed: identical.
  for (const WorldResult* r : {&caught_up, &left_stale}) {
    check_same_histogram(h.stock_sync_delay_us, r->channels[0].stock_sync_delay_us);
    check_same_stats(connector(healthy, "stock").stats, connector(*r, "stock").stats);
    CHECK(r->channels[0].orders_placed == h.orders_placed);
    CHECK(r->channels[0].orders_sold_out == h.orders_sold_out);
  }
  CHECK(h.stock_sync_delay_us.count() > 1000);
}

// ---- peak traffic -------------------------------------------------------------------------------

// shop at 10 orders/s and other at 5/s for an hour, each with its own ingest.
std::string peak_world(const std::string& faults) {
  return fmt::format(R"Y(
name: peak-faults
duration: 1h
catalog: {{skus: 500, stock_per_sku: 1000000}}
channels:
  - {{name: shop, kind: shopify_like}}
  - {{name: other, kind: amazon_like}}
systems:
  - {{name: oms, kind: oms, endpoint: {{workers: 64, queue_max: 5000, service_time: 50ms}}}}
  - {{name: erp, kind: erp, endpoint: {{workers: 64, queue_max: 5000, service_time: 80ms}}}}
traffic:
  - {{channel: shop, rate: 10/s}}
  - {{channel: other, rate: 5/s}}
policies:
  - {{name: p, timeout: 1s, idempotency_keys: true}}
connectors:
  - {{name: ingest-shop, flow: order_ingest, from: shop, to: oms, policy: p, workers: 64}}
  - {{name: ingest-other, flow: order_ingest, from: other, to: oms, policy: p, workers: 64}}
{}
)Y",
                     faults);
}

TEST_CASE("peak_traffic triples a channel's orders in its window, and only while it is on") {
  const std::string peak = R"(faults:
  - {id: peak, kind: peak_traffic, target: shop, at: 20m, for: 20m, multiplier: 3})";
  const std::string flapping = R"(faults:
  - {id: peak-flap, kind: peak_traffic, target: shop, at: 20m, for: 20m, multiplier: 3,
     flap: {on: 1m, off: 1m}})";
  const WorldResult healthy = run_world(from_text(peak_world("")), 22);
  const WorldResult peaked = run_world(from_text(peak_world(peak)), 22);
  const WorldResult flapped = run_world(from_text(peak_world(flapping)), 22);
  const uint64_t hits = peaked.fault_hits[0];
  const uint64_t flap_hits = flapped.fault_hits[0];
  // The extra customers are a second source: every extra order is a hit, and the channel's own
  // customers are the same.
  CHECK(peaked.channels[0].orders_placed - healthy.channels[0].orders_placed == hits);
  CHECK(flapped.channels[0].orders_placed - healthy.channels[0].orders_placed == flap_hits);
  CHECK(peaked.channels[0].orders_sold_out == 0);
  // Base orders in the window: ~12,000 (Poisson SD 110); extra: ~24,000 (SD 155). The ratio's
  // relative SD is sqrt(1/12000 + 1/24000) = 1.1%, so 2 +- 0.1 is over 4 SD.
  const auto base_in_window =
      static_cast<double>(sum_series(connector(healthy, "ingest-shop").succeeded_series, 21, 40));
  const double ratio = static_cast<double>(hits) / base_in_window;
  INFO("extra " << hits << " on a base of about " << base_in_window);
  CHECK(ratio > 1.9);
  CHECK(ratio < 2.1);
  // Flapping 1 min on, 1 min off: half the window on, so about half the hits (relative SD of
  // the ratio ~1.1% again: 0.5 +- 0.04 is over 7 SD).
  const double half = static_cast<double>(flap_hits) / static_cast<double>(hits);
  INFO("flapping: " << flap_hits);
  CHECK(half > 0.46);
  CHECK(half < 0.54);
  // Minute by minute: an on minute has ~3x the healthy orders (1200 extra, SD 35); an off
  // minute the healthy orders, but for the few extra ones placed in its first ~0.2 s (ingest
  // ends ~0.2 s after the order: index k counts jobs that ended in (k-1, k] minutes).
  const auto& hs = connector(healthy, "ingest-shop").succeeded_series;
  const auto& fs = connector(flapped, "ingest-shop").succeeded_series;
  for (size_t m = 21; m <= 40; ++m) {
    INFO("minute " << m);
    const double r = static_cast<double>(fs[m]) / static_cast<double>(hs[m]);
    if (m % 2 == 1) {  // (20, 21], (22, 23], ...: on phases
      CHECK(r > 2.6);
      CHECK(r < 3.4);
    } else {
      CHECK(fs[m] >= hs[m]);
      CHECK(fs[m] <= hs[m] + 20);
    }
  }
  check_same_series(hs, connector(peaked, "ingest-shop").succeeded_series, 0, 20);
  check_same_series(hs, connector(peaked, "ingest-shop").succeeded_series, 42, 60);
  // The other channel: its own streams and an OMS that never queues, so the same orders ingested
  // at the same times.
  for (const WorldResult* r : {&peaked, &flapped}) {
    CHECK(r->channels[1].orders_placed == healthy.channels[1].orders_placed);
    check_same_histogram(healthy.channels[1].ingest_delay_us, r->channels[1].ingest_delay_us);
    check_same_stats(connector(healthy, "ingest-other").stats, connector(*r, "ingest-other").stats);
  }
}

}  // namespace
}  // namespace syncdrill
