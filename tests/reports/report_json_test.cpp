// report.json's reconciliation entries and the impact's unmatched entries, on hand-made runs
// whose counts are all different, so a field summed from the wrong counts shows.
#include "reports/report_json.hpp"

#include <string>

#include <doctest/doctest.h>

#include "sim/scenario/loader.hpp"

namespace syncdrill {
namespace {

Scenario scenario() {
  LoadResult r = load_scenario_text(R"(
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
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
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
