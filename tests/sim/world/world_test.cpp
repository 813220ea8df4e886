// The world: ground truth and the mechanisms behind the failure patterns, shown on scenarios
// that differ in one setting at a time (same seed, so the same customers).
#include "sim/world/world.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

Scenario load(const std::string& rel) {
  const std::string path = std::string(SYNCDRILL_TEST_DATA_DIR) + "/" + rel;
  LoadResult r = load_scenario_file(path);
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

void check_ground_truth(const WorldResult& r) {
  for (const ChannelOutcome& c : r.channels) {
    INFO("channel " << c.channel);
    CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
  }
  CHECK(r.skus_not_conserved == 0);
}

TEST_CASE("every channel order lands in exactly one ground-truth class and stock is conserved") {
  const Scenario s = load("scenarios/world/two-channels.yaml");
  for (uint64_t seed : {1, 2, 3}) {
    const WorldResult r = run_world(s, seed);
    REQUIRE(r.status == RunStatus::reached_time);
    check_ground_truth(r);
    CHECK(r.channels[0].orders_placed > 1000);
    CHECK(r.channels[0].in_oms_once > 0);
  }
}

}  // namespace
}  // namespace syncdrill

namespace syncdrill {
namespace {

TEST_CASE("compare-and-set stock updates that lose a race are retried with a fresh read") {
  Scenario s = load("scenarios/world/two-channels.yaml");
  s.channels[0].inventory_cas = true;
  const WorldResult r = run_world(s, 4);
  check_ground_truth(r);
  const ConnectorOutcome* cas = nullptr;
  const ConnectorOutcome* plain = nullptr;
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.name == "stock-dtc") cas = &c;
    if (c.name == "stock-market") plain = &c;
  }
  REQUIRE(cas != nullptr);
  REQUIRE(plain != nullptr);
  // Orders on the channel between the read and the write bump the listing's version.
  CHECK(cas->stats.errors[static_cast<size_t>(ErrorClass::conflict)] > 0);
  CHECK(cas->stats.jobs_dead_lettered == 0);
  CHECK(plain->stats.errors[static_cast<size_t>(ErrorClass::conflict)] == 0);
}

TEST_CASE("a world run that would exceed the event limit stops and says so") {
  Engine::Limits limits;
  limits.events_max = 10'000;
  const WorldResult r = run_world(load("scenarios/world/two-channels.yaml"), 1, limits);
  CHECK(r.status == RunStatus::event_limit);
  CHECK(r.limit_message.find("limit of 10000 events") != std::string::npos);
  CHECK(r.events_processed == 10'000);
}

}  // namespace
}  // namespace syncdrill

namespace syncdrill {
namespace {

TEST_CASE("interval stock sync sends the collected changes in batches of batch_max SKUs") {
  Scenario s = load("scenarios/world/two-channels.yaml");
  for (ConnectorSpec& c : s.connectors) {
    if (c.name == "stock-dtc") {
      c.poll_interval = minutes(5);
      c.batch_max = 50;
    }
  }
  const WorldResult r = run_world(s, 8);
  check_ground_truth(r);
  const ChannelOutcome& dtc = r.channels[0];
  const ChannelOutcome& market = r.channels[1];
  const ConnectorOutcome* batched = nullptr;
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.name == "stock-dtc") batched = &c;
  }
  REQUIRE(batched != nullptr);
  // Every SKU update lands, in far fewer calls than updates.
  CHECK(dtc.stock_sync_delay_us.count() > 1000);
  CHECK(batched->stats.jobs_succeeded * 10 < dtc.stock_sync_delay_us.count());
  // Waiting for the interval makes the dtc listings staler than the market's (synced each second).
  CHECK(dtc.stock_sync_delay_us.quantile(0.5) > 60 * market.stock_sync_delay_us.quantile(0.5));
}

}  // namespace
}  // namespace syncdrill
