// Every drill in scenarios/ validates and opens with the comment a user reads first: what it
// rehearses, the tier it tests, the monitors and runbook it assumes, the outcome to expect.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "reports/expect_check.hpp"
#include "tests/library/library_run.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> library_drills() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios")) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The leading comment block of a file, without the "# " prefixes.
std::string header_comment(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::string header;
  while (std::getline(in, line) && line.rfind('#', 0) == 0)
    header += line.substr(line.size() > 1 ? 2 : 1) + "\n";
  return header;
}

TEST_CASE(
    "the library ships a drill per playbook pattern, governance drill, overload and the backoff "
    "contention experiment") {
  std::vector<std::string> names;
  for (const fs::path& f : library_drills())
    names.push_back(f.stem().string());
  for (const char* expected :
       {"black-friday-peak", "stock-drift", "duplicate-orders", "fulfillment-handoff",
        "price-mismatch", "returns-desync", "governance-stock-sync-delay",
        "governance-connector-timeout", "governance-mapping-errors", "retry-storm",
        "rate-limit-storm", "backoff-contention"}) {
    CHECK_MESSAGE(std::find(names.begin(), names.end(), expected) != names.end(), expected);
  }
}

TEST_CASE("each drill validates, extends the shared topology and opens with its briefing") {
  for (const fs::path& file : library_drills()) {
    CAPTURE(file.filename().string());
    const LoadResult loaded = load_scenario_file(file.string());
    REQUIRE(loaded.ok());
    CHECK(loaded.scenario->name == file.stem().string());
    // What it does, checkable: `syncdrill run --expect` (docs/expectations.md).
    CHECK(loaded.scenario->expect.has_value());
    // `syncdrill list` shows the description as the drill's one line.
    CHECK(!loaded.scenario->description.empty());
    CHECK(loaded.scenario->description.find('\n') == std::string::npos);
    CHECK(loaded.scenario->description.size() <= 100);
    REQUIRE(loaded.scenario->sources.size() >= 2);  // the drill and base/topology.yaml
    CHECK(loaded.scenario->sources.front().path.find("base/topology.yaml") != std::string::npos);
    const std::string header = header_comment(file);
    for (const char* section :
         {"Rehearses:", "under test:", "Monitors:", "Runbook:", "Expected outcome"}) {
      CHECK_MESSAGE(header.find(section) != std::string::npos, "no '", std::string(section),
                    "' in the header");
    }
  }
}

TEST_CASE(
    "each short drill meets its expectations, reruns to a byte-identical report, and "
    "another seed changes it") {
  // black-friday-peak (24 simulated hours) is left to the end-to-end demo test (tests/app/
  // cli_test.cpp), which checks its expectations on the one run it makes: rerunning it here
  // would add minutes under the sanitizers.
  for (const fs::path& file : library_drills()) {
    const std::string name = file.filename().string();
    if (name == "black-friday-peak.yaml") continue;
    CAPTURE(name);
    const testing::LibraryRun first = testing::run_library(name);
    // What `syncdrill run --expect` judges: the drill's expect block against its report.json.
    REQUIRE(first.scenario.expect.has_value());
    const ExpectResult expected = check_expectations(
        *first.scenario.expect, nlohmann::ordered_json::parse(first.report_json));
    CHECK_MESSAGE(expected.met(), expect_summary(expected));
    CHECK(expected.expectations >= 3);
    const testing::LibraryRun again = testing::run_library(name);
    CHECK(first.report_json.size() > 10000);
    CHECK(first.report_json == again.report_json);
    const testing::LibraryRun other = testing::run_library(name, first.scenario.seed + 1);
    CHECK(first.report_json != other.report_json);
  }
}

}  // namespace
}  // namespace syncdrill
