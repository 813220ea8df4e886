// Section readers for how work moves: policies, connectors and faults.
#include "sim/scenario/sections.hpp"

namespace syncdrill::scenario {
namespace {

RetrySpec read_retry(Ctx& ctx, const YNode& n, const std::string& path) {
  RetrySpec rs;
  MapReader r(ctx, n, path);
  r.u32("max_attempts", rs.max_attempts, 1, 100);
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
    r.duration("interval", c.interval, microseconds(1));
    r.rate("repair_rate", c.repair_per_s);
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
    r.duration("poll_interval", c.poll_interval, microseconds(1));
    read_flow_specific(ctx, r, c);
    r.finish();
    s.connectors.push_back(std::move(c));
  });
}

namespace {

void read_fault_extras(Ctx& ctx, MapReader& r, FaultSpec& f) {
  if (const YNode* n = r.get("flap")) {
    FlapSpec flap{};
    MapReader fr(ctx, *n, r.child("flap"));
    fr.duration("on", flap.on, Need::required, microseconds(1));
    fr.duration("off", flap.off, Need::required, microseconds(1));
    fr.finish();
    f.flap = flap;
  }
  if (f.kind != FaultKind::latency && r.get("latency") != nullptr) {
    r.error("latency", "'latency' applies only to a fault of kind latency");
  }
  if (f.kind != FaultKind::peak_traffic && r.get("multiplier") != nullptr) {
    r.error("multiplier", "'multiplier' applies only to a fault of kind peak_traffic");
  }
  Distribution latency = Distribution::constant(0);
  if (f.kind == FaultKind::latency && r.distribution("latency", latency)) {
    f.latency = latency;
  }
  if (f.kind == FaultKind::peak_traffic) {
    f.multiplier = 2;
    r.number("multiplier", f.multiplier, 1, 1000);
  }
}

}  // namespace

void read_faults(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("fault");
  const std::vector<std::string_view> targets = target_names(s);
  top.list("faults", [&](const YNode& item, const std::string& path) {
    FaultSpec f;
    MapReader r(ctx, item, path);
    if (r.name("id", f.id, Need::required)) {
      unique.add(r, "id", f.id);
    }
    r.choice("kind", f.kind, Need::required);
    read_refs(ctx, r, "target", f.targets, targets, "target", Need::required);
    if (r.duration("at", f.at, Need::required) && f.at >= s.duration) {
      r.error("at", "expected a fault onset before the end of the scenario");
    }
    r.duration("for", f.length, Need::required, microseconds(1));
    r.fraction("intensity", f.intensity);
    r.choice("cause", f.cause);
    read_fault_extras(ctx, r, f);
    r.finish();
    s.faults.push_back(std::move(f));
  });
}

}  // namespace syncdrill::scenario
