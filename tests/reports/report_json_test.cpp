// report.json: its `warnings` (the Score's sentences, in order, right after `verdict`; an empty
// list when there are none or nothing was scored), and its reconciliation entries and the
// impact's unmatched entries, on hand-made runs whose counts are all different.
#include "reports/report_json.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "sim/score/detection.hpp"
#include "tests/reports/report_fixture.hpp"

namespace syncdrill {
namespace {

// The ERP outage meets the order ingest; the only monitor watches the outlet channel, which no
// connector reads or writes.
constexpr const char* kBlind = R"(
name: blind
duration: 10m
catalog: {skus: 50, stock_per_sku: 100}
channels:
  - {name: dtc, kind: shopify_like}
  - {name: outlet, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
traffic:
  - {channel: dtc, rate: 60/min}
connectors:
  - {name: ingest, flow: order_ingest, from: dtc, to: oms}
faults:
  - {id: erp-down, kind: outage, target: erp, at: 2m, for: 1m}
monitors:
  - {name: outlet-errors, kind: threshold, signal: error_rate, target: outlet, above: 0.05}
)";

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items())
    out.push_back(item.key());
  return out;
}

TEST_CASE("report.json: warnings follow the verdict, one string per warning") {
  LoadResult loaded = load_scenario_text(kBlind, "blind.yaml");
  REQUIRE(loaded.ok());
  const Scenario& s = *loaded.scenario;
  const WorldResult r = run_world(s, 3);
  const Score score = score_run(s, r);
  const RunIdentity id{"blind.yaml", "sha256:00", 3};
  const nlohmann::ordered_json j = report_json(s, id, r, nullptr, &score);
  const std::vector<std::string> names = keys(j);
  const auto verdict = std::find(names.begin(), names.end(), "verdict");
  REQUIRE(verdict != names.end());
  REQUIRE(verdict + 1 != names.end());
  CHECK(*(verdict + 1) == "warnings");
  REQUIRE(j["warnings"].is_array());
  CHECK(j["warnings"] ==
        nlohmann::ordered_json::array(
            {"fault erp-down (outage on erp) touches connector ingest, but no monitor watches "
             "it: it can never be detected",
             "monitor outlet-errors (target outlet, every flow) watches no connector, so none of "
             "its firings can be attributed to a fault"}));
  // The warnings say what the drill cannot see; the run itself is not scored (no tiers).
  CHECK(j["verdict"] == "not_scored");
  CHECK(j["faults"][0]["missed"] == true);

  // Nothing to warn of, or no score at all: an empty list, never a missing key.
  const Score quiet;
  CHECK(report_json(s, id, r, nullptr, &quiet)["warnings"] == nlohmann::ordered_json::array());
  CHECK(report_json(s, id, r)["warnings"] == nlohmann::ordered_json::array());
}

Scenario scenario() {
  return testing::load_drill(R"(
name: recon-report
duration: 3h
channels:
  - {name: dtc, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
connectors:
  - {name: recon, flow: reconciliation, from: erp, to: oms}
)",
                             "recon-report.yaml");
}

WorldResult two_runs() {
  WorldResult r;
  ReconciliationRun first;
  first.at = SimTime{} + hours(1);
  first.missing_in_oms = 1;
  first.duplicated_in_oms = 20;
  first.revenue_mismatched = 300;
  first.returns_out_of_sync = 4000;
  first.repairs_started = 50000;
  ReconciliationRun last;
  last.at = SimTime{} + hours(2);
  last.missing_in_oms = 6;
  last.returns_out_of_sync = 1700;
  r.reconciliation = {first, last};
  return r;
}

TEST_CASE("report.json: a reconciliation entry counts returns out of sync among the unmatched") {
  const nlohmann::ordered_json j =
      report_json(scenario(), RunIdentity{"recon-report.yaml", "sha256:00", 1}, two_runs());
  const auto& runs = j.at("reconciliation");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].at("returns_out_of_sync") == 4000);
  CHECK(runs[0].at("unmatched") == 4321);
  CHECK(runs[0].at("repairs_started") == 50000);
  CHECK(runs[1].at("returns_out_of_sync") == 1700);
  CHECK(runs[1].at("unmatched") == 1706);
  // The impact's figure is the last run's.
  CHECK(j.at("impact").at("unmatched_entries") == 1706);
}

TEST_CASE("the impact row of the last reconciliation names its returns out of sync") {
  const WorldResult r = two_runs();
  const Impact impact = total_impact(r);
  CHECK(impact.unmatched_entries == 1706);
  const std::vector<ImpactRow> rows = impact_rows(impact, r, "EUR");
  REQUIRE(!rows.empty());
  CHECK(rows.back().measure == "Unmatched at last reconciliation");
  CHECK(rows.back().count == 1706);
  CHECK(rows.back().note == "missing 6, duplicated 0, revenue entries not one 0, returns 1,700");
}

}  // namespace
}  // namespace syncdrill
