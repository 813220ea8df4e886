// The fault-kind table (sim/scenario/fault_kinds.hpp): complete, consistent with the enum, and
// saying what the loader does.
#include "sim/scenario/fault_kinds.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <variant>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/scenario/fault_rules.hpp"
#include "sim/scenario/loader.hpp"

namespace syncdrill {
namespace {

using namespace scenario;

// Every FaultKind and its spelling, written independently of the table. The switch has no
// default: a kind added to the enum without a case here fails to compile (-Werror=switch), and
// then fails the row checks below until the table has its row.
std::string_view expected_name(FaultKind k) {
  switch (k) {
    case FaultKind::latency:
      return "latency";
    case FaultKind::timeout:
      return "timeout";
    case FaultKind::error_burst:
      return "error_burst";
    case FaultKind::outage:
      return "outage";
    case FaultKind::rate_limit:
      return "rate_limit";
    case FaultKind::webhook_drop:
      return "webhook_drop";
    case FaultKind::webhook_duplicate:
      return "webhook_duplicate";
    case FaultKind::webhook_delay:
      return "webhook_delay";
    case FaultKind::consumer_stall:
      return "consumer_stall";
    case FaultKind::stale_feed:
      return "stale_feed";
    case FaultKind::mapping_regression:
      return "mapping_regression";
    case FaultKind::event_drop:
      return "event_drop";
    case FaultKind::malformed_payload:
      return "malformed_payload";
    case FaultKind::retry_storm:
      return "retry_storm";
    case FaultKind::peak_traffic:
      return "peak_traffic";
  }
  return "";
}

// The enum's values, found by walking up from 0 while expected_name knows them.
std::vector<FaultKind> every_kind() {
  std::vector<FaultKind> out;
  for (int i = 0; !expected_name(static_cast<FaultKind>(i)).empty(); ++i) {
    out.push_back(static_cast<FaultKind>(i));
  }
  return out;
}

// A world with every kind of fault target (as in loader_test.cpp's fault catalogue).
const std::string kWorld =
    "name: t\n"
    "duration: 1h\n"
    "channels: [{name: shop, kind: shopify_like}]\n"
    "systems: [{name: erp, kind: erp}, {name: oms, kind: oms}, {name: wms, kind: wms}]\n"
    "traffic: [{channel: shop, rate: 1/s}]\n"
    "connectors:\n"
    "  - {name: ingest, flow: order_ingest, from: shop, to: oms}\n"
    "  - {name: stock, flow: stock_sync, from: erp, to: shop}\n"
    "  - {name: prices, flow: price_sync, from: erp, to: shop}\n"
    "  - {name: ship, flow: fulfillment, from: wms, to: shop}\n"
    "faults:\n";
const std::vector<std::string> kCandidateTargets{
    "shop", "oms", "erp", "ingest", "stock", "ship", "shop/orders/create"};

// A valid value for every kind-specific key. A key the table gains without a value here fails
// "each row's keys are the keys the loader accepts for its kind".
const std::map<std::string_view, std::string>& key_values() {
  static const std::map<std::string_view, std::string> values{
      {"latency", "50ms"},   {"processed", "false"},  {"rate_limit", "{rate: 2/s}"},
      {"per", "event"},      {"delay", "5s"},         {"feed", "both"},
      {"catch_up", "false"}, {"remove", "[SHIPPED]"}, {"rename", "{delivered: Delivered}"},
      {"max_attempts", "5"}, {"multiplier", "3"}};
  return values;
}

LoadResult load_one(const FaultKindRow& row, const std::vector<std::string_view>& keys) {
  const LoadResult world = load_scenario_text(kWorld + "  []\n", "t.yaml");
  REQUIRE(world.ok());
  std::string target;
  for (const std::string& t : kCandidateTargets) {
    if (may_target(row.kind, *world.scenario, t)) {
      target = t;
      break;
    }
  }
  REQUIRE_MESSAGE(!target.empty(), "no candidate target for ", row.name);
  std::string fault =
      fmt::format("  - {{id: f, kind: {}, target: {}, at: 1m, for: 1m", row.name, target);
  for (std::string_view key : keys) {
    const auto value = key_values().find(key);
    REQUIRE_MESSAGE(value != key_values().end(), "no test value for key ", key);
    fault += fmt::format(", {}: {}", key, value->second);
  }
  return load_scenario_text(kWorld + fault + "}\n", "t.yaml");
}

std::string messages(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors)
    out += e.message + "\n";
  return out;
}

TEST_CASE("the fault-kind table has exactly one row per FaultKind, in enum order") {
  const std::vector<FaultKind> kinds = every_kind();
  REQUIRE(kinds.size() == 15);
  REQUIRE(fault_kind_rows().size() == kinds.size());
  std::set<std::string_view> names;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const FaultKindRow& row = fault_kind_rows()[i];
    CHECK(row.kind == kinds[i]);
    CHECK(row.name == expected_name(kinds[i]));
    CHECK(&fault_kind_row(kinds[i]) == &row);
    names.insert(row.name);
  }
  CHECK(names.size() == kinds.size());
}

TEST_CASE("fault kind names round-trip through to_string, the table and the loader") {
  for (FaultKind k : every_kind()) {
    INFO(expected_name(k));
    CHECK(to_string(k) == expected_name(k));
    REQUIRE(fault_kind_named(to_string(k)).has_value());
    CHECK(*fault_kind_named(to_string(k)) == k);
    const LoadResult r = load_one(fault_kind_row(k), {});
    // Kinds with a required key are refused for that key only, never for the kind's name.
    CHECK(messages(r).find("unknown fault kind") == std::string::npos);
  }
  CHECK_FALSE(fault_kind_named("").has_value());
  CHECK_FALSE(fault_kind_named("Latency").has_value());
  CHECK_FALSE(fault_kind_named("latency ").has_value());
}

TEST_CASE("each row's keys are the keys the loader accepts for its kind") {
  std::vector<std::string_view> all_keys;
  for (const FaultKindRow& row : fault_kind_rows()) {
    CHECK((row.read_settings != nullptr) == !row.keys.empty());
    for (std::string_view key : row.keys) {
      if (std::find(all_keys.begin(), all_keys.end(), key) == all_keys.end()) {
        all_keys.push_back(key);
      }
    }
  }
  CHECK(all_keys.size() == key_values().size());
  for (const FaultKindRow& row : fault_kind_rows()) {
    INFO(row.name);
    // Its own keys, all at once: accepted, and read into the kind's settings.
    const LoadResult own = load_one(row, {row.keys.begin(), row.keys.end()});
    INFO(messages(own));
    REQUIRE(own.ok());
    CHECK(std::holds_alternative<std::monostate>(own.scenario->faults[0].settings) ==
          row.keys.empty());
    // Every other kind's key: refused as belonging to another kind.
    for (std::string_view key : all_keys) {
      if (std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end()) continue;
      std::vector<std::string_view> keys(row.keys.begin(), row.keys.end());
      keys.push_back(key);
      const LoadResult other = load_one(row, keys);
      INFO(key);
      CHECK(messages(other).find(fmt::format("'{}' applies only to a fault of kind", key)) !=
            std::string::npos);
    }
  }
  // A key no row has is unknown to every kind.
  const LoadResult unknown = load_scenario_text(
      kWorld + "  - {id: f, kind: outage, target: oms, at: 1m, for: 1m, bogus: 1}\n", "t.yaml");
  CHECK(messages(unknown).find("unknown key 'bogus'") != std::string::npos);
}

TEST_CASE("each row's target bits and their wording agree, and the loader applies them") {
  const std::vector<std::pair<uint8_t, std::string_view>> words{
      {kTargetChannel, "a channel"},
      {kTargetSystem, "a system"},
      {kTargetErp, "an erp system"},
      {kTargetConnector, "a connector"},
      {kTargetSyncConnector, "a stock_sync or price_sync connector"},
      {kTargetFulfillmentConnector, "a fulfillment connector"},
      {kTargetTopic, "a webhook topic"}};
  const LoadResult world = load_scenario_text(kWorld + "  []\n", "t.yaml");
  REQUIRE(world.ok());
  for (const FaultKindRow& row : fault_kind_rows()) {
    INFO(row.name);
    CHECK(row.targets != 0);
    CHECK(allowed_targets(row.kind) == row.targets_text);
    for (const auto& [bit, word] : words) {
      CHECK(((row.targets & bit) != 0) == (row.targets_text.find(word) != std::string::npos));
    }
    // A channel, a system, any connector, the ERP, a sync and a fulfillment connector, a topic.
    CHECK(may_target(row.kind, *world.scenario, "shop") == ((row.targets & kTargetChannel) != 0));
    CHECK(may_target(row.kind, *world.scenario, "oms") == ((row.targets & kTargetSystem) != 0));
    CHECK(may_target(row.kind, *world.scenario, "erp") ==
          ((row.targets & (kTargetSystem | kTargetErp)) != 0));
    CHECK(may_target(row.kind, *world.scenario, "ingest") ==
          ((row.targets & kTargetConnector) != 0));
    CHECK(may_target(row.kind, *world.scenario, "stock") ==
          ((row.targets & (kTargetConnector | kTargetSyncConnector)) != 0));
    CHECK(may_target(row.kind, *world.scenario, "ship") ==
          ((row.targets & (kTargetConnector | kTargetFulfillmentConnector)) != 0));
    CHECK(may_target(row.kind, *world.scenario, "shop/orders/create") ==
          ((row.targets & kTargetTopic) != 0));
  }
}

TEST_CASE("admission orders: the request kinds in FaultGate's order, the webhook kinds after") {
  CHECK(request_fault_rank(FaultKind::outage) < request_fault_rank(FaultKind::error_burst));
  CHECK(request_fault_rank(FaultKind::error_burst) <
        request_fault_rank(FaultKind::malformed_payload));
  CHECK(request_fault_rank(FaultKind::malformed_payload) <
        request_fault_rank(FaultKind::rate_limit));
  CHECK(request_fault_rank(FaultKind::rate_limit) < request_fault_rank(FaultKind::timeout));
  CHECK(request_fault_rank(FaultKind::timeout) < request_fault_rank(FaultKind::latency));
  std::map<FaultFamily, std::set<int>> orders;
  for (const FaultKindRow& row : fault_kind_rows()) {
    INFO(row.name);
    CHECK((request_fault_rank(row.kind) >= 0) == (row.family == FaultFamily::request));
    if (row.family == FaultFamily::request || row.family == FaultFamily::webhook) {
      CHECK(orders[row.family].insert(row.order).second);  // no two kinds tie
    }
    CHECK((live_table_rank(row.kind) >= 0) == acts_in_live_table(row.kind));
    CHECK(acts_in_live_table(row.kind) ==
          (row.live == LiveAct::request || row.live == LiveAct::webhook));
    CHECK(row.live_keys.empty() == (row.live != LiveAct::request && row.live != LiveAct::webhook));
    if (row.live == LiveAct::request) CHECK(row.family == FaultFamily::request);
    if (row.live == LiveAct::webhook) CHECK(row.family == FaultFamily::webhook);
  }
  CHECK(live_table_rank(FaultKind::latency) < live_table_rank(FaultKind::webhook_delay));
  CHECK(live_table_rank(FaultKind::webhook_delay) < live_table_rank(FaultKind::webhook_drop));
  CHECK(live_table_rank(FaultKind::webhook_drop) < live_table_rank(FaultKind::webhook_duplicate));
  CHECK(live_table_rank(FaultKind::event_drop) == -1);  // simulated only
}

TEST_CASE("each row names the flows it can hurt and the unit of its hits") {
  for (const FaultKindRow& row : fault_kind_rows()) {
    INFO(row.name);
    CHECK_FALSE(row.flows.empty());
    CHECK_FALSE(row.hit_unit.empty());
  }
  const auto hurts = [](FaultKind k, FlowKind f) {
    const auto flows = fault_kind_row(k).flows;
    return std::find(flows.begin(), flows.end(), f) != flows.end();
  };
  CHECK(hurts(FaultKind::stale_feed, FlowKind::price_sync));
  CHECK_FALSE(hurts(FaultKind::stale_feed, FlowKind::order_ingest));
  CHECK(hurts(FaultKind::mapping_regression, FlowKind::fulfillment));
  CHECK_FALSE(hurts(FaultKind::webhook_drop, FlowKind::stock_sync));
}

}  // namespace
}  // namespace syncdrill
