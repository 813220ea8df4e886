#include "sim/world/fault_reach.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "core/scenario/fault_kinds.hpp"

namespace syncdrill {

namespace {

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Does connector `c` belong to a monitor scope named `target` (flow aside)?
bool in_target(const Scenario& scenario, const ConnectorSpec& c, const std::string& target) {
  if (target.empty()) return true;
  if (find_connector(scenario, target) != nullptr) return c.name == target;
  if (c.from == target || c.to == target) return true;
  // A system is also reached through the calls a flow makes on its way: the order ingest from a
  // channel to the OMS posts revenue to the ERP without naming it.
  return find_system(scenario, target) != nullptr && contains(ports_called(scenario, c), target);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string fault_warning(const Scenario& scenario, const FaultSpec& f,
                          const std::vector<std::string>& touched) {
  const std::string what =
      fmt::format("fault {} ({} on {})", f.id, to_string(f.kind), joined(f.targets));
  if (touched.empty()) {
    return fmt::format("{} touches no connector, so no monitor can detect it", what);
  }
  const std::string reach =
      fmt::format("{} {}", touched.size() == 1 ? "connector" : "connectors", joined(touched));
  if (scenario.monitors.empty()) {
    return fmt::format("{} touches {}, but the scenario has no monitors: it can never be detected",
                       what, reach);
  }
  return fmt::format("{} touches {}, but no monitor watches {}: it can never be detected", what,
                     reach, touched.size() == 1 ? "it" : "any of them");
}

std::string monitor_warning(const MonitorSpec& m) {
  const std::string target = m.target.empty() ? "no target" : "target " + m.target;
  const std::string flow =
      m.flow ? fmt::format("flow {}", to_string(*m.flow)) : std::string("every flow");
  return fmt::format(
      "monitor {} ({}, {}) watches no connector, so none of its firings can be attributed to a "
      "fault",
      m.name, target, flow);
}

}  // namespace

bool is_gate_kind(FaultKind k) {
  return scenario::family_of(k) == scenario::FaultFamily::request;
}

bool is_webhook_kind(FaultKind k) {
  return scenario::family_of(k) == scenario::FaultFamily::webhook;
}

std::vector<std::string> ports_called(const Scenario& scenario, const ConnectorSpec& c) {
  std::vector<std::string> out;
  auto add = [&](SystemKind kind) {
    for (const SystemSpec& sys : scenario.systems) {
      if (sys.kind == kind) {
        out.push_back(sys.name);
        return;
      }
    }
  };
  switch (c.flow) {
    case FlowKind::order_ingest:
    case FlowKind::reconciliation:
      add(SystemKind::oms);
      add(SystemKind::erp);
      break;
    case FlowKind::returns:
      add(SystemKind::oms);
      break;
    case FlowKind::stock_sync:
    case FlowKind::price_sync:
      out.push_back(c.to);
      break;
    case FlowKind::fulfillment:
      add(SystemKind::wms);
      add(SystemKind::oms);
      for (const ChannelSpec& ch : scenario.channels)
        out.push_back(ch.name);
      break;
  }
  return out;
}

namespace {

// Whether a fault of `row`'s kind, aimed at `target`, touches connector `c` (besides naming it).
bool reaches(const Scenario& scenario, const scenario::FaultKindRow& row, const FaultSpec& f,
             const ConnectorSpec& c, const std::string& target) {
  using scenario::FaultFamily;
  const bool hurts = std::find(row.flows.begin(), row.flows.end(), c.flow) != row.flows.end();
  switch (row.family) {
    case FaultFamily::request:
      return contains(ports_called(scenario, c), target);
    case FaultFamily::webhook: {
      // A channel (every topic) or one topic: its order topics reach the order ingest, its
      // returns topic the returns flow.
      const std::string_view channel = std::string_view(target).substr(0, target.find('/'));
      const bool returns_topic = target.find("/returns/") != std::string::npos;
      const bool orders_topic = target.find("/orders/") != std::string::npos;
      return hurts && c.from == channel &&
             ((c.flow == FlowKind::order_ingest && !returns_topic) ||
              (c.flow == FlowKind::returns && !orders_topic));
    }
    case FaultFamily::feed: {
      const FeedKind feed = f.settings_as<StaleFeedSettings>().feed;
      const bool feeds =
          feed == FeedKind::both || (feed == FeedKind::price) == (c.flow == FlowKind::price_sync);
      return hurts && feeds && (c.to == target || c.from == target);
    }
    case FaultFamily::mapping:
      return hurts;
    case FaultFamily::load:
      return c.from == target || c.to == target || c.flow == FlowKind::fulfillment;
    case FaultFamily::connector:
      return false;  // only the connector it names
  }
  return false;
}

}  // namespace

std::vector<std::string> connectors_touched(const Scenario& scenario, const FaultSpec& f) {
  const scenario::FaultKindRow& row = scenario::fault_kind_row(f.kind);
  std::vector<std::string> out;
  for (const ConnectorSpec& c : scenario.connectors) {
    const bool touched = std::any_of(f.targets.begin(), f.targets.end(), [&](const auto& target) {
      return c.name == target || reaches(scenario, row, f, c, target);
    });
    if (touched) out.push_back(c.name);
  }
  return out;
}

std::vector<std::string> monitor_connectors(const Scenario& scenario, const MonitorSpec& m) {
  std::vector<std::string> out;
  for (const ConnectorSpec& c : scenario.connectors) {
    if (m.flow && c.flow != *m.flow) continue;
    if (in_target(scenario, c, m.target)) out.push_back(c.name);
  }
  return out;
}

std::vector<std::string> monitor_watched(const Scenario& scenario, const MonitorSpec& m) {
  std::vector<std::string> out = monitor_connectors(scenario, m);
  if (m.kind != MonitorKind::reconciliation) return out;
  for (const ConnectorSpec& c : scenario.connectors) {
    const bool checked = c.flow == FlowKind::order_ingest || c.flow == FlowKind::returns;
    if (checked && !contains(out, c.name)) out.push_back(c.name);
  }
  return out;
}

std::vector<std::string> observability_warnings(const Scenario& scenario) {
  std::vector<std::vector<std::string>> watched;
  for (const MonitorSpec& m : scenario.monitors)
    watched.push_back(monitor_watched(scenario, m));
  std::vector<std::string> out;
  for (const FaultSpec& f : scenario.faults) {
    const std::vector<std::string> touched = connectors_touched(scenario, f);
    const bool seen = std::any_of(watched.begin(), watched.end(), [&](const auto& scope) {
      return std::any_of(touched.begin(), touched.end(),
                         [&](const std::string& c) { return contains(scope, c); });
    });
    if (!seen) out.push_back(fault_warning(scenario, f, touched));
  }
  for (size_t i = 0; i < scenario.monitors.size(); ++i) {
    if (watched[i].empty()) out.push_back(monitor_warning(scenario.monitors[i]));
  }
  return out;
}

}  // namespace syncdrill
