// The fault-kind table (fault_kinds.hpp) and each kind's settings reader: a kind's keys, their
// defaults and their checks in one place.
#include "core/scenario/fault_kinds.hpp"

#include <array>

#include "core/engine/check.hpp"
#include "core/scenario/sections.hpp"

namespace syncdrill::scenario {
namespace {

// ---- Settings readers, one per kind with keys of its own -------------------------------------

void read_latency(Ctx&, MapReader& r, const Scenario&, FaultSpec& f) {
  LatencySettings settings;
  // Without it a latency fault would add nothing: required.
  if (r.distribution("latency", settings.latency, Need::required)) f.settings = settings;
}

void read_timeout(Ctx&, MapReader& r, const Scenario&, FaultSpec& f) {
  TimeoutSettings settings;
  r.flag("processed", settings.processed);
  f.settings = settings;
}

void read_rate_limit_fault(Ctx& ctx, MapReader& r, const Scenario&, FaultSpec& f) {
  if (const YNode* n = r.get("rate_limit", Need::required)) {
    if (std::optional<RateLimitSpec> bucket = read_rate_limit(ctx, *n, r.child("rate_limit"))) {
      f.settings = RateLimitSettings{*bucket};
    }
  }
}

void read_webhook_drop(Ctx&, MapReader& r, const Scenario&, FaultSpec& f) {
  WebhookDropSettings settings;
  r.choice("per", settings.per);
  f.settings = settings;
}

void read_webhook_delay(Ctx&, MapReader& r, const Scenario&, FaultSpec& f) {
  WebhookDelaySettings settings{f.kind == FaultKind::webhook_duplicate
                                    ? Distribution::constant(1e6)
                                    : Distribution::lognormal_p50_p95(30e6, 300e6)};
  r.distribution("delay", settings.delay);
  f.settings = settings;
}

// A sync connector's feed is its flow's: `feed` naming the other one cannot apply to it.
void check_feed(MapReader& r, const Scenario& s, const FaultSpec& f, FeedKind feed) {
  const FlowKind wanted = feed == FeedKind::price ? FlowKind::price_sync : FlowKind::stock_sync;
  for (const std::string& target : f.targets) {
    const ConnectorSpec* c = find_connector(s, target);
    if (c == nullptr || c->flow == wanted) continue;
    r.error("feed", fmt::format("feed {} does not apply to {}, a {} connector", to_string(feed),
                                target, to_string(c->flow)));
  }
}

void read_stale_feed(Ctx&, MapReader& r, const Scenario& s, FaultSpec& f) {
  StaleFeedSettings settings;
  if (r.choice("feed", settings.feed) && settings.feed != FeedKind::both) {
    check_feed(r, s, f, settings.feed);
  }
  r.flag("catch_up", settings.catch_up);
  f.settings = settings;
}

// mapping_regression's `remove`: a non-empty list of state names.
void read_state_list(Ctx& ctx, MapReader& r, std::string_view key, std::vector<std::string>& out) {
  const YNode* v = r.get(key);
  if (v == nullptr || !check_list(ctx, *v, r.child(key))) {
    return;
  }
  if (v->items.empty()) {
    r.error(key, "expected at least one state name");
    return;
  }
  for (size_t i = 0; i < v->items.size(); ++i) {
    const YNode& item = v->items[i];
    const std::string path = fmt::format("{}[{}]", r.child(key), i);
    if (item.kind != YNode::Kind::scalar) {
      ctx.error(item.loc, path, fmt::format("expected a state name, got {}", describe(item)));
    } else if (item.scalar.empty()) {
      ctx.error(item.loc, path, "expected a non-empty state name");
    } else {
      out.push_back(item.scalar);
    }
  }
}

void read_mapping_regression(Ctx& ctx, MapReader& r, const Scenario&, FaultSpec& f) {
  MappingRegressionSettings settings;
  read_state_list(ctx, r, "remove", settings.remove);
  const YNode* rename = r.get("rename");
  if (rename != nullptr && rename->kind == YNode::Kind::mapping && rename->entries.empty()) {
    r.error("rename", "expected at least one state to rename");
  } else {
    read_status_map(ctx, r, "rename", settings.rename);
  }
  f.settings = std::move(settings);
}

void read_retry_storm(Ctx&, MapReader& r, const Scenario&, FaultSpec& f) {
  RetryStormSettings settings;
  r.u32("max_attempts", settings.max_attempts, 1, kRetryAttemptsMax);
  f.settings = settings;
}

void read_peak_traffic(Ctx&, MapReader& r, const Scenario&, FaultSpec& f) {
  PeakTrafficSettings settings;
  r.number("multiplier", settings.multiplier, 1, 1000);
  f.settings = settings;
}

// ---- The table ---------------------------------------------------------------------------------

using K = FaultKind;
using F = FlowKind;
constexpr std::string_view kLatencyKeys[] = {"latency"};
constexpr std::string_view kTimeoutKeys[] = {"processed"};
constexpr std::string_view kRateLimitKeys[] = {"rate_limit"};
constexpr std::string_view kDropKeys[] = {"per"};
constexpr std::string_view kDelayKeys[] = {"delay"};
constexpr std::string_view kFeedKeys[] = {"feed", "catch_up"};
constexpr std::string_view kMappingKeys[] = {"remove", "rename"};
constexpr std::string_view kStormKeys[] = {"max_attempts"};
constexpr std::string_view kPeakKeys[] = {"multiplier"};

// Live (control API) keys.
constexpr std::string_view kLiveLatencyKeys[] = {"latency_ms"};
constexpr std::string_view kLiveTimeoutKeys[] = {"processed", "hang_ms"};
constexpr std::string_view kLiveAnswerKeys[] = {"status", "retry_after_s"};
constexpr std::string_view kLiveRateLimitKeys[] = {"rate_per_s", "burst", "status",
                                                   "retry_after_s"};
constexpr std::string_view kLiveDropKeys[] = {"per"};
constexpr std::string_view kLiveDelayKeys[] = {"delay_ms"};

constexpr FlowKind kAllFlows[] = {F::order_ingest, F::stock_sync, F::price_sync,
                                  F::fulfillment,  F::returns,    F::reconciliation};
constexpr FlowKind kWebhookFlows[] = {F::order_ingest, F::returns};
constexpr FlowKind kSyncFlows[] = {F::stock_sync, F::price_sync};
constexpr FlowKind kFulfillmentFlow[] = {F::fulfillment};
// Peak traffic: the flows from or to its channel, and fulfillment (more orders to ship).
constexpr FlowKind kLoadFlows[] = {F::order_ingest, F::stock_sync, F::price_sync, F::fulfillment,
                                   F::returns};

constexpr std::span<const std::string_view> none() {
  return {};
}

constexpr uint8_t kGateTargets = kTargetChannel | kTargetSystem | kTargetConnector;
constexpr std::string_view kGateText = "a channel, a system, or a connector";
constexpr uint8_t kWebhookTargets = kTargetChannel | kTargetTopic;
constexpr std::string_view kWebhookText = "a channel or a webhook topic";

// clang-format off
const std::array<FaultKindRow, 15> kRows{{
    {K::latency, "latency", FaultFamily::request, 5, kLatencyKeys, read_latency,
     kGateTargets, kGateText, kAllFlows, "requests", LiveAct::request, kLiveLatencyKeys, 0},
    {K::timeout, "timeout", FaultFamily::request, 4, kTimeoutKeys, read_timeout,
     kGateTargets, kGateText, kAllFlows, "requests", LiveAct::request, kLiveTimeoutKeys, 0},
    {K::error_burst, "error_burst", FaultFamily::request, 1, none(), nullptr,
     kGateTargets, kGateText, kAllFlows, "requests", LiveAct::request, kLiveAnswerKeys, 500},
    {K::outage, "outage", FaultFamily::request, 0, none(), nullptr,
     kGateTargets, kGateText, kAllFlows, "requests", LiveAct::request, kLiveAnswerKeys, 503},
    {K::rate_limit, "rate_limit", FaultFamily::request, 3, kRateLimitKeys, read_rate_limit_fault,
     kTargetChannel | kTargetSystem, "a channel or a system", kAllFlows, "requests",
     LiveAct::request, kLiveRateLimitKeys, 429},
    {K::webhook_drop, "webhook_drop", FaultFamily::webhook, 2, kDropKeys, read_webhook_drop,
     kWebhookTargets, kWebhookText, kWebhookFlows, "deliveries", LiveAct::webhook, kLiveDropKeys, 0},
    {K::webhook_duplicate, "webhook_duplicate", FaultFamily::webhook, 3, kDelayKeys,
     read_webhook_delay, kWebhookTargets, kWebhookText, kWebhookFlows, "deliveries",
     LiveAct::webhook, kLiveDelayKeys, 0},
    {K::webhook_delay, "webhook_delay", FaultFamily::webhook, 1, kDelayKeys, read_webhook_delay,
     kWebhookTargets, kWebhookText, kWebhookFlows, "deliveries", LiveAct::webhook,
     kLiveDelayKeys, 0},
    {K::consumer_stall, "consumer_stall", FaultFamily::connector, 0, none(), nullptr,
     kTargetConnector, "a connector", kAllFlows, "jobs stalled", LiveAct::none, none(), 0},
    {K::stale_feed, "stale_feed", FaultFamily::feed, 0, kFeedKeys, read_stale_feed,
     kTargetSyncConnector | kTargetChannel | kTargetErp,
     "a stock_sync or price_sync connector, a channel, or an erp system", kSyncFlows,
     "updates withheld", LiveAct::none, none(), 0},
    {K::mapping_regression, "mapping_regression", FaultFamily::mapping, 0, kMappingKeys,
     read_mapping_regression, kTargetFulfillmentConnector | kTargetChannel,
     "a fulfillment connector or a channel", kFulfillmentFlow, "lookups", LiveAct::none, none(), 0},
    // Acts on the event, before any delivery attempt; not run live.
    {K::event_drop, "event_drop", FaultFamily::webhook, 0, none(), nullptr,
     kWebhookTargets, kWebhookText, kWebhookFlows, "events", LiveAct::none, none(), 0},
    {K::malformed_payload, "malformed_payload", FaultFamily::request, 2, none(), nullptr,
     kGateTargets, kGateText, kAllFlows, "requests", LiveAct::request, kLiveAnswerKeys, 422},
    {K::retry_storm, "retry_storm", FaultFamily::connector, 0, kStormKeys, read_retry_storm,
     kTargetConnector, "a connector", kAllFlows, "attempts", LiveAct::none, none(), 0},
    {K::peak_traffic, "peak_traffic", FaultFamily::load, 0, kPeakKeys, read_peak_traffic,
     kTargetChannel, "a channel", kLoadFlows, "extra customers", LiveAct::traffic, none(), 0},
}};
// clang-format on

}  // namespace

std::span<const FaultKindRow> fault_kind_rows() {
  return kRows;
}

const FaultKindRow& fault_kind_row(FaultKind k) {
  const auto i = static_cast<size_t>(k);
  SD_CHECK(i < kRows.size(), "a fault kind outside the table");
  // The table is in FaultKind order (tests/core/scenario/fault_kinds_test.cpp).
  SD_CHECK(kRows[i].kind == k, "the fault-kind table is out of FaultKind order");
  return kRows[i];
}

std::optional<FaultKind> fault_kind_named(std::string_view name) {
  for (const FaultKindRow& row : kRows) {
    if (row.name == name) return row.kind;
  }
  return std::nullopt;
}

int request_fault_rank(FaultKind k) {
  const FaultKindRow& row = fault_kind_row(k);
  return row.family == FaultFamily::request ? row.order : -1;
}

int live_table_rank(FaultKind k) {
  const FaultKindRow& row = fault_kind_row(k);
  // Webhook kinds after every request kind: past the largest request order.
  constexpr int kWebhookBase = 100;
  switch (row.live) {
    case LiveAct::request:
      return row.order;
    case LiveAct::webhook:
      return kWebhookBase + row.order;
    case LiveAct::none:
    case LiveAct::traffic:
      return -1;
  }
  return -1;
}

}  // namespace syncdrill::scenario
