// syncdrill run --expect: exit 0 when the drill does what its `expect:` block says (a FAIL by
// design included), 1 with one line per difference when not, 2 without a block; without the
// flag the run, its reports and its exit code are unchanged.
#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kValid = source_path("tests/scenarios/valid");

// tests/scenarios/valid/expect-drill.yaml copied next to its base with `from` replaced by `to`.
std::string edited_copy(const Scratch& s, const std::string& from, const std::string& to) {
  std::string text = read_file(kValid + "/expect-drill.yaml");
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  for (const char* base : {"small-drill.yaml", "breached-drill.yaml"})
    fs::copy_file(kValid + "/" + base, s / base, fs::copy_options::overwrite_existing);
  std::ofstream(s / "edited.yaml") << text;
  return "edited.yaml";
}

TEST_CASE("run --expect exits 0 on a drill that fails as expected, and keeps the report bytes") {
  Scratch s("expect-met");
  const std::string drill = kValid + "/expect-drill.yaml";
  const CliRun plain = s.run(fmt::format("run '{}' --out plain", drill));
  CHECK(plain.exit_code == 1);  // its tier is breached, by design
  CHECK(plain.out.find("expect:") == std::string::npos);
  const CliRun r = s.run(fmt::format("run '{}' --out judged --expect", drill));
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nexpect: all 7 expectations met\n") != std::string::npos);
  for (const char* file : {"report.json", "report.md", "junit.xml", "report.html"})
    CHECK(read_file(s / "plain" / file) == read_file(s / "judged" / file));
  // Quiet: nothing on success.
  const CliRun quiet = s.run(fmt::format("run '{}' --out q --expect -q --format md", drill));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(!fs::exists(s / "q/report.json"));  // judged on the report, not on a file
}

TEST_CASE("run --expect exits 1 with one located line per difference") {
  Scratch s("expect-unmet");
  const std::string file = edited_copy(s, "  verdict: fail\n", "  verdict: pass\n");
  const CliRun r = s.run(fmt::format("run {} --out o --expect", file));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("\nexpect: 1 of 7 expectations not met\n"
                   "  - edited.yaml:6:12: verdict: expected pass, got fail\n") !=
        std::string::npos);
  const std::string range = edited_copy(s, "orders.lost >= 1", "orders.lost <= 0");
  const CliRun q = s.run(fmt::format("run {} --out o2 --expect -q", range));
  CHECK(q.exit_code == 1);
  CHECK(q.out.empty());
  CHECK(q.err.find("expect: 1 of 7 expectations not met\n  - edited.yaml:") != std::string::npos);
  CHECK(q.err.find(": orders.lost: expected <= 0, got ") != std::string::npos);
}

TEST_CASE("run --expect without an expect block, or with a bad one, is a usage error") {
  Scratch s("expect-none");
  const CliRun r = s.run(fmt::format("run '{}/small-drill.yaml' --out o --expect", kValid));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("small-drill.yaml: --expect needs an `expect:` block in the scenario") !=
        std::string::npos);
  CHECK(!fs::exists(s / "o"));
  const std::string bad = edited_copy(s, "orders.data_loss", "orders.data_lost");
  const CliRun b = s.run(fmt::format("run {} --out o --expect", bad));
  CHECK(b.exit_code == 2);
  CHECK(b.err.find("edited.yaml:7:14: expect.breached[0]: unknown check 'data_lost' (did you "
                   "mean 'data_loss'?)") != std::string::npos);
}

TEST_CASE("a shipped drill meets its expectations through the command line") {
  // The short drills are judged in-process by tests/library (one run each, reused); this runs
  // one end to end, as a pipeline would.
  Scratch s("expect-shipped");
  const CliRun r = s.run(fmt::format("run '{}' --out o --expect -q",
                                     source_path("scenarios/fulfillment-handoff.yaml")));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}

}  // namespace
}  // namespace syncdrill::testing
