// A runbook's replay of a stock sync's dead letters: the replayed calls push again the SKUs they
// were dead-lettered with (read fresh from the ERP when sent), and each call keeps a batch of
// its own (a batch index is never shared by two calls, nor freed twice).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

// 20 SKUs the ERP restocks every 10 minutes (all of them); a stock sync with one attempt a call
// pushes each change to the shop, `batch_max` SKUs a call. The shop is down from 9m to 12m, so
// the 10m restock's calls are all dead-lettered; a monitor on the dead-letter queue pages and
// the runbook replays the queue `replay_delay` after the acknowledgement (1 minute after the
// page). `channel_endpoint`: the shop's endpoint, as YAML; `workers`: the connector's.
std::string drill(const std::string& duration, uint32_t batch_max, const std::string& replay_delay,
                  const std::string& channel_endpoint = "{workers: 64, service_time: 20ms}",
                  uint32_t dead_letter_max = 100000, uint32_t workers = 20) {
  return fmt::format(R"Y(
name: sync-replay
duration: {}
catalog: {{skus: 20, stock_per_sku: 100}}
channels:
  - {{name: shop, kind: shopify_like, endpoint: {}}}
systems:
  - name: erp
    kind: erp
    restocks: {{interval: 10m, units: 5, sku_fraction: 100%}}
policies:
  - {{name: once, timeout: 5s, retry: {{max_attempts: 1}}}}
connectors:
  - {{name: stock, flow: stock_sync, from: erp, to: shop, policy: once, workers: {},
     batch_max: {}, dead_letter_max: {}}}
faults:
  - {{id: shop-down, kind: outage, target: shop, at: 9m, for: 3m}}
monitors:
  - {{name: stock-dead-letters, kind: threshold, signal: dead_letters, target: stock, above: 0,
     window: 1m}}
response:
  ack_delay: 1m
  runbook:
    - {{action: replay_dead_letter, target: stock, on: stock-dead-letters, delay: {}}}
)Y",
                     duration, channel_endpoint, workers, batch_max, dead_letter_max, replay_delay);
}

uint64_t replayed(const WorldResult& r) {
  uint64_t n = 0;
  for (const ResponseEvent& e : r.response) {
    if (e.kind == ResponseEvent::Kind::action) n += e.effect;
  }
  return n;
}

TEST_CASE("a replayed stock sync dead letter pushes again the SKUs it was dead-lettered with") {
  for (const uint32_t batch_max : {1u, 3u, 20u}) {
    CAPTURE(batch_max);
    // One restock (10m), dead-lettered whole; the replay runs after the outage, before 19m.
    const WorldResult r = run_world(from_text(drill("19m", batch_max, "4m")), 1);
    const ConnectorOutcome& stock = connector(r, "stock");
    const uint64_t calls = (20 + batch_max - 1) / batch_max;
    CHECK(stock.stats.jobs_dead_lettered == calls);
    REQUIRE(replayed(r) == calls);
    // Every SKU's listing caught up with the restock, once, through the replay.
    CHECK(r.channels[0].stock_sync_delay_us.count() == 20);
    CHECK(stock.stats.jobs_succeeded == calls);
    CHECK(stock.dead_letter_size == 0);
  }
}

uint64_t replay_at_us(const WorldResult& r) {
  for (const ResponseEvent& e : r.response) {
    if (e.kind == ResponseEvent::Kind::action) return static_cast<uint64_t>(e.at.us);
  }
  return 0;
}

// The replay lands while the 20m restock's calls wait for a slow shop (3 s a call) and a
// connector with one worker, in the batches the dead letters had before: the replayed calls must
// not take those. Each call has a batch to itself (the flow checks it at every step and aborts
// otherwise), and every call ends once.
TEST_CASE("a stock sync replay while new calls wait shares no batch with them") {
  for (const uint32_t batch_max : {1u, 4u}) {
    CAPTURE(batch_max);
    const WorldResult r = run_world(
        from_text(drill("29m", batch_max, "8m40s", "{workers: 1, service_time: 3s}", 100000, 1)),
        3);
    const ConnectorOutcome& stock = connector(r, "stock");
    const uint64_t calls = (20 + batch_max - 1) / batch_max;
    // The replay came after the 20m restock's calls were offered and before the last ended.
    const uint64_t at_us = replay_at_us(r);
    CHECK(at_us > static_cast<uint64_t>((minutes(20)).us));
    CHECK(at_us < static_cast<uint64_t>((minutes(20) + seconds(3) * calls).us));
    REQUIRE(replayed(r) == calls);
    CHECK(stock.stats.jobs_dead_lettered == calls);
    CHECK(stock.stats.jobs_offered == 3 * calls);  // the 10m and 20m restocks and the replay
    CHECK(stock.stats.jobs_succeeded == 2 * calls);
    CHECK(stock.dead_letter_size == 0);
    // Both restocks reached every listing: the 10m one through the 20m calls or the replay,
    // each SKU's delay recorded once (from its first unsent change).
    CHECK(r.channels[0].stock_sync_delay_us.count() == 20);
  }
}

// A dead-letter queue of 2: the other dead letters are lost (counted), their batches go back to
// the pool, and the replay pushes the two it kept.
TEST_CASE("a stock sync dead letter the full queue loses gives its batch back") {
  const WorldResult r =
      run_world(from_text(drill("29m", 1, "4m", "{workers: 64, service_time: 20ms}", 2)), 1);
  const ConnectorOutcome& stock = connector(r, "stock");
  CHECK(stock.stats.jobs_dead_lettered == 20);
  CHECK(stock.stats.dead_letter_overflow == 18);
  REQUIRE(replayed(r) == 2);
  // 2 SKUs caught up with the 10m restock through the replay, all 20 with the 20m one (the 18
  // lost ones from their 10m change, still unsent).
  CHECK(r.channels[0].stock_sync_delay_us.count() == 22);
  CHECK(stock.stats.jobs_succeeded == 22);
}

}  // namespace
}  // namespace syncdrill
