// A live drill's report.json, report.md and junit.xml, written by the run's writers
// (reports/report_json.cpp, report_md.cpp, junit_xml.cpp) from a hand-made LiveResult: the tier
// checks and incidents in the simulation's types, the drill's own checks in the live section,
// and every figure a live drill cannot measure absent, never 0.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "reports/junit_xml.hpp"
#include "reports/live_report.hpp"
#include "reports/report_json.hpp"
#include "reports/report_md.hpp"
#include "sim/score/tier_checks.hpp"
#include "tests/reports/live_fixture.hpp"
#include "tests/reports/xmllint.hpp"

namespace syncdrill {
namespace {

using testing::xmllint;

const Scenario& scenario() {
  // One tier, "orders": order_ingest, data_loss_max 0, mttd_max 5m, mttr_max 10m.
  static const Scenario s =
      *load_scenario_file(std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios/valid/live-drill.yaml")
           .scenario;
  return s;
}

TierCheck decided(std::string check, double actual, double limit, std::string unit,
                  std::string subject = "") {
  TierCheck c = tier_check(check, FlowKind::order_ingest, limit, std::move(unit));
  c.subject = std::move(subject);
  return decided_check(c, actual, [] { return std::string("over its limit in this fixture"); });
}

// The fixture's drill (oms-hang acknowledged after 5 s and served again after 12 s, erp-burst
// never caught), scored on live-drill.yaml's orders tier, where `duplicated` orders came in
// twice, no answer carried Retry-After and no listing went stale (no staleness to measure).
LiveResult drill(uint64_t duplicated) {
  LiveResult r = testing::live_fixture();
  r.id = RunIdentity{"tests/scenarios/valid/live-drill.yaml", "sha256:abc", 7};
  r.listen = "127.0.0.1:8080";
  r.ended_by = "finish";
  r.orders.placed = 40;
  r.orders.created_once = 40 - duplicated;
  r.orders.duplicated = duplicated;
  r.orders.duplicate_copies = duplicated;
  r.stock.samples = 30;
  r.stock.listings = 50;
  r.stock.stale_share = 0.0;
  r.score.scored = true;
  TierCheck not_caught = tier_check("mttd", FlowKind::order_ingest, 300, "s");
  not_caught.subject = "erp-burst";
  not_caught.held = false;
  not_caught.reason = "fault erp-burst was never acknowledged";
  r.score.tiers = {
      TierVerdict{"orders",
                  {decided("data_loss", 0, 0, "orders"), decided("mttd", 5, 300, "s", "oms-hang"),
                   not_caught, decided("mttr", 12, 600, "s", "oms-hang")}}};
  r.live_checks = {
      decided("orders duplicated", static_cast<double>(duplicated), 0, "orders"),
      no_data_check(tier_check("Retry-After honoured", FlowKind::order_ingest, 0, "retries"),
                    "no answer carried Retry-After")};
  r.webhooks = nlohmann::json::object();
  r.routes = nlohmann::json::array();
  return r;
}

const nlohmann::ordered_json* find_by(const nlohmann::ordered_json& list, const std::string& key,
                                      const std::string& value) {
  for (const auto& item : list) {
    if (item[key] == value) return &item;
  }
  return nullptr;
}

TEST_CASE(
    "live report.json: the run's layout, the tiers and incidents, null what is not measured") {
  const nlohmann::ordered_json j = live_report_json(scenario(), drill(2));
  CHECK(j["schema_version"] == kReportSchemaVersion);
  CHECK(j["mode"] == "live");
  CHECK(j["scenario"]["name"] == "live-drill");
  CHECK(j["seed"] == 7);
  CHECK(j["verdict"] == "fail");  // the tier's missed mttd, and the duplicates
  // The tiers as a run writes them.
  REQUIRE(j["tiers"].size() == 1);
  const auto& tier = j["tiers"][0];
  CHECK(tier["name"] == "orders");
  CHECK(tier["held"] == false);
  REQUIRE(tier["checks"].size() == 4);
  CHECK(tier["checks"][0]["check"] == "data_loss");
  CHECK(tier["checks"][0]["status"] == "held");
  CHECK(tier["checks"][1]["subject"] == "oms-hang");
  CHECK(tier["checks"][1]["actual"] == 5.0);
  CHECK(tier["checks"][2]["status"] == "breached");
  CHECK(tier["checks"][2]["actual"].is_null());
  // Each fault with its incident; the damage a live drill does not measure is null.
  const auto* oms = find_by(j["faults"], "id", "oms-hang");
  REQUIRE(oms != nullptr);
  CHECK((*oms)["mttd_s"] == 5.0);
  CHECK((*oms)["mttr_s"] == 12.0);
  CHECK((*oms)["detected_s"] == 15.0);  // the ack that caught it
  CHECK((*oms)["acknowledged_s"].is_null());
  CHECK((*oms)["missed"] == false);
  CHECK((*oms)["cause"].is_null());  // ad hoc
  CHECK((*oms)["damage"].is_null());
  const auto* erp = find_by(j["faults"], "id", "erp-burst");
  REQUIRE(erp != nullptr);
  CHECK((*erp)["missed"] == true);
  CHECK((*erp)["for_s"].is_null());  // still in force at the end
  // The impact: the order figures measured (0 is a measurement here), the rest null.
  CHECK(j["impact"]["duplicated"] == 2);
  CHECK(j["impact"]["lost"] == 0);
  for (const char* absent : {"in_flight", "price_mismatches", "price_mismatch",
                             "returns_out_of_sync", "unmapped_states", "jobs_dropped_by_flow"}) {
    INFO(absent);
    CHECK(j["impact"][absent].is_null());
  }
  for (const char* absent : {"run", "monitors", "flows", "channels", "connectors", "endpoints"}) {
    INFO(absent);
    CHECK(j[absent].is_null());
  }
  // The live section: the drill's own checks and figures; no staleness measured is null.
  const auto& live = j["live"];
  const auto* dup = find_by(live["checks"], "check", "orders duplicated");
  REQUIRE(dup != nullptr);
  CHECK((*dup)["status"] == "breached");
  CHECK((*dup)["actual"] == 2.0);
  CHECK_FALSE(dup->contains("flow"));
  const auto* retry = find_by(live["checks"], "check", "Retry-After honoured");
  REQUIRE(retry != nullptr);
  CHECK((*retry)["status"] == "no_data");
  CHECK((*retry)["actual"].is_null());
  CHECK(live["stock"]["staleness_p95_s"].is_null());
  CHECK(live["stock"]["staleness_max_s"].is_null());
  CHECK(live["stock"]["stale_share"] == 0.0);
  CHECK(live["drill"]["ended_by"] == "finish");
}

TEST_CASE("live report.json: the verdict follows the checks") {
  LiveResult r = drill(0);
  CHECK(live_report_json(scenario(), r)["verdict"] == "fail");  // the missed fault
  r.score.tiers[0].checks.erase(r.score.tiers[0].checks.begin() + 2);
  CHECK(live_report_json(scenario(), r)["verdict"] == "pass");
  r.live_checks[0] = decided("orders duplicated", 1, 0, "orders");
  CHECK(live_report_json(scenario(), r)["verdict"] == "fail");
}

TEST_CASE("live reports: refusals over a concurrency limit appear only when there were some") {
  LiveResult r = drill(0);
  const auto json_without = live_report_json(scenario(), r);
  const std::string md_without = live_report_markdown(scenario(), r);
  CHECK_FALSE(json_without["live"]["behaviour"].contains("over_concurrency_limit"));
  CHECK(md_without.find("over concurrency limit") == std::string::npos);
  r.behaviour.over_concurrency_limit = 1234;
  CHECK(live_report_json(scenario(), r)["live"]["behaviour"]["over_concurrency_limit"] == 1234);
  CHECK(live_report_markdown(scenario(), r).find("over concurrency limit") != std::string::npos);
  CHECK(live_report_markdown(scenario(), r).find("1,234") != std::string::npos);
}

TEST_CASE("live report.md: the run's tier, fault and impact sections, then the live section") {
  const std::string md = live_report_markdown(scenario(), drill(2));
  CHECK(md.rfind("# Live drill: live-drill — FAIL\n", 0) == 0);
  CHECK(md.find("- **orders**: breached (1 of 4 checks failed)") != std::string::npos);
  CHECK(md.find("| orders | mttd | order_ingest | - | oms-hang | 5 s | 300 s (5m) | held |") !=
        std::string::npos);
  CHECK(md.find("| oms-hang | timeout | - | 10s | 15s (MTTD 5s) |") != std::string::npos);
  CHECK(md.find("| Still in flight at the end | - | not measured in a live drill |") !=
        std::string::npos);
  CHECK(md.find("| Duplicated in the OMS | 2 | 2 extra OMS orders |") != std::string::npos);
  CHECK(md.find("\n## Live drill\n") != std::string::npos);
  CHECK(md.find("| orders duplicated | 2 orders | 0 orders | **breached** |") != std::string::npos);
  CHECK(md.find("| Retry-After honoured | no data | 0 retries | no data | no answer carried "
                "Retry-After |") != std::string::npos);
  // No stale listing: the staleness p95 and max are not measured, never "0 s".
  CHECK(md.find("| listings | sweeps | stale episodes | staleness p95 | staleness max |") !=
        std::string::npos);
  CHECK(md.find("| 50 | 30 | 0 | not measured | not measured | 0% | 0 |") != std::string::npos);
}

TEST_CASE("live junit.xml: the run's tier and fault suites, then the live checks") {
  const std::string xml = live_report_junit(scenario(), drill(2));
  const std::vector<std::string> got =
      xmllint(xml, {"string(/testsuites/@name)", "string(/testsuites/@tests)",
                    "string(/testsuites/@failures)", "string(/testsuites/@skipped)",
                    "count(//testsuite[@name=\"tier:orders\"]/testcase)",
                    "count(//testcase[@name=\"mttd order_ingest [oms-hang]\"]/failure)",
                    "string(//testcase[@name=\"mttd order_ingest [erp-burst]\"]/failure/@type)",
                    "string(//testsuite[@name=\"faults\"]/testcase[failure]/@name)",
                    "string(//testsuite[@name=\"faults\"]//failure/@message)",
                    "count(//testsuite[@name=\"live\"]/testcase)",
                    "string(//testsuite[@name=\"live\"]/testcase[failure]/@name)",
                    "string(//testsuite[@name=\"live\"]/testcase[skipped]/@name)",
                    "string(//property[@name=\"verdict\"]/@value)"});
  CHECK(got.at(0) == "syncdrill live");
  CHECK(got.at(1) == "8");  // 4 tier checks, 2 faults, 2 live checks
  CHECK(got.at(2) == "3");  // the missed mttd, the missed fault, the duplicates
  CHECK(got.at(3) == "1");  // Retry-After: nothing to measure
  CHECK(got.at(4) == "4");
  CHECK(got.at(5) == "0");
  CHECK(got.at(6) == "sla_breach");
  CHECK(got.at(7) == "erp-burst (error_burst)");
  CHECK(got.at(8) == "fault erp-burst (error_burst) was never detected: no ack caught it");
  CHECK(got.at(9) == "2");
  CHECK(got.at(10) == "orders duplicated");
  CHECK(got.at(11) == "Retry-After honoured");
  CHECK(got.at(12) == "FAIL");
}

}  // namespace
}  // namespace syncdrill
