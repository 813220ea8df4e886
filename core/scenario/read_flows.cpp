// Section readers for how work moves: policies, connectors and faults.
#include <algorithm>

#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/fault_rules.hpp"
#include "core/scenario/sections.hpp"

namespace syncdrill::scenario {
namespace {

RetrySpec read_retry(Ctx& ctx, const YNode& n, const std::string& path) {
  RetrySpec rs;
  MapReader r(ctx, n, path);
  r.u32("max_attempts", rs.max_attempts, 1, kRetryAttemptsMax);
  r.choice("backoff", rs.backoff);
  r.duration("base", rs.base);
  if (r.duration("cap", rs.cap) && rs.cap < rs.base) {
    r.error("cap", "expected cap >= base");
  }
  r.flag("honour_retry_after", rs.honour_retry_after);
  r.finish();
  return rs;
}

BudgetSpec read_budget(Ctx& ctx, const YNode& n, const std::string& path) {
  BudgetSpec b;
  MapReader r(ctx, n, path);
  r.choice("kind", b.kind);
  const bool token = b.kind == BudgetSpec::Kind::token_bucket;
  for (std::string_view key : token ? std::vector<std::string_view>{"ratio"}
                                    : std::vector<std::string_view>{"max_tokens", "token_ratio"}) {
    if (r.get(key) != nullptr) {
      r.error(key, fmt::format("'{}' does not apply to a {} budget", key,
                               token ? "token_bucket" : "ratio"));
    }
  }
  r.number("max_tokens", b.max_tokens, 1, 1e6);
  r.number("token_ratio", b.token_ratio, 1e-6, 1e3);
  r.fraction("ratio", b.ratio);
  r.finish();
  return b;
}

BreakerSpec read_breaker(Ctx& ctx, const YNode& n, const std::string& path) {
  BreakerSpec b;
  MapReader r(ctx, n, path);
  if (r.fraction("failure_rate", b.failure_rate) && b.failure_rate <= 0) {
    r.error("failure_rate", "expected a failure rate above 0%");
  }
  r.duration("window", b.window, Need::optional, microseconds(1));
  r.u32("minimum_calls", b.minimum_calls, 1, 1'000'000);
  r.duration("open_wait", b.open_wait, Need::optional, microseconds(1));
  r.u32("half_open_calls", b.half_open_calls, 1, 1'000'000);
  r.finish();
  return b;
}

}  // namespace

void read_policies(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("policy");
  top.list("policies", [&](const YNode& item, const std::string& path) {
    PolicySpec p;
    MapReader r(ctx, item, path);
    if (r.name("name", p.name, Need::required)) {
      unique.add(r, "name", p.name);
    }
    r.duration("timeout", p.timeout, Need::optional, microseconds(1));
    if (const YNode* n = r.get("retry")) {
      p.retry = read_retry(ctx, *n, r.child("retry"));
    }
    if (const YNode* n = r.get("budget")) {
      p.budget = read_budget(ctx, *n, r.child("budget"));
    }
    if (const YNode* n = r.get("breaker")) {
      p.breaker = read_breaker(ctx, *n, r.child("breaker"));
    }
    r.flag("idempotency_keys", p.idempotency_keys);
    r.flag("webhook_dedupe", p.webhook_dedupe);
    r.flag("retry_request_limited", p.retry_request_limited);
    r.finish();
    s.policies.push_back(std::move(p));
  });
}

namespace {

// Keys that only one flow accepts.
void read_flow_specific(Ctx& ctx, MapReader& r, ConnectorSpec& c) {
  const bool recon = c.flow == FlowKind::reconciliation;
  for (std::string_view key : {"interval", "repair_rate"}) {
    if (!recon && r.get(key) != nullptr) {
      r.error(key, fmt::format("'{}' applies only to a reconciliation connector", key));
    }
  }
  const bool sync = c.flow == FlowKind::stock_sync || c.flow == FlowKind::price_sync;
  if (!sync && r.get("batch_max") != nullptr) {
    r.error("batch_max", "'batch_max' applies only to a stock_sync or price_sync connector");
  }
  if (sync) r.u32("batch_max", c.batch_max, 1, 10'000);
  if (c.flow != FlowKind::fulfillment && r.get("mapping") != nullptr) {
    r.error("mapping", "'mapping' applies only to a fulfillment connector");
  }
  if (recon) {
    c.interval = hours(1);
    r.duration("interval", c.interval, kPeriodMin);
    r.rate("repair_rate", c.repair_per_s, Need::optional, kRateMaxPerS);
  }
  if (c.flow == FlowKind::fulfillment) {
    read_status_map(ctx, r, "mapping", c.mapping);
  }
}

}  // namespace

void read_connectors(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("connector");
  std::vector<std::string_view> endpoints = names_of(s.channels);
  for (std::string_view n : names_of(s.systems)) {
    endpoints.push_back(n);
  }
  top.list("connectors", [&](const YNode& item, const std::string& path) {
    ConnectorSpec c;
    MapReader r(ctx, item, path);
    if (r.name("name", c.name, Need::required)) {
      unique.add(r, "name", c.name);
    }
    r.choice("flow", c.flow, Need::required);
    read_ref(r, "from", c.from, endpoints, "channel or system", Need::required);
    read_ref(r, "to", c.to, endpoints, "channel or system", Need::required);
    read_ref(r, "policy", c.policy, names_of(s.policies), "policy");
    r.u32("workers", c.workers, 1, ctx.limits.workers_max);
    r.u32("queue_max", c.queue_max, 1, ctx.limits.queue_max);
    r.u32("dead_letter_max", c.dead_letter_max, 0, ctx.limits.queue_max);
    r.duration("poll_interval", c.poll_interval, kPeriodMin);
    if (Distribution rtt = Distribution::constant(0); r.distribution("round_trip", rtt)) {
      c.round_trip = rtt;
    }
    read_flow_specific(ctx, r, c);
    r.finish();
    s.connectors.push_back(std::move(c));
  });
}

namespace {

// Reports each kind-specific key (a key of some row of the fault-kind table) given to a fault of
// another kind. Without a valid kind (already reported) the keys are only marked known.
void check_kind_keys(MapReader& r, const FaultSpec& f, bool kind_ok) {
  std::vector<std::string_view> checked;
  for (const FaultKindRow& row : fault_kind_rows()) {
    for (std::string_view key : row.keys) {
      if (std::find(checked.begin(), checked.end(), key) != checked.end()) continue;
      checked.push_back(key);
      if (r.get(key) == nullptr || !kind_ok) continue;
      std::vector<std::string_view> kinds;
      for (const FaultKindRow& other : fault_kind_rows()) {
        if (std::find(other.keys.begin(), other.keys.end(), key) != other.keys.end()) {
          kinds.push_back(other.name);
        }
      }
      if (std::find(kinds.begin(), kinds.end(), to_string(f.kind)) != kinds.end()) continue;
      r.error(key, fmt::format("'{}' applies only to a fault of kind {}", key,
                               fmt::join(kinds, " or ")));
    }
  }
}

// The most on/off cycles a flapping fault may have in its window.
constexpr int64_t kFlapCyclesMax = 100'000;

void read_fault_extras(Ctx& ctx, MapReader& r, const Scenario& s, FaultSpec& f, bool kind_ok) {
  if (const YNode* n = r.get("flap")) {
    FlapSpec flap{};
    MapReader fr(ctx, *n, r.child("flap"));
    fr.duration("on", flap.on, Need::required, microseconds(1));
    fr.duration("off", flap.off, Need::required, microseconds(1));
    fr.finish();
    f.flap = flap;
    // Each on/off edge of a stall, a storm or a stale feed is an event: bound how many.
    const int64_t cycle_us = flap.on.us + flap.off.us;
    if (cycle_us > 0 && f.length.us / cycle_us > kFlapCyclesMax) {
      r.error("flap", fmt::format("expected at most {} on/off cycles in the fault's window, got {} "
                                  "({} / ({} + {}))",
                                  kFlapCyclesMax, f.length.us / cycle_us, format_duration(f.length),
                                  format_duration(flap.on), format_duration(flap.off)));
    }
  }
  check_kind_keys(r, f, kind_ok);
  if (!kind_ok) {
    return;
  }
  if (const SettingsReader read = fault_kind_row(f.kind).read_settings) {
    read(ctx, r, s, f);
  }
}

// Reports each target (already resolved into f.targets) that f's kind cannot act on, at the
// target's own node.
void check_targets(Ctx& ctx, MapReader& r, const Scenario& s, const FaultSpec& f) {
  const YNode* v = r.get("target");
  if (v == nullptr) {
    return;
  }
  auto check = [&](const YNode& n, const std::string& path) {
    if (n.kind != YNode::Kind::scalar ||
        std::find(f.targets.begin(), f.targets.end(), n.scalar) == f.targets.end() ||
        may_target(f.kind, s, n.scalar)) {
      return;
    }
    ctx.error(n.loc, path, cannot_target_message(f.kind, s, n.scalar));
  };
  if (v->kind == YNode::Kind::scalar) {
    check(*v, r.child("target"));
  } else if (v->kind == YNode::Kind::sequence) {
    for (size_t i = 0; i < v->items.size(); ++i) {
      check(v->items[i], fmt::format("{}[{}]", r.child("target"), i));
    }
  }
}

}  // namespace

namespace {

// "an erp system", "a fulfillment connector", ...
std::string with_article(std::string_view word) {
  const bool vowel = !word.empty() && std::string_view("aeiou").find(word[0]) != std::string::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", word);
}

}  // namespace

std::string describe_target(const Scenario& s, std::string_view name) {
  if (find_channel(s, name) != nullptr) {
    return "a channel";
  }
  if (const SystemSpec* sys = find_system(s, name)) {
    return with_article(fmt::format("{} system", to_string(sys->kind)));
  }
  if (const ConnectorSpec* c = find_connector(s, name)) {
    return with_article(fmt::format("{} connector", to_string(c->flow)));
  }
  return "a webhook topic";
}

std::string_view allowed_targets(FaultKind k) {
  return fault_kind_row(k).targets_text;
}

bool may_target(FaultKind k, const Scenario& s, std::string_view name) {
  const uint8_t allowed = fault_kind_row(k).targets;
  const auto allows = [&](uint8_t bits) { return (allowed & bits) != 0; };
  // A connector may share a channel's or a system's name: any of them that the kind accepts.
  const SystemSpec* sys = find_system(s, name);
  const ConnectorSpec* c = find_connector(s, name);
  const bool sync =
      c != nullptr && (c->flow == FlowKind::stock_sync || c->flow == FlowKind::price_sync);
  return (allows(kTargetChannel) && find_channel(s, name) != nullptr) ||
         (allows(kTargetSystem) && sys != nullptr) ||
         (allows(kTargetErp) && sys != nullptr && sys->kind == SystemKind::erp) ||
         (allows(kTargetConnector) && c != nullptr) || (allows(kTargetSyncConnector) && sync) ||
         (allows(kTargetFulfillmentConnector) && c != nullptr &&
          c->flow == FlowKind::fulfillment) ||
         (allows(kTargetTopic) && name.find('/') != std::string_view::npos);
}

std::string cannot_target_message(FaultKind k, const Scenario& s, std::string_view name) {
  return fmt::format("fault kind {} cannot target {} ({}); expected {}", to_string(k), name,
                     describe_target(s, name), allowed_targets(k));
}

std::vector<std::string> fault_target_names(const Scenario& s) {
  std::vector<std::string> out;
  for (std::string_view n : target_names(s)) {
    out.emplace_back(n);
  }
  for (std::string& topic : webhook_topics(s)) {
    out.push_back(std::move(topic));
  }
  return out;
}

std::string target_error(FaultKind k, const Scenario& s, std::string_view name) {
  const std::vector<std::string> names = fault_target_names(s);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return unknown_value("target", name, std::vector<std::string_view>(names.begin(), names.end()));
  }
  return may_target(k, s, name) ? std::string() : cannot_target_message(k, s, name);
}

void read_faults(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("fault");
  // Channels, systems, connectors and webhook topics; `names` owns the spellings.
  const std::vector<std::string> names = fault_target_names(s);
  const std::vector<std::string_view> targets(names.begin(), names.end());
  top.list("faults", [&](const YNode& item, const std::string& path) {
    FaultSpec f;
    MapReader r(ctx, item, path);
    if (r.name("id", f.id, Need::required)) {
      unique.add(r, "id", f.id);
    }
    const bool kind_ok = r.choice("kind", f.kind, Need::required);
    read_refs(ctx, r, "target", f.targets, targets, "target", Need::required,
              RefForm::name_or_topic);
    if (kind_ok) {
      check_targets(ctx, r, s, f);
    }
    if (r.duration("at", f.at, Need::required) && f.at >= s.duration) {
      r.error("at", "expected a fault onset before the end of the scenario");
    }
    if (r.duration("for", f.length, Need::required, microseconds(1)) &&
        f.length > kFaultLengthMax) {
      r.error("for", fmt::format("expected a fault length of at most {}, got '{}'",
                                 format_duration(kFaultLengthMax), format_duration(f.length)));
    }
    r.fraction("intensity", f.intensity);
    r.choice("cause", f.cause);
    read_fault_extras(ctx, r, s, f, kind_ok);
    r.finish();
    s.faults.push_back(std::move(f));
  });
}

}  // namespace syncdrill::scenario
