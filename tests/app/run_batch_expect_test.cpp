// syncdrill run A B --expect and run DIR --expect: each drill judged by its own `expect:` block,
// the table says which met theirs, the combined junit.xml has a test case per expectation (a
// failure, located, for each one not met), and the exit code is the worst.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "app/run_batch.hpp"
#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kValid = source_path("tests/scenarios/valid");

// expect-drill (meets its 7 expectations) in d/ and a copy of it named `name` with `from`
// replaced by `to`; their bases, which have no expect block, in b/.
void copy_expect_drills(const Scratch& s, const std::string& name, const std::string& from,
                        const std::string& to) {
  fs::create_directories(s / "b");
  fs::create_directories(s / "d");
  for (const char* file : {"small-drill.yaml", "breached-drill.yaml"})
    fs::copy_file(kValid + "/" + file, s / "b" / file);
  const auto edited = [](std::string text, const std::string& a, const std::string& b) {
    const size_t at = text.find(a);
    REQUIRE(at != std::string::npos);
    return text.replace(at, a.size(), b);
  };
  const std::string drill =
      edited(read_file(kValid + "/expect-drill.yaml"), "extends: breached-drill.yaml",
             "extends: ../b/breached-drill.yaml");
  std::ofstream(s / "d/expect-drill.yaml") << drill;
  std::ofstream(s / "d" / (name + ".yaml"))
      << edited(edited(drill, "name: expect-drill", "name: " + name), from, to);
}

std::string suite_of(const std::string& junit, const std::string& name) {
  const size_t at = junit.find(fmt::format("<testsuite name=\"{}\"", name));
  REQUIRE(at != std::string::npos);
  return junit.substr(at, junit.find("</testsuite>", at) - at);
}

TEST_CASE("run A B --expect: one drill met, one not: exit 1, the failure located in junit.xml") {
  Scratch s("batch-expect");
  copy_expect_drills(s, "unmet-drill", "  verdict: fail\n", "  verdict: pass\n");
  const CliRun r = s.run("run d/expect-drill.yaml d/unmet-drill.yaml --expect --jobs 2");
  INFO(r.out, r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("scenario      verdict     exit  expect          breached checks\n"
                   "expect-drill  FAIL           0  all 7 met       orders: ") !=
        std::string::npos);
  CHECK(r.out.find("\nunmet-drill   FAIL           1  1 of 7 not met  orders: ") !=
        std::string::npos);
  CHECK(r.out.find("all expectations in out/junit.xml\n"
                   "unmet-drill: expect: 1 of 7 expectations not met\n"
                   "  - d/unmet-drill.yaml:6:12: verdict: expected pass, got fail\n") !=
        std::string::npos);

  const std::string junit = read_file(s / "out/junit.xml");
  CHECK(junit.find("<testsuites name=\"syncdrill\" tests=\"14\" failures=\"1\" errors=\"0\"") !=
        std::string::npos);
  CHECK(junit.find("tier:") == std::string::npos);  // judged by expectations, not by tiers
  const std::string met = suite_of(junit, "expect-drill/expect");
  CHECK(met.find("tests=\"7\" failures=\"0\"") != std::string::npos);
  CHECK(met.find("<failure") == std::string::npos);
  const std::string unmet = suite_of(junit, "unmet-drill/expect");
  CHECK(unmet.find("tests=\"7\" failures=\"1\"") != std::string::npos);
  CHECK(unmet.find("    <testcase classname=\"unmet-drill\" name=\"verdict pass\" time=\"0\">\n"
                   "      <failure message=\"d/unmet-drill.yaml:6:12: verdict: expected pass, "
                   "got fail\" type=\"expectation_not_met\">") != std::string::npos);
  CHECK(
      unmet.find("<testcase classname=\"unmet-drill\" name=\"figure orders.lost\" time=\"0\"/>") !=
      std::string::npos);

  // Each drill's own folder holds what a run of it alone writes, --expect or not.
  const CliRun alone = s.run("run d/unmet-drill.yaml --out alone -q");
  CHECK(alone.exit_code == 1);
  for (const char* file : {"report.json", "report.md", "junit.xml", "report.html"})
    CHECK(read_file(s / "out/unmet-drill" / file) == read_file(s / "alone" / file));
}

TEST_CASE(
    "run DIR --expect: a figure out of range fails its own test case, quiet says it on stderr") {
  Scratch s("batch-expect-dir");
  copy_expect_drills(s, "range-drill", "orders.lost >= 1", "orders.lost <= 0");
  const CliRun r = s.run("run d --expect -q --out o --progress --jobs 1");
  INFO(r.out, r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("syncdrill: 1/2 drills done (expect-drill: FAIL, expect: all 7 met)\n"
                   "syncdrill: 2/2 drills done (range-drill: FAIL, expect: 1 of 7 not met)\n") !=
        std::string::npos);
  CHECK(r.err.find("range-drill: expect: 1 of 7 expectations not met\n  - d/range-drill.yaml:") !=
        std::string::npos);
  CHECK(r.err.find(": orders.lost: expected <= 0, got ") != std::string::npos);
  const std::string unmet = suite_of(read_file(s / "o/junit.xml"), "range-drill/expect");
  CHECK(unmet.find("tests=\"7\" failures=\"1\"") != std::string::npos);
  CHECK(unmet.find("name=\"figure orders.lost\" time=\"0\">\n      <failure message=\"d/range-"
                   "drill.yaml:") != std::string::npos);
  CHECK(unmet.find("name=\"verdict fail\" time=\"0\"/>") != std::string::npos);
}

TEST_CASE("run A B --expect: a drill without an expect block is an ERROR, the others still run") {
  Scratch s("batch-expect-none");
  copy_expect_drills(s, "other-drill", "  verdict: fail\n", "  verdict: fail\n");
  const CliRun r = s.run("run b/breached-drill.yaml d/other-drill.yaml --expect");
  INFO(r.out, r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("syncdrill: error: b/breached-drill.yaml: --expect needs an `expect:` block "
                   "in the scenario") != std::string::npos);
  CHECK(r.out.find("\nbreached-drill  ERROR          2  -          b/breached-drill.yaml: "
                   "--expect needs") != std::string::npos);
  CHECK(r.out.find("\nother-drill     FAIL           0  all 7 met  ") != std::string::npos);
  CHECK_FALSE(fs::exists(s / "out/breached-drill"));  // not run: nothing to judge it by
  CHECK(fs::exists(s / "out/other-drill/report.json"));
  const std::string junit = read_file(s / "out/junit.xml");
  CHECK(suite_of(junit, "breached-drill")
            .find("<error type=\"scenario_error\" message=\"b/"
                  "breached-drill.yaml: --expect needs") != std::string::npos);
  CHECK(junit.find("tests=\"8\" failures=\"0\" errors=\"1\"") != std::string::npos);
}

TEST_CASE("combined_junit --expect: a difference no expectation claims still fails the suite") {
  Scenario scenario;
  scenario.name = "x";
  ExpectSpec expect;
  expect.pass = false;
  expect.verdict_where = "x.yaml:3:12";
  expect.checks.push_back({"t", "mttd", true, "x.yaml:4:10"});
  scenario.expect = expect;
  std::vector<BatchDrill> drills(1);
  drills[0].name = "x";
  drills[0].scenario = scenario;
  drills[0].outcome.expected =
      ExpectResult{2, {"x.yaml:4:10: t.mttd: expected held, got breached", "stray <line>"}};
  const std::string junit = combined_junit(drills, true);
  CHECK(junit ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"syncdrill\" tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\" "
        "time=\"0\">\n"
        "  <testsuite name=\"x/expect\" tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\" "
        "time=\"0\">\n"
        "    <testcase classname=\"x\" name=\"verdict fail\" time=\"0\"/>\n"
        "    <testcase classname=\"x\" name=\"held t.mttd\" time=\"0\">\n"
        "      <failure message=\"x.yaml:4:10: t.mttd: expected held, got breached\" "
        "type=\"expectation_not_met\">x.yaml:4:10: t.mttd: expected held, got breached</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"x\" name=\"expect\" time=\"0\">\n"
        "      <failure message=\"stray &lt;line&gt;\" type=\"expectation_not_met\">stray "
        "&lt;line&gt;</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

}  // namespace
}  // namespace syncdrill::testing
