// check_expectations: an expect block against a report.json, one difference per expectation not
// met, in the block's order, each located and saying what was expected and what the report holds.
#include "reports/expect_check.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace syncdrill {
namespace {

nlohmann::ordered_json report() {
  return nlohmann::ordered_json::parse(R"({
    "verdict": "fail",
    "tiers": [
      {"name": "critical", "held": false, "no_data": false, "checks": [
        {"check": "mttr", "status": "held"},
        {"check": "mttr", "status": "breached"},
        {"check": "error_rate", "status": "held"},
        {"check": "error_rate", "status": "held"},
        {"check": "freshness_p95", "status": "no_data"}]},
      {"name": "batch", "held": true, "no_data": true, "checks": [
        {"check": "unmatched_end", "status": "no_data"}]}],
    "faults": [{"id": "x", "mttd_s": 150.0, "mttr_s": null}],
    "impact": {"lost": 4614, "duplicated": 0}
  })");
}

ExpectRange range(std::string figure, std::string pointer, std::optional<double> min,
                  std::optional<double> max) {
  return ExpectRange{figure, pointer, min, max, "s.yaml:9:7"};
}

TEST_CASE("expectations that hold give no difference") {
  ExpectSpec e;
  e.pass = false;
  e.checks = {{"critical", "mttr", false, "s.yaml:3:1"},
              {"critical", "error_rate", true, "s.yaml:4:1"},
              {"critical", "", false, "s.yaml:5:1"},
              {"batch", "", true, "s.yaml:6:1"}};
  e.figures = {range("orders.lost", "/impact/lost", 4300, 5500),
               range("orders.duplicated", "/impact/duplicated", 0, 0),
               range("faults[x].mttd_s", "/faults/0/mttd_s", std::nullopt, 150)};
  const ExpectResult r = check_expectations(e, report());
  CHECK(r.met());
  CHECK(r.expectations == 8);
  CHECK(expect_summary(r) == "expect: all 8 expectations met\n");
}

TEST_CASE("each expectation not met is one located line") {
  ExpectSpec e;
  e.pass = true;
  e.verdict_where = "s.yaml:2:12";
  e.checks = {{"critical", "mttr", true, "s.yaml:3:9"},
              {"critical", "error_rate", false, "s.yaml:4:9"},
              {"critical", "freshness_p95", true, "s.yaml:5:9"},
              {"critical", "oversold", true, "s.yaml:6:9"},
              {"batch", "", false, "s.yaml:7:9"},
              {"gone", "", true, "s.yaml:8:9"}};
  e.figures = {range("orders.lost", "/impact/lost", std::nullopt, 10),
               range("orders.duplicated", "/impact/duplicated", 1, 5),
               range("faults[x].mttr_s", "/faults/0/mttr_s", std::nullopt, 1200),
               range("/impact/nothing", "/impact/nothing", 0, std::nullopt),
               range("faults[x].mttd_s", "/faults/0/mttd_s", 150.5, 150.5)};
  const ExpectResult r = check_expectations(e, report());
  CHECK(!r.met());
  CHECK(expect_summary(r) ==
        "expect: 12 of 12 expectations not met\n"
        "  - s.yaml:2:12: verdict: expected pass, got fail\n"
        "  - s.yaml:3:9: critical.mttr: expected held, got breached\n"
        "  - s.yaml:4:9: critical.error_rate: expected breached, got held\n"
        "  - s.yaml:5:9: critical.freshness_p95: expected held, got no data\n"
        "  - s.yaml:6:9: critical.oversold: expected held, got absent\n"
        "  - s.yaml:7:9: batch: expected breached, got held\n"
        "  - s.yaml:8:9: gone: expected held, got absent\n"
        "  - s.yaml:9:7: orders.lost: expected <= 10, got 4614\n"
        "  - s.yaml:9:7: orders.duplicated: expected in [1, 5], got 0\n"
        "  - s.yaml:9:7: faults[x].mttr_s: expected <= 1200, got null (not measured: a missed or "
        "unrecovered fault?)\n"
        "  - s.yaml:9:7: /impact/nothing: expected >= 0, but report.json has no /impact/nothing\n"
        "  - s.yaml:9:7: faults[x].mttd_s: expected == 150.5, got 150\n");
}

TEST_CASE("a non-number at a pointer is a difference, not a crash") {
  ExpectSpec e;
  e.figures = {range("/verdict", "/verdict", 0, 1), range("/tiers", "/tiers", 0, 1),
               range("/tiers/9/held", "/tiers/9/held", 0, 1)};
  const ExpectResult r = check_expectations(e, report());
  REQUIRE(r.differences.size() == 3);
  CHECK(r.differences[0] == "s.yaml:9:7: /verdict: expected in [0, 1], got \"fail\"");
  CHECK(r.differences[1].starts_with("s.yaml:9:7: /tiers: expected in [0, 1], got [{"));
  CHECK(r.differences[2] ==
        "s.yaml:9:7: /tiers/9/held: expected in [0, 1], but report.json has no /tiers/9/held");
}

}  // namespace
}  // namespace syncdrill
