// The fault-kind table (core/scenario/fault_kinds.hpp): complete and consistent with the enum.
// That its keys and targets are what the loader applies: loader_test.cpp's fault catalogue.
#include "core/scenario/fault_kinds.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

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

TEST_CASE("fault kind names round-trip through to_string and the table") {
  for (FaultKind k : every_kind()) {
    INFO(expected_name(k));
    CHECK(to_string(k) == expected_name(k));
    REQUIRE(fault_kind_named(to_string(k)).has_value());
    CHECK(*fault_kind_named(to_string(k)) == k);
  }
  CHECK_FALSE(fault_kind_named("").has_value());
  CHECK_FALSE(fault_kind_named("Latency").has_value());
  CHECK_FALSE(fault_kind_named("latency ").has_value());
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
    // Every kind that answers for the live server (all request kinds but latency and timeout,
    // which delay or hold) has a 4xx or 5xx status; no other kind has one.
    const bool answers = row.live == LiveAct::request && row.kind != FaultKind::latency &&
                         row.kind != FaultKind::timeout;
    CHECK((row.live_status != 0) == answers);
    if (answers) CHECK((row.live_status >= 400 && row.live_status <= 599));
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
