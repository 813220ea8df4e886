// report.md: checked on a small real run and a hand-made Score (two tiers, one held and one with
// two failed checks; three faults, one missed), so every section has known content.
#include "reports/report_md.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/loader.hpp"
#include "reports/format.hpp"
#include "tests/reports/report_fixture.hpp"

namespace syncdrill {
namespace {

using testing::at_s;
using testing::identity;

// drill-a with a description the writer must escape and a second monitor, on ingest latency.
Scenario scenario() {
  const std::string yaml = std::string(testing::kDrillA) + R"(
  - {name: ingest-latency, kind: threshold, signal: latency_p95, flow: order_ingest, above: 1}
description: "Report writers' drill: a<b & \"c\" | x"
)";
  return testing::load_drill(yaml, "drills/drill-a.yaml");
}

const WorldResult& world() {
  static const WorldResult result = run_world(scenario(), 7);
  return result;
}

// standard holds; critical fails freshness and the MTTD of oms-slow; bad-release is missed.
Score score() {
  Score s = testing::drill_a_score();
  FaultIncident& erp = s.incidents.at(0);
  erp.actions.insert(erp.actions.begin(), {ActionKind::run_reconciliation, "", at_s(270)});
  erp.restored = at_s(300);
  erp.repaired = at_s(330);
  FaultIncident& slow = s.incidents.at(1);
  slow.detected = at_s(390);
  slow.detected_by = {"ingest-latency"};
  slow.mttd = seconds(150);
  slow.acknowledged = at_s(420);
  slow.restored = at_s(480);
  slow.recovery_note =
      "service restored at 8m, but damage was not repaired: at the end 12 orders "
      "missing from the OMS (at most 0 before the onset)";
  FaultIncident& release = s.incidents.at(2);
  release.restored = at_s(540);
  release.repaired = at_s(540);
  release.recovered = at_s(540);
  release.mttr = seconds(180);

  MonitorOutcome& errors = s.monitors.at(0);
  errors.firings.push_back({at_s(500), std::nullopt, 0.1, {}});
  errors.false_positives = 1;
  MonitorOutcome latency;
  latency.name = "ingest-latency";
  latency.firings = {{at_s(390), at_s(420), 1.5, {"oms-slow"}}};
  s.monitors.push_back(latency);
  return s;
}

// The cells of a Markdown table row, split at pipes not escaped by a backslash.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size()) {
      cell += row.substr(i, 2);
      ++i;
    } else if (row[i] == '|') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  out.push_back(cell);
  // A row starts and ends with a pipe: drop the empty ends, trim the rest.
  if (out.size() >= 2) out = std::vector<std::string>(out.begin() + 1, out.end() - 1);
  for (std::string& c : out) {
    c.erase(0, c.find_first_not_of(' '));
    c.erase(c.find_last_not_of(' ') + 1);
  }
  return out;
}

// Every line that starts with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
    start = end + 1;
  }
  return out;
}

TEST_CASE("report.md: title, verdict line and replay command") {
  const std::string md = report_markdown(scenario(), identity(), world(), score());
  CHECK(md.rfind("# Drill drill-a: FAIL\n", 0) == 0);
  CHECK(md.find("**FAIL**: 1 of 2 SLA tiers breached (2 of 4 checks failed). Faults: 2 of 3 "
                "detected, 1 missed.") != std::string::npos);
  CHECK(md.find("```sh\nsyncdrill run drill-a.yaml --seed 7\n```\n") != std::string::npos);
  CHECK(md.find("- **Scenario:** drill-a.yaml (sha256:00ff)") != std::string::npos);
  // The description is user text: escaped, on one line.
  CHECK(md.find("> Report writers' drill: a\\<b \\& \"c\" \\| x\n") != std::string::npos);
}

TEST_CASE("report.md: one tier table row per check, with units and held or breached") {
  const std::string md = report_markdown(scenario(), identity(), world(), score());
  const std::vector<std::string> rows = lines_starting(md, "| standard |");
  const std::vector<std::string> critical = lines_starting(md, "| critical |");
  REQUIRE(rows.size() == 1);
  REQUIRE(critical.size() == 3);
  CHECK(cells(rows[0]) == std::vector<std::string>{"standard", "freshness_p95", "stock_sync", "-",
                                                   "-", "42.5 s", "300 s (5m)", "held"});
  CHECK(cells(critical[0]) == std::vector<std::string>{"critical", "freshness_p95", "order_ingest",
                                                       "-", "-", "95.25 s (1m35s)", "30 s",
                                                       "**breached**"});
  CHECK(cells(critical[1]) == std::vector<std::string>{"critical", "error_rate", "order_ingest",
                                                       "-", "-", "0.4%", "1%", "held"});
  CHECK(cells(critical[2]) == std::vector<std::string>{"critical", "mttd", "order_ingest", "-",
                                                       "oms-slow", "150 s (2m30s)", "120 s (2m)",
                                                       "**breached**"});
  CHECK(md.find("- **standard**: held (1 check)\n") != std::string::npos);
  CHECK(md.find("- **critical**: breached (2 of 3 checks failed)\n") != std::string::npos);
}

TEST_CASE("report.md: each failure's reason is listed") {
  const std::string md = report_markdown(scenario(), identity(), world(), score());
  const std::vector<std::string> failures = lines_starting(md, "- **critical** / ");
  REQUIRE(failures.size() == 2);
  CHECK(failures[0] ==
        "- **critical** / freshness_p95 order_ingest: order ingest p95 freshness was 95.25 s, "
        "over the 30 s target (actual 95.25 s (1m35s), limit 30 s)");
  CHECK(failures[1] ==
        "- **critical** / mttd order_ingest \\[oms-slow\\]: oms-slow was detected after 2m30s, "
        "over the 2m target (actual 150 s (2m30s), limit 120 s (2m))");
  CHECK(lines_starting(md, "- **standard** / ").empty());
}

TEST_CASE("report.md: the fault timeline flags the missed fault") {
  const std::string md = report_markdown(scenario(), identity(), world(), score());
  const std::vector<std::string> erp = lines_starting(md, "| erp-down |");
  const std::vector<std::string> slow = lines_starting(md, "| oms-slow |");
  const std::vector<std::string> release = lines_starting(md, "| bad-release |");
  REQUIRE(erp.size() == 1);
  REQUIRE(slow.size() == 1);
  REQUIRE(release.size() == 1);
  CHECK(cells(erp[0]) == std::vector<std::string>{
                             "erp-down", "outage", "third_party", "2m",
                             "2m30s (MTTD 30s) by erp-errors", "4m",
                             "run_reconciliation at 4m30s<br>replay_dead_letter ingest at 4m40s",
                             "5m", "5m30s (MTTR 3m30s)", "no"});
  CHECK(cells(slow[0]) == std::vector<std::string>{"oms-slow", "latency", "third_party", "4m",
                                                   "6m30s (MTTD 2m30s) by ingest-latency", "7m",
                                                   "-", "8m", "not recovered", "no"});
  CHECK(cells(release[0]) == std::vector<std::string>{"bad-release", "error_burst", "release", "6m",
                                                      "-", "-", "-", "9m", "9m (MTTR 3m)",
                                                      "**missed**"});
  // Why the unrecovered fault did not recover, from the score.
  CHECK(md.find("- **oms-slow**: service restored at 8m, but damage was not repaired: at the end "
                "12 orders missing from the OMS (at most 0 before the onset)") !=
        std::string::npos);
}

TEST_CASE("report.md: monitors with firings and false positives, and the business impact") {
  const std::string md = report_markdown(scenario(), identity(), world(), score());
  const std::vector<std::string> errors = lines_starting(md, "| erp-errors |");
  REQUIRE(errors.size() == 1);
  CHECK(cells(errors[0]) ==
        std::vector<std::string>{"erp-errors", "threshold", "2", "erp-down", "1"});
  const std::vector<std::string> latency = lines_starting(md, "| ingest-latency |");
  REQUIRE(latency.size() == 1);
  CHECK(cells(latency[0]) ==
        std::vector<std::string>{"ingest-latency", "threshold", "1", "oms-slow", "0"});

  const Impact impact = total_impact(world());
  REQUIRE(impact.orders_placed > 0);
  const std::vector<std::string> placed = lines_starting(md, "| Orders placed |");
  REQUIRE(placed.size() == 1);
  CHECK(cells(placed[0])[1] == grouped(impact.orders_placed));
  for (const char* row : {"| Duplicated in the OMS |", "| Lost (never reached the OMS) |",
                          "| Oversold, then cancelled |", "| Lines sold at a stale price |",
                          "| Returns not synced |"}) {
    CHECK_MESSAGE(lines_starting(md, row).size() == 1, row);
  }
  CHECK(cells(lines_starting(md, "| Lost (never reached the OMS) |")[0])[1] ==
        grouped(impact.lost));
}

TEST_CASE("report.md: names with pipes, HTML and line breaks stay inside their cells") {
  Score s = score();
  s.tiers[1].tier = "x|y";
  s.tiers[1].checks[0].reason = "a<b&\"c\" | two\nlines";
  s.incidents[2].fault_id = "x|y";
  const std::string md = report_markdown(scenario(), identity(), world(), s);
  const std::vector<std::string> rows = lines_starting(md, "| x\\|y |");
  REQUIRE(rows.size() == 4);  // three checks and the fault
  for (size_t i = 0; i < 3; ++i)
    CHECK(cells(rows[i]).size() == 8);
  CHECK(cells(rows[3]).size() == 10);
  CHECK(cells(rows[3])[9] == "**missed**");
  CHECK(md.find("- **x\\|y** / freshness_p95 order_ingest: a\\<b\\&\"c\" \\| two<br>lines "
                "(actual") != std::string::npos);
  CHECK(md.find("x|y") == std::string::npos);  // every pipe in a name is escaped
}

TEST_CASE("report.md: NOT SCORED without tiers, PASS when every tier holds") {
  Score unscored = score();
  unscored.scored = false;
  unscored.tiers.clear();
  const std::string md = report_markdown(scenario(), identity(), world(), unscored);
  CHECK(md.rfind("# Drill drill-a: NOT SCORED\n", 0) == 0);
  CHECK(md.find("No SLA tiers in the scenario") != std::string::npos);
  CHECK(md.find("| bad-release |") != std::string::npos);  // faults are still reported

  Score passing = score();
  for (TierCheck& c : passing.tiers[1].checks) {
    c.held = true;
    c.reason.clear();
  }
  const std::string pass = report_markdown(scenario(), identity(), world(), passing);
  CHECK(pass.rfind("# Drill drill-a: PASS\n", 0) == 0);
  CHECK(pass.find("**PASS**: every SLA tier held (2 tiers, 4 checks).") != std::string::npos);
  CHECK(pass.find("### Failures") == std::string::npos);
}

TEST_CASE("report.md: the same run gives the same bytes") {
  const std::string a = report_markdown(scenario(), identity(), world(), score());
  const WorldResult again = run_world(scenario(), 7);
  CHECK(report_markdown(scenario(), identity(), again, score()) == a);
}

TEST_CASE(
    "report.md: the warnings come before the SLA tiers, escaped, and only when there are some") {
  Score s = score();
  s.warnings = {
      "fault erp-down (outage on erp) touches connector ingest, but no monitor watches it",
      "monitor a|b (target <x>, every flow) watches no connector"};
  const std::string md = report_markdown(scenario(), identity(), world(), s);
  const size_t warnings = md.find("\n## Warnings\n\n");
  REQUIRE(warnings != std::string::npos);
  CHECK(warnings < md.find("\n## SLA tiers\n"));
  CHECK(md.find("\n## Warnings\n\n- fault erp-down (outage on erp) touches connector ingest, but "
                "no monitor watches it\n- monitor a\\|b (target \\<x\\>, every flow) watches no "
                "connector\n") != std::string::npos);
  CHECK(report_markdown(scenario(), identity(), world(), score()).find("## Warnings") ==
        std::string::npos);
}

TEST_CASE("md_text escapes Markdown in user text and keeps identifiers readable") {
  CHECK(md_text("order_ingest") == "order_ingest");
  CHECK(md_text("_x_ *y* `z` [l](u) <b> & ~~s~~ \\") ==
        "\\_x\\_ \\*y\\* \\`z\\` \\[l\\](u) \\<b\\> \\& \\~\\~s\\~\\~ \\\\");
  CHECK(md_text("a|b\r\nc\nd\te\x01") == "a\\|b<br>c<br>d e");
}

}  // namespace
}  // namespace syncdrill
