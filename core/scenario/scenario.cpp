// The YAML spellings of the scenario enums (one table per enum, used both to read and to print
// them) and the lookups by name.
#include "core/scenario/scenario.hpp"

#include <algorithm>

#include "core/engine/check.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/reader.hpp"

namespace syncdrill {
namespace scenario {

#define SD_E(E, v) \
  { #v, E::v }

template <>
const EnumTable<ChannelKind>& enum_table() {
  static const EnumTable<ChannelKind> t{
      "channel kind", {SD_E(ChannelKind, shopify_like), SD_E(ChannelKind, amazon_like)}};
  return t;
}

template <>
const EnumTable<LiveDialect>& enum_table() {
  static const EnumTable<LiveDialect> t{
      "live dialect",
      {SD_E(LiveDialect, syncdrill), SD_E(LiveDialect, shopify), {"sp-api", LiveDialect::sp_api}}};
  return t;
}

template <>
const EnumTable<Platform>& enum_table() {
  static const EnumTable<Platform> t{
      "platform",
      {SD_E(Platform, none), SD_E(Platform, shopify), SD_E(Platform, shopify_plus),
       SD_E(Platform, amazon_sp_api), SD_E(Platform, netsuite)}};
  return t;
}

template <>
const EnumTable<ChannelOperation>& enum_table() {
  using O = ChannelOperation;
  static const EnumTable<O> t{
      "channel operation",
      {SD_E(O, listing_updates), SD_E(O, price_updates), SD_E(O, status_updates)}};
  return t;
}

template <>
const EnumTable<SystemKind>& enum_table() {
  static const EnumTable<SystemKind> t{
      "system kind", {SD_E(SystemKind, erp), SD_E(SystemKind, oms), SD_E(SystemKind, wms)}};
  return t;
}

template <>
const EnumTable<ConcurrencyRefusal>& enum_table() {
  static const EnumTable<ConcurrencyRefusal> t{
      "concurrency refusal",
      {SD_E(ConcurrencyRefusal, unavailable), SD_E(ConcurrencyRefusal, netsuite)}};
  return t;
}

template <>
const EnumTable<IdempotencyStyle>& enum_table() {
  static const EnumTable<IdempotencyStyle> t{
      "idempotency style", {SD_E(IdempotencyStyle, syncdrill), SD_E(IdempotencyStyle, stripe)}};
  return t;
}

template <>
const EnumTable<BackoffKind>& enum_table() {
  static const EnumTable<BackoffKind> t{
      "backoff",
      {SD_E(BackoffKind, none), SD_E(BackoffKind, constant), SD_E(BackoffKind, exponential),
       SD_E(BackoffKind, full_jitter), SD_E(BackoffKind, equal_jitter),
       SD_E(BackoffKind, decorrelated_jitter)}};
  return t;
}

template <>
const EnumTable<RateLimitSpec::Kind>& enum_table() {
  using K = RateLimitSpec::Kind;
  static const EnumTable<K> t{"rate limit kind", {SD_E(K, token_bucket), SD_E(K, leaky_bucket)}};
  return t;
}

template <>
const EnumTable<BudgetSpec::Kind>& enum_table() {
  using K = BudgetSpec::Kind;
  static const EnumTable<K> t{"budget kind", {SD_E(K, token_bucket), SD_E(K, ratio)}};
  return t;
}

template <>
const EnumTable<FlowKind>& enum_table() {
  static const EnumTable<FlowKind> t{
      "flow",
      {SD_E(FlowKind, order_ingest), SD_E(FlowKind, stock_sync), SD_E(FlowKind, price_sync),
       SD_E(FlowKind, fulfillment), SD_E(FlowKind, returns), SD_E(FlowKind, reconciliation)}};
  return t;
}

// The fault kinds' spellings are their rows' in the fault-kind table.
template <>
const EnumTable<FaultKind>& enum_table() {
  static const EnumTable<FaultKind> t = [] {
    EnumTable<FaultKind> table{"fault kind", {}};
    for (const FaultKindRow& row : fault_kind_rows()) {
      table.entries.push_back({row.name, row.kind});
    }
    return table;
  }();
  return t;
}

template <>
const EnumTable<FaultCause>& enum_table() {
  using K = FaultCause;
  static const EnumTable<K> t{
      "cause", {SD_E(K, release), SD_E(K, third_party), SD_E(K, data_model), SD_E(K, capacity)}};
  return t;
}

template <>
const EnumTable<DropScope>& enum_table() {
  using K = DropScope;
  static const EnumTable<K> t{"drop scope", {SD_E(K, attempt), SD_E(K, event)}};
  return t;
}

template <>
const EnumTable<FeedKind>& enum_table() {
  using K = FeedKind;
  static const EnumTable<K> t{"feed", {SD_E(K, stock), SD_E(K, price), SD_E(K, both)}};
  return t;
}

template <>
const EnumTable<MonitorKind>& enum_table() {
  using K = MonitorKind;
  static const EnumTable<K> t{
      "monitor kind",
      {SD_E(K, threshold), SD_E(K, burn_rate), SD_E(K, absence), SD_E(K, reconciliation)}};
  return t;
}

template <>
const EnumTable<Signal>& enum_table() {
  using K = Signal;
  static const EnumTable<K> t{
      "signal",
      {SD_E(K, error_rate), SD_E(K, latency_p95), SD_E(K, queue_depth), SD_E(K, freshness_p95),
       SD_E(K, dead_letters), SD_E(K, throughput), SD_E(K, reconciliation_delta),
       SD_E(K, oversells), SD_E(K, breaker_open), SD_E(K, mapping_errors),
       SD_E(K, price_mismatches), SD_E(K, webhook_rate)}};
  return t;
}

template <>
const EnumTable<ActionKind>& enum_table() {
  using K = ActionKind;
  static const EnumTable<K> t{
      "action",
      {SD_E(K, replay_dead_letter), SD_E(K, run_reconciliation), SD_E(K, raise_safety_buffer),
       SD_E(K, pause_channel), SD_E(K, resume_channel), SD_E(K, rollback), SD_E(K, switch_policy),
       SD_E(K, open_breaker), SD_E(K, close_breaker)}};
  return t;
}

#undef SD_E

namespace {

template <class E>
std::string_view name_of(E v) {
  for (const auto& e : enum_table<E>().entries) {
    if (e.value == v) {
      return e.name;
    }
  }
  SD_CHECK(false, "enum value missing from its table");
}

template <class T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace
}  // namespace scenario

const ChannelSpec* find_channel(const Scenario& s, std::string_view name) {
  return scenario::find_named(s.channels, name);
}
const SystemSpec* find_system(const Scenario& s, std::string_view name) {
  return scenario::find_named(s.systems, name);
}
const SystemSpec* first_system(const Scenario& s, SystemKind kind) {
  for (const SystemSpec& sys : s.systems) {
    if (sys.kind == kind) return &sys;
  }
  return nullptr;
}

int64_t draw_catalog_price(const CatalogSpec& c, RandomStream& rng) {
  const int64_t span = c.price_max.minor - c.price_min.minor;
  return c.price_min.minor + (span > 0 ? static_cast<int64_t>(rng.below(span + 1)) : 0);
}

const PolicySpec* find_policy(const Scenario& s, std::string_view name) {
  return scenario::find_named(s.policies, name);
}
const ConnectorSpec* find_connector(const Scenario& s, std::string_view name) {
  return scenario::find_named(s.connectors, name);
}

std::string_view to_string(ChannelKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(LiveDialect v) {
  return scenario::name_of(v);
}
std::string_view to_string(Platform v) {
  return scenario::name_of(v);
}
std::string_view to_string(ChannelOperation v) {
  return scenario::name_of(v);
}
std::string_view to_string(SystemKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(ConcurrencyRefusal v) {
  return scenario::name_of(v);
}
std::string_view to_string(IdempotencyStyle v) {
  return scenario::name_of(v);
}
std::string_view to_string(BackoffKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(FlowKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(FaultKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(FaultCause v) {
  return scenario::name_of(v);
}
std::string_view to_string(DropScope v) {
  return scenario::name_of(v);
}
std::string_view to_string(FeedKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(MonitorKind v) {
  return scenario::name_of(v);
}
std::string_view to_string(Signal v) {
  return scenario::name_of(v);
}
std::string_view to_string(ActionKind v) {
  return scenario::name_of(v);
}

}  // namespace syncdrill
