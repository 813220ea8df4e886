// What a monitor reads and what the monitors cannot see, from the scenario alone: a system target
// follows the calls each flow makes (the order ingest posts revenue to the ERP without naming it),
// a channel target its connectors' from and to; a fault no monitor watches a connector of, and a
// monitor that watches none, each give one warning, in scenario order.
#include "sim/world/fault_reach.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;
using Names = std::vector<std::string>;

// The base drill with every flow once: shop sells through the OMS (the base's ingest), stock
// comes from the ERP, the WMS ships, and the outlet channel has no connector at all. Reach reads
// only the topology, so the base's endpoints and policy do not matter here.
std::string topology(const std::string& faults_and_monitors) {
  return fmt::format(R"Y(
extends: base.yaml
name: reach
duration: 1h
channels:
  - {{name: outlet, kind: shopify_like}}
systems:
  - {{name: wms, kind: wms}}
traffic:
  - {{channel: shop, rate: 1/s}}
connectors:
  - {{name: stock, flow: stock_sync, from: erp, to: shop}}
  - {{name: returns, flow: returns, from: shop, to: oms}}
  - {{name: fulfil, flow: fulfillment, from: oms, to: wms}}
  - {{name: recon, flow: reconciliation, from: erp, to: oms}}
{}
)Y",
                     faults_and_monitors);
}

MonitorSpec monitor(std::string target, std::optional<FlowKind> flow = std::nullopt) {
  MonitorSpec m;
  m.name = "m";
  m.target = std::move(target);
  m.flow = flow;
  return m;
}

TEST_CASE("a monitor on a system reads every connector whose calls reach it") {
  const Scenario s = from_text(topology(""));
  // The ERP: ingest posts revenue to it (the rule before, a connector whose name, from or to is
  // the target, missed this one), stock sync reads from it, reconciliation compares it.
  CHECK(monitor_connectors(s, monitor("erp")) == Names{"ingest", "stock", "recon"});
  CHECK(monitor_connectors(s, monitor("oms")) == Names{"ingest", "returns", "fulfil", "recon"});
  CHECK(monitor_connectors(s, monitor("wms")) == Names{"fulfil"});
  // The flow filter applies on top.
  CHECK(monitor_connectors(s, monitor("erp", FlowKind::order_ingest)) == Names{"ingest"});
  CHECK(monitor_connectors(s, monitor("wms", FlowKind::order_ingest)).empty());
}

TEST_CASE("a monitor on a channel, a connector or nothing reads what it names") {
  const Scenario s = from_text(topology(""));
  // A channel: the connectors from or to it (the fulfillment calls it, but is not its flow).
  CHECK(monitor_connectors(s, monitor("shop")) == Names{"ingest", "stock", "returns"});
  CHECK(monitor_connectors(s, monitor("outlet")).empty());
  CHECK(monitor_connectors(s, monitor("recon")) == Names{"recon"});
  CHECK(monitor_connectors(s, monitor("recon", FlowKind::returns)).empty());
  CHECK(monitor_connectors(s, monitor("")) ==
        Names{"ingest", "stock", "returns", "fulfil", "recon"});
  CHECK(monitor_connectors(s, monitor("", FlowKind::returns)) == Names{"returns"});
  // Names the loader would refuse read nothing rather than everything.
  CHECK(monitor_connectors(s, monitor("nowhere")).empty());
  CHECK(monitor_connectors(s, monitor("shop/orders/create")).empty());
}

TEST_CASE("a reconciliation monitor also watches the order ingest and returns connectors") {
  const Scenario s = from_text(topology(""));
  MonitorSpec m = monitor("recon");
  CHECK(monitor_watched(s, m) == Names{"recon"});
  m.kind = MonitorKind::reconciliation;
  CHECK(monitor_watched(s, m) == Names{"recon", "ingest", "returns"});
  m.target = "shop";  // already reads both: no duplicates
  CHECK(monitor_watched(s, m) == Names{"ingest", "stock", "returns"});
}

TEST_CASE("observability warnings name each unseen fault and each monitor that watches nothing") {
  const Scenario s = from_text(topology(R"(faults:
  - {id: erp-slow, kind: timeout, target: erp, at: 10m, for: 15m}
  - {id: outlet-stale, kind: stale_feed, target: outlet, at: 10m, for: 5m}
  - {id: stock-stuck, kind: consumer_stall, target: stock, at: 20m, for: 5m}
  - {id: two, kind: error_burst, target: [oms, wms], at: 30m, for: 5m}
monitors:
  - {name: outlet-errors, kind: threshold, signal: error_rate, target: outlet, above: 0.05}
  - {name: stock-queue, kind: threshold, signal: queue_depth, target: shop, flow: stock_sync,
     above: 100}
  - {name: wms-ingest, kind: threshold, signal: error_rate, target: wms, flow: order_ingest,
     above: 0.05})"));
  CHECK(observability_warnings(s) ==
        Names{"fault erp-slow (timeout on erp) touches connectors ingest, recon, but no monitor "
              "watches any of them: it can never be detected",
              "fault outlet-stale (stale_feed on outlet) touches no connector, so no monitor can "
              "detect it",
              "fault two (error_burst on oms, wms) touches connectors ingest, returns, fulfil, "
              "recon, but no monitor watches any of them: it can never be detected",
              "monitor outlet-errors (target outlet, every flow) watches no connector, so none of "
              "its firings can be attributed to a fault",
              "monitor wms-ingest (target wms, flow order_ingest) watches no connector, so none of "
              "its firings can be attributed to a fault"});
}

TEST_CASE("a monitor on the system a fault hits, through any flow, leaves no warning") {
  const Scenario s = from_text(topology(R"(faults:
  - {id: erp-slow, kind: timeout, target: erp, at: 10m, for: 15m}
monitors:
  - {name: erp-errors, kind: threshold, signal: error_rate, target: erp, above: 0.05,
     flow: order_ingest})"));
  CHECK(observability_warnings(s).empty());
}

TEST_CASE("a reconciliation monitor sees faults on the order ingest and returns it checks") {
  const std::string faults = R"(faults:
  - {id: shop-drop, kind: webhook_drop, target: shop, at: 10m, for: 5m, per: event}
monitors:
)";
  const Scenario blind =
      from_text(topology(
          faults + "  - {name: outlet-only, kind: threshold, signal: dead_letters, target: outlet, "
                   "above: 0}"));
  const Names warned = observability_warnings(blind);
  REQUIRE(warned.size() == 2);
  // The shop's webhooks feed both its order ingest and its returns.
  CHECK(warned[0].rfind(
            "fault shop-drop (webhook_drop on shop) touches connectors ingest, returns, ", 0) == 0);
  CHECK(warned[1].rfind("monitor outlet-only (target outlet, every flow)", 0) == 0);
  const Scenario seen = from_text(
      topology(faults + "  - {name: drift, kind: reconciliation, target: outlet, above: 0}"));
  CHECK(observability_warnings(seen).empty());
}

TEST_CASE("without monitors every fault is unseen, without faults or monitors nothing is said") {
  const Scenario s = from_text(topology(R"(faults:
  - {id: stock-stuck, kind: consumer_stall, target: stock, at: 20m, for: 5m})"));
  CHECK(observability_warnings(s) ==
        Names{"fault stock-stuck (consumer_stall on stock) touches connector stock, but the "
              "scenario has no monitors: it can never be detected"});
  CHECK(observability_warnings(from_text(topology(""))).empty());
  CHECK(observability_warnings(Scenario{}).empty());
}

}  // namespace
}  // namespace syncdrill
