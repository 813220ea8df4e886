// The report writers' tests share one small drill, drill-a, and the hand-made Score they check
// the writers against, with known times (at_s) and tier checks built in one line. Each test adds
// to the Score what its writer shows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "reports/report_json.hpp"
#include "sim/score/score.hpp"

namespace syncdrill::testing {

// drill-a: one channel into an OMS, stock sync from the ERP, three faults (an ERP outage, OMS
// latency, a bad ingest release), a standard and a critical tier, and one monitor on the ERP's
// errors, which stays the last section so that a test can append monitor items.
inline constexpr const char* kDrillA = R"(
name: drill-a
seed: 7
duration: 10m
currency: EUR
catalog: {skus: 50, stock_per_sku: 100}
channels:
  - {name: dtc, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
traffic:
  - {channel: dtc, rate: 60/min}
connectors:
  - {name: ingest, flow: order_ingest, from: dtc, to: oms}
  - {name: stock, flow: stock_sync, from: erp, to: dtc}
faults:
  - {id: erp-down, kind: outage, target: erp, at: 2m, for: 1m}
  - {id: oms-slow, kind: latency, target: oms, at: 4m, for: 1m, latency: 500ms}
  - {id: bad-release, kind: error_burst, target: ingest, at: 6m, for: 2m, cause: release}
sla_tiers:
  - {name: standard, flows: [stock_sync], freshness_p95: 5m}
  - {name: critical, flows: [order_ingest], freshness_p95: 30s, error_rate_max: 1%, mttd_max: 2m}
monitors:
  - {name: erp-errors, kind: threshold, signal: error_rate, target: erp, above: 0.05}
)";

// The scenario in `yaml`, named `path`; one that does not validate fails the test.
inline Scenario load_drill(const std::string& yaml, const std::string& path) {
  LoadResult r = load_scenario_text(yaml, path);
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

// The identity of a run of drill-a on its seed, as report headers show it.
inline RunIdentity identity() {
  return RunIdentity{"drills/drill-a.yaml", "sha256:00ff", 7};
}

inline SimTime at_s(int64_t s) {
  return SimTime{s * 1'000'000};
}

// A tier check that held when `reason` is empty and failed for `reason` otherwise.
inline TierCheck check(std::string name, FlowKind flow, std::optional<double> actual, double limit,
                       std::string unit, std::string reason = "", std::string subject = "") {
  TierCheck c;
  c.check = std::move(name);
  c.flow = flow;
  c.subject = std::move(subject);
  c.actual = actual;
  c.limit = limit;
  c.unit = std::move(unit);
  c.held = reason.empty();
  c.reason = std::move(reason);
  return c;
}

// drill-a's hand-made Score, the part every writer's test shares. The tiers: standard holds;
// critical fails its freshness and the MTTD of oms-slow, and holds its error rate. The faults:
// erp-down detected at 2m30s by erp-errors (MTTD 30 s), acknowledged at 4m, its dead letters
// replayed at 4m40s, recovered at 5m30s (MTTR 3m30s); oms-slow and bad-release with their
// windows only, for each test to say what became of them. The monitor: erp-errors, firing once,
// on erp-down.
inline Score drill_a_score() {
  Score s;
  s.scored = true;
  s.tiers = {{"standard", {check("freshness_p95", FlowKind::stock_sync, 42.5, 300, "s")}},
             {"critical",
              {check("freshness_p95", FlowKind::order_ingest, 95.25, 30, "s",
                     "order ingest p95 freshness was 95.25 s, over the 30 s target"),
               check("error_rate", FlowKind::order_ingest, 0.004, 0.01, "ratio"),
               check("mttd", FlowKind::order_ingest, 150, 120, "s",
                     "oms-slow was detected after 2m30s, over the 2m target", "oms-slow")}}};
  FaultIncident erp;
  erp.fault_id = "erp-down";
  erp.onset = at_s(120);
  erp.ended = at_s(180);
  erp.detected = at_s(150);
  erp.detected_by = {"erp-errors"};
  erp.mttd = seconds(30);
  erp.acknowledged = at_s(240);
  erp.actions = {{ActionKind::replay_dead_letter, "ingest", at_s(280)}};
  erp.recovered = at_s(330);
  erp.mttr = seconds(210);
  FaultIncident slow;
  slow.fault_id = "oms-slow";
  slow.onset = at_s(240);
  slow.ended = at_s(300);
  FaultIncident release;
  release.fault_id = "bad-release";
  release.onset = at_s(360);
  release.ended = at_s(480);
  s.incidents = {erp, slow, release};
  MonitorOutcome errors;
  errors.name = "erp-errors";
  errors.firings = {{at_s(150), at_s(200), 0.4, {"erp-down"}}};
  s.monitors = {errors};
  return s;
}

}  // namespace syncdrill::testing
