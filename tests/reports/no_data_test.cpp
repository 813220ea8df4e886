// A check with nothing to measure, a missed fault and an unrecovered one read the same in every
// format: "no data" / null / skipped, "missed", "not recovered" - never a number such as 0 s.
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "reports/junit_xml.hpp"
#include "reports/report_html.hpp"
#include "reports/report_json.hpp"
#include "reports/report_md.hpp"
#include "tests/reports/report_fixture.hpp"

namespace syncdrill {
namespace {

Scenario scenario() {
  return testing::load_drill(R"(
name: no-data
duration: 5m
channels:
  - {name: shop, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms}
  - {name: recon, flow: reconciliation, from: erp, to: oms}
faults:
  - {id: oms-down, kind: outage, target: oms, at: 1m, for: 1m}
sla_tiers:
  - {name: orders, flows: [order_ingest], mttd_max: 5m, mttr_max: 10m}
  - {name: batch, flows: [reconciliation], unmatched_max: 0}
)",
                             "no-data.yaml");
}

TierCheck check(std::string name, FlowKind flow, std::optional<double> actual, bool held,
                bool no_data, std::string subject = "") {
  TierCheck c;
  c.check = std::move(name);
  c.flow = flow;
  c.actual = actual;
  c.limit = 300;
  c.unit = "s";
  c.held = held;
  c.no_data = no_data;
  c.subject = std::move(subject);
  c.reason = no_data ? "reconciliation never ran" : held ? "" : "fault oms-down: see the timeline";
  return c;
}

Score score() {
  Score s;
  s.scored = true;
  TierVerdict orders{
      "orders",
      {check("mttd", FlowKind::order_ingest, std::nullopt, false, false, "oms-down"),
       check("mttr", FlowKind::order_ingest, std::nullopt, false, false, "oms-down")}};
  TierVerdict batch{"batch",
                    {check("unmatched_end", FlowKind::reconciliation, std::nullopt, true, true)}};
  s.tiers = {orders, batch};
  FaultIncident f;
  f.fault_id = "oms-down";
  f.onset = SimTime{} + minutes(1);
  f.ended = SimTime{} + minutes(2);
  f.recovery_note = "service not restored: at the end connector ingest still held 7 dead letters";
  s.incidents = {f};
  return s;
}

TEST_CASE("no data, missed and not recovered are words in every report, never a number") {
  const Scenario sc = scenario();
  const WorldResult r;
  const RunIdentity id{"no-data.yaml", "sha256:00", 1};
  const Score s = score();

  const nlohmann::ordered_json j = report_json(sc, id, r, nullptr, &s);
  const auto& batch = j["tiers"][1];
  CHECK(batch["no_data"] == true);
  CHECK(batch["held"] == true);
  CHECK(batch["checks"][0]["status"] == "no_data");
  CHECK(batch["checks"][0]["actual"].is_null());
  CHECK(batch["checks"][0]["reason"] == "reconciliation never ran");
  const auto& orders = j["tiers"][0];
  CHECK(orders["held"] == false);
  for (const auto& c : orders["checks"]) {
    CHECK(c["status"] == "breached");
    CHECK(c["actual"].is_null());
  }
  CHECK(j["faults"][0]["mttd_s"].is_null());
  CHECK(j["faults"][0]["mttr_s"].is_null());
  CHECK(j["faults"][0]["recovery_note"] == s.incidents[0].recovery_note);

  const std::string md = report_markdown(sc, id, r, s);
  CHECK(md.find("- **batch**: no data (1 check, none had anything to measure)") !=
        std::string::npos);
  CHECK(md.find("| batch | unmatched_end | reconciliation | - | - | no data | 300 s (5m) | no "
                "data |") != std::string::npos);
  CHECK(md.find("| orders | mttd | order_ingest | - | oms-down | missed |") != std::string::npos);
  CHECK(md.find("| orders | mttr | order_ingest | - | oms-down | not recovered |") !=
        std::string::npos);
  CHECK(md.find("| 0 s |") == std::string::npos);
  // One sentence once: the second breach with the same reason points back to the first.
  CHECK(md.find("- **orders** / mttd order_ingest \\[oms-down\\]: fault oms-down: see the "
                "timeline (actual missed") != std::string::npos);
  CHECK(md.find("- **orders** / mttr order_ingest \\[oms-down\\]: as above (actual not "
                "recovered") != std::string::npos);
  CHECK(md.find("### No data\n\n- **batch** / unmatched_end reconciliation: reconciliation never "
                "ran") != std::string::npos);

  const std::string xml = report_junit(sc, id, r, s);
  CHECK(xml.find("<skipped message=\"no data: reconciliation never ran\"/>") != std::string::npos);
  CHECK(xml.find("actual missed, limit 300 s (5m)") != std::string::npos);
  CHECK(xml.find("actual not recovered, limit 300 s (5m)") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"tier:batch\" tests=\"1\" failures=\"0\" errors=\"0\" "
                 "skipped=\"1\"") != std::string::npos);

  const std::string html = report_html(sc, id, r, s);
  CHECK(html.find("<td>unmatched_end</td><td>reconciliation</td><td>-</td><td>-</td><td "
                  "class=\"num\">no data</td>") != std::string::npos);
  CHECK(html.find("<td class=\"num\">missed</td>") != std::string::npos);
  CHECK(html.find("<td class=\"num\">not recovered</td>") != std::string::npos);
  CHECK(html.find(s.incidents[0].recovery_note) != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
