#include "sim/world/fault_reach.hpp"

#include <algorithm>
#include <string_view>

namespace syncdrill {

bool is_gate_kind(FaultKind k) {
  switch (k) {
    case FaultKind::latency:
    case FaultKind::timeout:
    case FaultKind::error_burst:
    case FaultKind::outage:
    case FaultKind::rate_limit:
    case FaultKind::malformed_payload:
      return true;
    default:
      return false;
  }
}

bool is_webhook_kind(FaultKind k) {
  return k == FaultKind::webhook_drop || k == FaultKind::webhook_duplicate ||
         k == FaultKind::webhook_delay || k == FaultKind::event_drop;
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

std::vector<std::string> connectors_touched(const Scenario& scenario, const FaultSpec& f) {
  std::vector<std::string> out;
  for (const ConnectorSpec& c : scenario.connectors) {
    bool touched = false;
    for (const std::string& target : f.targets) {
      const std::string_view channel = std::string_view(target).substr(0, target.find('/'));
      if (c.name == target) touched = true;
      if (is_gate_kind(f.kind)) {
        const std::vector<std::string> ports = ports_called(scenario, c);
        touched |= std::find(ports.begin(), ports.end(), target) != ports.end();
      } else if (is_webhook_kind(f.kind)) {
        const bool returns_topic = target.find("/returns/") != std::string::npos;
        const bool orders_topic = target.find("/orders/") != std::string::npos;
        touched |= c.from == channel && ((c.flow == FlowKind::order_ingest && !returns_topic) ||
                                         (c.flow == FlowKind::returns && !orders_topic));
      } else if (f.kind == FaultKind::stale_feed) {
        const bool sync = c.flow == FlowKind::stock_sync || c.flow == FlowKind::price_sync;
        const bool feeds = f.feed == FeedKind::both ||
                           (f.feed == FeedKind::price) == (c.flow == FlowKind::price_sync);
        touched |= sync && feeds && (c.to == target || c.from == target);
      } else if (f.kind == FaultKind::mapping_regression) {
        touched |= c.flow == FlowKind::fulfillment;
      } else if (f.kind == FaultKind::peak_traffic) {
        touched |= c.from == target || c.to == target || c.flow == FlowKind::fulfillment;
      }
    }
    if (touched) out.push_back(c.name);
  }
  return out;
}

}  // namespace syncdrill
