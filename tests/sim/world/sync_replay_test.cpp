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
// page). `channel_endpoint`: the shop's endpoint, as YAML.
std::string drill(const std::string& duration, uint32_t batch_max, const std::string& replay_delay,
                  const std::string& channel_endpoint = "{workers: 64, service_time: 20ms}") {
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
  - {{name: stock, flow: stock_sync, from: erp, to: shop, policy: once, workers: 20,
     batch_max: {}}}
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
                     duration, channel_endpoint, batch_max, replay_delay);
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

}  // namespace
}  // namespace syncdrill
