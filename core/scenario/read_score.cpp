// Section readers for scoring, detection and response: sla_tiers, monitors and response.
#include <algorithm>

#include "core/scenario/sections.hpp"

namespace syncdrill::scenario {

namespace {

using FlowOwners = std::vector<std::pair<FlowKind, std::string>>;  // flow -> the tier that has it

void read_tier_flow(Ctx& ctx, const YNode& flow, const std::string& path, SlaTierSpec& t,
                    FlowOwners& owners) {
  std::vector<std::string_view> names;
  std::optional<FlowKind> kind;
  for (const auto& e : enum_table<FlowKind>().entries) {
    names.push_back(e.name);
    if (flow.kind == YNode::Kind::scalar && e.name == flow.scalar) {
      kind = e.value;
    }
  }
  if (!kind) {
    ctx.error(flow.loc, path,
              flow.kind == YNode::Kind::scalar
                  ? unknown_value("flow", flow.scalar, names)
                  : fmt::format("expected a flow name, got {}", describe(flow)));
    return;
  }
  auto it =
      std::find_if(owners.begin(), owners.end(), [&](const auto& o) { return o.first == *kind; });
  if (it != owners.end()) {
    ctx.error(flow.loc, path,
              fmt::format("flow '{}' is already in tier '{}'", flow.scalar, it->second));
    return;
  }
  owners.emplace_back(*kind, t.name);
  t.flows.push_back(*kind);
}

// A tier flow no connector carries can never be measured: its checks would all pass on nothing.
void check_flow_has_connector(Ctx& ctx, const YNode& flow, const std::string& path,
                              const Scenario& s, FlowKind kind) {
  for (const ConnectorSpec& c : s.connectors) {
    if (c.flow == kind) return;
  }
  ctx.error(flow.loc, path,
            fmt::format("flow '{}' has no connector in this scenario: add a connector with "
                        "'flow: {}' or remove the flow from the tier",
                        to_string(kind), to_string(kind)));
}

// The damage limits, each for the flow whose damage it counts (the tier must name that flow).
void read_damage_limits(MapReader& r, SlaTierSpec& t, const std::string& currency) {
  const auto owned = [&](std::string_view key, FlowKind flow) {
    if (std::find(t.flows.begin(), t.flows.end(), flow) == t.flows.end()) {
      r.error(key, fmt::format("{} judges the {} flow, which tier '{}' does not name", key,
                               to_string(flow), t.name));
    }
  };
  const auto count = [&](std::string_view key, FlowKind flow, std::optional<uint64_t>& out) {
    uint64_t n = 0;
    if (!r.u64(key, n)) return;
    out = n;
    owned(key, flow);
  };
  count("duplicated_max", FlowKind::order_ingest, t.duplicated_max);
  count("oversold_max", FlowKind::stock_sync, t.oversold_max);
  count("stale_price_lines_max", FlowKind::price_sync, t.stale_price_lines_max);
  count("unmatched_max", FlowKind::reconciliation, t.unmatched_max);
  count("unmatched_peak_max", FlowKind::reconciliation, t.unmatched_peak_max);
  Money amount{0, currency};
  if (r.money("stale_price_amount_max", amount, currency)) {
    t.stale_price_amount_max = amount;
    owned("stale_price_amount_max", FlowKind::price_sync);
  }
  double rate = 0;
  if (r.fraction("unmapped_rate_max", rate)) {
    t.unmapped_rate_max = rate;
    owned("unmapped_rate_max", FlowKind::fulfillment);
  }
  r.u64("dropped_max", t.dropped_max);
}

}  // namespace

void read_sla_tiers(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("tier");
  FlowOwners owners;
  top.list("sla_tiers", [&](const YNode& item, const std::string& path) {
    SlaTierSpec t;
    MapReader r(ctx, item, path);
    if (r.name("name", t.name, Need::required)) {
      unique.add(r, "name", t.name);
    }
    r.list(
        "flows",
        [&](const YNode& flow, const std::string& flow_path) {
          const size_t before = t.flows.size();
          read_tier_flow(ctx, flow, flow_path, t, owners);
          if (t.flows.size() > before) {
            check_flow_has_connector(ctx, flow, flow_path, s, t.flows.back());
          }
        },
        Need::required);
    r.duration("freshness_p95", t.freshness_p95);
    double rate = 0;
    if (r.fraction("error_rate_max", rate)) {
      t.error_rate_max = rate;
    }
    r.duration("mttd_max", t.mttd_max);
    r.duration("mttr_max", t.mttr_max);
    uint64_t loss = 0;
    if (r.u64("data_loss_max", loss)) {
      t.data_loss_max = loss;
    }
    read_damage_limits(r, t, s.currency);
    r.finish();
    s.sla_tiers.push_back(std::move(t));
  });
}

namespace {

void read_burn_rate(MapReader& r, MonitorSpec& m) {
  if (r.fraction("objective", m.objective) && (m.objective <= 0 || m.objective >= 1)) {
    r.error("objective", "expected an objective between 0% and 100%, exclusive");
  }
  r.duration("long_window", m.long_window, Need::optional, microseconds(1));
  if (r.duration("short_window", m.short_window, Need::optional, microseconds(1)) &&
      m.short_window >= m.long_window) {
    r.error("short_window", "expected short_window < long_window");
  }
  r.number("burn_rate", m.burn_rate, 1e-6, 1e6);
}

}  // namespace

void read_monitors(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("monitor");
  const std::vector<std::string_view> targets = target_names(s);
  top.list("monitors", [&](const YNode& item, const std::string& path) {
    MonitorSpec m;
    MapReader r(ctx, item, path);
    if (r.name("name", m.name, Need::required)) {
      unique.add(r, "name", m.name);
    }
    r.choice("kind", m.kind, Need::required);
    if (m.kind == MonitorKind::absence) {
      m.signal = Signal::throughput;
    } else if (m.kind == MonitorKind::reconciliation) {
      m.signal = Signal::reconciliation_delta;
    }
    r.choice("signal", m.signal);
    FlowKind flow{};
    if (r.choice("flow", flow)) {
      m.flow = flow;
    }
    read_ref(r, "target", m.target, targets, "target");
    double v = 0;
    if (r.number("above", v, -1e18, 1e18)) {
      m.above = v;
    }
    if (r.number("below", v, -1e18, 1e18)) {
      m.below = v;
    }
    if (m.kind == MonitorKind::threshold && r.is_mapping() && !m.above && !m.below &&
        item.find("above") == nullptr && item.find("below") == nullptr) {
      ctx.error(r.loc(), path, "a threshold monitor needs 'above' or 'below'");
    }
    r.duration("for", m.hold);
    r.duration("window", m.window, Need::optional, microseconds(1));
    read_burn_rate(r, m);
    r.finish();
    s.monitors.push_back(std::move(m));
  });
}

namespace {

// What an action's target names, by action kind.
enum class TargetKind { none, channel, connector, fault };

TargetKind target_kind(ActionKind k) {
  switch (k) {
    case ActionKind::raise_safety_buffer:
    case ActionKind::pause_channel:
    case ActionKind::resume_channel:
      return TargetKind::channel;
    case ActionKind::rollback:
      return TargetKind::fault;
    case ActionKind::run_reconciliation:
      return TargetKind::none;
    default:
      return TargetKind::connector;
  }
}

void read_action(Ctx& ctx, const YNode& item, const std::string& path, Scenario& s,
                 UniqueNames& ids) {
  ActionSpec a;
  MapReader r(ctx, item, path);
  if (r.name("id", a.id)) ids.add(r, "id", a.id);
  r.choice("action", a.kind, Need::required);
  std::vector<std::string_view> fault_ids;
  for (const FaultSpec& f : s.faults) {
    fault_ids.push_back(f.id);
  }
  switch (target_kind(a.kind)) {
    case TargetKind::channel:
      read_ref(r, "target", a.target, names_of(s.channels), "channel", Need::required);
      break;
    case TargetKind::connector:
      read_ref(r, "target", a.target, names_of(s.connectors), "connector", Need::required);
      break;
    case TargetKind::fault:
      read_ref(r, "target", a.target, fault_ids, "fault", Need::required);
      break;
    case TargetKind::none:
      read_ref(r, "target", a.target, names_of(s.connectors), "connector");
      break;
  }
  r.duration("for", a.length, microseconds(1));
  const bool buffer = a.kind == ActionKind::raise_safety_buffer;
  r.u32("units", a.units, 0, 1'000'000'000, buffer ? Need::required : Need::optional);
  const bool switching = a.kind == ActionKind::switch_policy;
  read_ref(r, "policy", a.policy, names_of(s.policies), "policy",
           switching ? Need::required : Need::optional);
  read_refs(ctx, r, "on", a.on, names_of(s.monitors), "monitor");
  r.duration("delay", a.delay);
  r.finish();
  s.response.runbook.push_back(std::move(a));
}

}  // namespace

void read_response(Ctx& ctx, MapReader& top, Scenario& s) {
  const YNode* n = top.get("response");
  if (n == nullptr) {
    return;
  }
  MapReader r(ctx, *n, "response");
  r.distribution("ack_delay", s.response.ack_delay);
  r.duration("stable_for", s.response.stable_for);
  UniqueNames ids("runbook action");
  r.list("runbook",
         [&](const YNode& item, const std::string& path) { read_action(ctx, item, path, s, ids); });
  r.finish();
}

}  // namespace syncdrill::scenario
