// Malformed-scenario fixtures: every tests/scenarios/malformed/*.yaml file starts with
// `# expect: MESSAGE`; loading the file must fail with exactly that first formatted diagnostic
// (file names relative to tests/scenarios/).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

const std::string kScenarios = std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios/";

std::string relative(std::string message) {
  for (size_t at = message.find(kScenarios); at != std::string::npos;
       at = message.find(kScenarios)) {
    message.erase(at, kScenarios.size());
  }
  return message;
}

std::vector<std::filesystem::path> fixtures() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(kScenarios + "malformed")) {
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("every malformed fixture is a yaml file with an expect header") {
  const auto files = fixtures();
  CHECK(files.size() >= 20);
  for (const auto& path : files) {
    INFO(path.string());
    CHECK(path.extension() == ".yaml");
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    CHECK(first.rfind("# expect: malformed/", 0) == 0);
  }
}

TEST_CASE("each malformed fixture fails with exactly its expected first error") {
  for (const auto& path : fixtures()) {
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    const std::string expected = first.substr(std::string("# expect: ").size());
    LoadResult r = load_scenario_file(path.string());
    INFO(path.string());
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.scenario.has_value());
    REQUIRE_FALSE(r.errors.empty());
    CHECK(relative(format_diagnostic(r.errors.front())) == expected);
  }
}

TEST_CASE("every valid example loads without errors") {
  for (const auto& entry : std::filesystem::directory_iterator(kScenarios + "valid")) {
    LoadResult r = load_scenario_file(entry.path().string());
    INFO(entry.path().string());
    CHECK(r.errors.empty());
    if (!r.errors.empty()) {
      CHECK(format_diagnostic(r.errors.front()) == "");
    }
  }
}

}  // namespace
}  // namespace syncdrill
