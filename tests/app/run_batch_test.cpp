// syncdrill run with several scenarios or a folder: a folder per drill, one combined junit.xml,
// a summary table, the worst exit code; a broken scenario is reported while the others still
// write their reports.
#include <algorithm>
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

// small-drill (no tiers: NOT SCORED), passing-drill (extends it with a tier it holds) and
// breached-drill (extends it; a tier breached) in `dir`.
void copy_drills(const fs::path& dir) {
  fs::create_directories(dir);
  fs::copy_file(kValid + "/small-drill.yaml", dir / "small-drill.yaml");
  fs::copy_file(kValid + "/breached-drill.yaml", dir / "breached-drill.yaml");
  std::ofstream f(dir / "passing-drill.yaml");
  f << "extends: small-drill.yaml\nname: passing-drill\nsla_tiers:\n"
       "  - {name: orders, flows: [order_ingest], data_loss_max: 0, freshness_p95: 10m}\n";
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The count in the <testsuites> element's attribute `name`.
uint64_t root_count(const std::string& junit, const std::string& name) {
  const size_t root = junit.find("<testsuites ");
  const size_t at = junit.find(fmt::format(" {}=\"", name), root);
  REQUIRE(at != std::string::npos);
  return std::stoull(junit.substr(at + name.size() + 3));
}

TEST_CASE("run A B: a folder each, one junit.xml with a suite per scenario and tier, exit 1") {
  Scratch s("batch-two");
  copy_drills(s / "drills");
  const CliRun r = s.run("run drills/passing-drill.yaml drills/breached-drill.yaml --jobs 2");
  CHECK(r.exit_code == 1);                         // the worst: breached-drill's
  CHECK_FALSE(fs::exists(s / "out/small-drill"));  // only the drills named
  for (const char* drill : {"passing-drill", "breached-drill"}) {
    CAPTURE(drill);
    for (const char* file : {"report.json", "report.md", "junit.xml", "report.html"})
      CHECK(fs::exists(s / "out" / drill / file));
  }
  const std::string junit = read_file(s / "out/junit.xml");
  CHECK(junit.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"syncdrill\"",
                    0) == 0);
  CHECK(junit.find("<testsuite name=\"passing-drill/tier:orders\"") != std::string::npos);
  CHECK(junit.find("<testsuite name=\"breached-drill/tier:") != std::string::npos);
  CHECK(junit.find("<testsuite name=\"breached-drill/faults\"") != std::string::npos);
  // Every suite of each drill's own junit.xml, and the totals summed.
  for (const char* total : {"tests", "failures", "skipped"}) {
    CAPTURE(total);
    uint64_t sum = 0;
    for (const char* drill : {"passing-drill", "breached-drill"}) {
      const std::string own = read_file(s / "out" / drill / "junit.xml");
      CHECK(count(junit, fmt::format("<testsuite name=\"{}/", drill)) ==
            count(own, "<testsuite name=\""));
      sum += root_count(own, total);
    }
    CHECK(root_count(junit, total) == sum);
  }
  CHECK(root_count(junit, "failures") > 0);
  CHECK(root_count(junit, "errors") == 0);
  // The summary table: a row per drill, in argument order, then where the reports went.
  CHECK(r.out.find("scenario        verdict     exit  breached checks\n") != std::string::npos);
  CHECK(r.out.find("passing-drill   PASS           0  -\n") != std::string::npos);
  const size_t breached_row = r.out.find("breached-drill  FAIL           1  ");
  CHECK(breached_row != std::string::npos);
  CHECK(r.out.find("passing-drill   PASS") < breached_row);
  CHECK(r.out.find("Reports: out/<scenario>/; all verdicts in out/junit.xml\n") !=
        std::string::npos);
  // No scorecard per drill: the table is the summary.
  CHECK(r.out.find("Replay:") == std::string::npos);
}

TEST_CASE("a drill run in a batch writes the same report bytes as run alone, any --jobs") {
  Scratch s("batch-bytes");
  copy_drills(s / "drills");
  REQUIRE(s.run("run drills --out one --jobs 1 -q").exit_code == 1);
  REQUIRE(s.run("run drills --out two --jobs 2 -q").exit_code == 1);
  REQUIRE(s.run("run drills/breached-drill.yaml --out alone -q").exit_code == 1);
  for (const char* file : {"report.json", "report.md", "junit.xml", "report.html"}) {
    CAPTURE(file);
    CHECK(read_file(s / "one/breached-drill" / file) == read_file(s / "alone" / file));
    CHECK(read_file(s / "two/breached-drill" / file) == read_file(s / "alone" / file));
  }
  CHECK(read_file(s / "one/junit.xml") == read_file(s / "two/junit.xml"));
}

TEST_CASE("run DIR: a broken scenario is reported, the others write their reports, exit 2") {
  Scratch s("batch-broken");
  copy_drills(s / "drills");
  {
    std::ofstream f(s / "drills/broken.yaml");
    f << "name: broken\nduration: -5m\nsystems:\n  - name: oms\n    kind: oms\n";
  }
  // A base file in a subfolder is no drill of the folder.
  fs::create_directories(s / "drills/base");
  fs::copy_file(kValid + "/base.yaml", s / "drills/base/base.yaml");
  const CliRun r = s.run("run drills --out reports");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("syncdrill: error: drills/broken.yaml:2:11: ") != std::string::npos);
  CHECK(fs::exists(s / "reports/small-drill/report.json"));
  CHECK(fs::exists(s / "reports/breached-drill/report.json"));
  CHECK_FALSE(fs::exists(s / "reports/broken"));
  CHECK_FALSE(fs::exists(s / "reports/base"));
  const std::string junit = read_file(s / "reports/junit.xml");
  CHECK(junit.find("<testsuite name=\"broken\" tests=\"1\" failures=\"0\" errors=\"1\"") !=
        std::string::npos);
  CHECK(junit.find("<error type=\"scenario_error\" message=\"the scenario has errors "
                   "(syncdrill validate drills/broken.yaml)\"/>") != std::string::npos);
  CHECK(junit.find("<testsuites name=\"syncdrill\"") != std::string::npos);
  CHECK(junit.find(" errors=\"1\" ") != std::string::npos);
  CHECK(fs::exists(s / "reports/passing-drill/report.json"));
  // Files in folder order: breached-drill, broken, passing-drill, small-drill.
  const size_t broken_row = r.out.find("broken          ERROR          2  the scenario has errors");
  CHECK(broken_row != std::string::npos);
  CHECK(r.out.find("breached-drill  FAIL           1  ") < broken_row);
  CHECK(r.out.find("passing-drill   PASS           0  -\n") > broken_row);
  CHECK(r.out.find("small-drill     NOT SCORED     0  -\n") > broken_row);
}

TEST_CASE("run DIR: a drill stopped by its event limit gets an errored suite and no folder") {
  Scratch s("batch-limit");
  copy_drills(s / "drills");
  const CliRun r = s.run("run drills --events-max 1000");
  CHECK(r.exit_code == 2);
  const std::string junit = read_file(s / "out/junit.xml");
  for (const char* drill : {"breached-drill", "passing-drill", "small-drill"}) {
    CAPTURE(drill);
    CHECK(junit.find(fmt::format("<error type=\"run_error\" message=\"drills/{}.yaml: the run "
                                 "reached its limit of 1000 events at t=",
                                 drill)) != std::string::npos);
    CHECK_FALSE(fs::exists(s / "out" / drill));
    CHECK(r.out.find(fmt::format("{}", drill)) != std::string::npos);
  }
  CHECK(junit.find(" tests=\"3\" failures=\"0\" errors=\"3\" ") != std::string::npos);
  CHECK(count(r.err, "(set by --events-max); no report written") == 3);
}

TEST_CASE("run with several scenarios refuses what would stop the whole batch, before any run") {
  Scratch s("batch-refused");
  copy_drills(s / "drills");
  fs::create_directories(s / "empty");
  const auto refused = [&](const std::string& args, const std::string& message) {
    CAPTURE(args);
    const CliRun r = s.run(args + " --out out");
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
    CHECK_FALSE(fs::exists(s / "out"));
  };
  refused("run drills/small-drill.yaml drills/small-drill.yaml",
          "drills/small-drill.yaml and drills/small-drill.yaml are both named 'small-drill'");
  refused("run empty", "no drills in empty");
  refused("run drills --jobs 0", "--jobs takes a whole number from 1 to 256, not '0'");
  refused("run drills --jobs -2", "--jobs takes a whole number from 1 to 256, not '-2'");
  refused("run drills no-such-drill", "no scenario file or library drill named 'no-such-drill'");
  {
    std::ofstream f(s / "taken");
    f << "a file";
  }
  const CliRun r = s.run("run drills --out taken");
  CHECK(r.exit_code == 2);
}

TEST_CASE("combined_junit renames each drill's suites and gives a drill without report one error") {
  std::vector<BatchDrill> drills(2);
  drills[0].name = "a";
  drills[0].outcome.junit =
      JunitParts{{JunitSuite{"tier:critical", 3, 1, 1,
                             "    <testcase classname=\"a\" name=\"x\" time=\"0\"/>\n"}},
                 ""};
  drills[1].name = "b<&>";
  drills[1].outcome.error = "stopped at \"its\" limit";
  const std::string junit = combined_junit(drills);
  CHECK(junit ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"syncdrill\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\" "
        "time=\"0\">\n"
        "  <testsuite name=\"a/tier:critical\" tests=\"3\" failures=\"1\" errors=\"0\" "
        "skipped=\"1\" time=\"0\">\n"
        "    <testcase classname=\"a\" name=\"x\" time=\"0\"/>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"b&lt;&amp;&gt;\" tests=\"1\" failures=\"0\" errors=\"1\" "
        "skipped=\"0\" time=\"0\">\n"
        "    <testcase classname=\"b&lt;&amp;&gt;\" name=\"run\" time=\"0\">\n"
        "      <error type=\"scenario_error\" message=\"stopped at &quot;its&quot; limit\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

TEST_CASE("summary_table lines up long names and shortens long lists of breached checks") {
  std::vector<BatchDrill> drills(2);
  drills[0].name = "a-scenario-name-of-forty-characters-long";
  drills[0].outcome = {1, "FAIL", {"t: c1", "t: c2", "t: c3", "t: c4", "t: c5"}, {}, "", {}};
  drills[1].name = "b";
  drills[1].outcome = {0, "PASS", {}, {}, "", {}};
  const std::string table = summary_table(drills, "out", false);
  CHECK(table ==
        "\nscenario                                  verdict     exit  breached checks\n"
        "a-scenario-name-of-forty-characters-long  FAIL           1  t: c1; t: c2; t: c3; and 2 "
        "more\n"
        "b                                         PASS           0  -\n"
        "Reports: out/<scenario>/\n");
}

}  // namespace
}  // namespace syncdrill::testing
