// Progress on stderr: shown with --progress into a pipe (a line now and then and one at the end),
// never without it there, and never a change to the reports.
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "app/run_progress.hpp"
#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSmall = source_path("tests/scenarios/valid/small-drill.yaml");

TEST_CASE("run --progress into a pipe prints progress lines, without it, none") {
  Scratch s("progress");
  const CliRun shown = s.run(fmt::format("run '{}' --out with --progress", kSmall));
  CHECK(shown.exit_code == 0);
  CHECK(shown.err.rfind("syncdrill: small-drill: simulated 1h of 1h (100%), ", 0) == 0);
  CHECK(shown.err.find(" events/s, done in ") != std::string::npos);
  CHECK(shown.err.ends_with("s\n"));
  CHECK(shown.err.find('\r') == std::string::npos);  // lines for a log, not a redrawn line
  // --quiet keeps the scorecard off stdout, not the progress asked for.
  const CliRun quiet = s.run(fmt::format("run '{}' --out quiet --progress -q", kSmall));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.find("simulated 1h of 1h (100%)") != std::string::npos);

  const CliRun plain = s.run(fmt::format("run '{}' --out without", kSmall));
  CHECK(plain.exit_code == 0);
  CHECK(plain.err.empty());
  // The hook watches the run and changes none of it.
  for (const char* file : {"report.json", "report.md", "junit.xml", "report.html"}) {
    CAPTURE(file);
    CHECK(read_file(s / "with" / file) == read_file(s / "without" / file));
  }
  CHECK(shown.out.find("Verdict: NOT SCORED") != std::string::npos);
}

TEST_CASE("run DIR --progress says each drill as it is done") {
  Scratch s("progress-batch");
  fs::create_directories(s / "drills");
  fs::copy_file(kSmall, s / "drills/small-drill.yaml");
  const CliRun r = s.run("run drills --progress");
  CHECK(r.exit_code == 0);
  CHECK(r.err == "syncdrill: 1/1 drills done (small-drill: NOT SCORED)\n");
  const CliRun quiet = s.run("run drills --out q");
  CHECK(quiet.err.empty());
}

TEST_CASE("short_rate and time_left stay short and refuse to guess too early") {
  CHECK(short_rate(0) == "0");
  CHECK(short_rate(950) == "950");
  CHECK(short_rate(45'300) == "45k");
  CHECK(short_rate(1'240'000) == "1.2M");
  CHECK(short_rate(-1) == "?");
  CHECK(short_rate(std::numeric_limits<double>::infinity()) == "?");
  CHECK(time_left(0.5, 10) == "~10s");
  CHECK(time_left(0.1, 60) == "~9m");
  CHECK(time_left(0.01, 3600) == "~99.0h");
  CHECK(time_left(1.0, 10) == "~0s");
  CHECK(time_left(0.005, 10) == "?");  // under 1%: too early to tell
  CHECK(time_left(std::numeric_limits<double>::quiet_NaN(), 10) == "?");
  CHECK(time_left(0.5, -1) == "?");
}

}  // namespace
}  // namespace syncdrill::testing
