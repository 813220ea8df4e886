// End-to-end: --set on every command that loads a scenario, recorded in the reports and their
// replay line; and reports that do not depend on the folder the scenario is run from.
#include <filesystem>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSmall = source_path("tests/scenarios/valid/small-drill.yaml");

TEST_CASE("run --set changes the scenario and is recorded in report.json and the replay line") {
  Scratch s("set-run");
  const CliRun r = s.run(fmt::format(
      "run '{}' --out out --set seed=9 --set 'traffic[dtc].load=2' --set \"description=it's\"",
      kSmall));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(read_file(s / "out/report.json"));
  CHECK(report["seed"] == 9);
  const auto overrides = report["scenario"]["overrides"];
  REQUIRE(overrides.size() == 3);
  CHECK(overrides[1] == "traffic[dtc].load=2");
  const std::string replay = report["replay"];
  CHECK(replay ==
        "syncdrill run small-drill.yaml --seed 9 --set seed=9 --set 'traffic[dtc].load=2' "
        "--set 'description=it'\\''s'");
  CHECK(r.out.find("Replay:  " + replay) != std::string::npos);
  // The replay line, run from the scenario's folder, gives the same report.
  fs::copy_file(kSmall, s / "small-drill.yaml");
  const CliRun again = s.shell(
      fmt::format("NO_COLOR=1 '{}' {} --out again -q", SYNCDRILL_BINARY, replay.substr(10)));
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(read_file(s / "again/report.json") == read_file(s / "out/report.json"));
  // A plain run has no overrides key, a different hash, and half the customers.
  REQUIRE(s.run(fmt::format("run '{}' --out plain -q --seed 9", kSmall)).exit_code == 0);
  const auto plain = nlohmann::json::parse(read_file(s / "plain/report.json"));
  CHECK_FALSE(plain["scenario"].contains("overrides"));
  CHECK(plain["scenario"]["hash"] != report["scenario"]["hash"]);
  // Customers who came: orders placed and checkouts refused as sold out (stock runs out at 2x).
  const auto customers = [](const nlohmann::json& j) {
    return j["impact"]["orders_placed"].get<double>() +
           j["impact"]["orders_sold_out"].get<double>();
  };
  const double ratio = customers(report) / customers(plain);
  CHECK(ratio == doctest::Approx(2).epsilon(0.05));
}

TEST_CASE("a bad --set is an error at the flag on validate, run, compare, sweep and serve") {
  Scratch s("set-errors");
  for (const char* command : {"validate", "run", "compare --policy a --policy b",
                              "sweep --grid timeout=1s,2s", "serve --duration 1s"}) {
    const CliRun r =
        s.run(fmt::format("{} '{}' --set seed=1 --set 'traffic[dtc].rat=2/s'", command, kSmall));
    INFO(command);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("syncdrill: error: --set #2: traffic[dtc].rat: unknown key 'rat' (did you "
                     "mean 'rate'?)\n  traffic[dtc].rat=2/s\n               ^\n") !=
          std::string::npos);
  }
  const CliRun missing = s.run(fmt::format("validate '{}' --set 'faults[nope].at=1h'", kSmall));
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("unknown fault 'nope'") != std::string::npos);
  const CliRun ok = s.run(fmt::format("validate '{}' --set duration=2h", kSmall));
  CHECK(ok.exit_code == 0);
}

TEST_CASE("compare and sweep apply --set under their variants and record it") {
  Scratch s("set-compare");
  const std::string base = source_path("scenarios/retry-storm.yaml");
  const CliRun r = s.run(fmt::format(
      "sweep '{}' --grid retry.max_attempts=2,3 --policy orders --seeds 2 --jobs 1 --out sw -q "
      "--set duration=30m --set 'policies[orders].timeout=1s'",
      base));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "sw/compare.json"));
  CHECK(j["scenario"]["path"] == "retry-storm.yaml");
  REQUIRE(j["scenario"]["overrides"].size() == 2);
  CHECK(read_file(s / "sw/compare.md").find("timeout 1s") != std::string::npos);
}

TEST_CASE("the same scenario run from two folders gives the same report bytes") {
  Scratch s("two-folders");
  fs::create_directories(s / "lib/base");
  fs::create_directories(s / "elsewhere/deeper");
  fs::copy_file(source_path("scenarios/base/topology.yaml"), s / "lib/base/topology.yaml");
  fs::copy_file(source_path("scenarios/retry-storm.yaml"), s / "lib/retry-storm.yaml");
  const std::string flags = "--seed 3 --set duration=25m --format json,md,junit,html -q";
  // From the scratch folder, from the scenario's own folder, and by absolute path from elsewhere.
  REQUIRE(s.shell(fmt::format("'{}' run lib/retry-storm.yaml --out a {}", SYNCDRILL_BINARY, flags))
              .exit_code < 2);
  REQUIRE(s.shell(fmt::format("cd lib && '{}' run retry-storm.yaml --out ../b {}", SYNCDRILL_BINARY,
                              flags))
              .exit_code < 2);
  REQUIRE(s.shell(fmt::format("cd elsewhere/deeper && '{}' run '{}' --out ../../c {}",
                              SYNCDRILL_BINARY, (s / "lib/retry-storm.yaml").string(), flags))
              .exit_code < 2);
  for (const char* file : {"report.json", "report.md", "junit.xml", "report.html"}) {
    INFO(file);
    const std::string b = read_file(s / "b" / file);
    REQUIRE(b.size() > 100);
    CHECK(read_file(s / "a" / file) == b);
    CHECK(read_file(s / "c" / file) == b);
  }
  const auto j = nlohmann::json::parse(read_file(s / "b/report.json"));
  CHECK(j["scenario"]["path"] == "retry-storm.yaml");
  CHECK(j["scenario"]["files"][0] == "base/topology.yaml");
  CHECK(j["replay"] == "syncdrill run retry-storm.yaml --seed 3 --set duration=25m");
}

}  // namespace
}  // namespace syncdrill::testing
