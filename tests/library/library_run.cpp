#include "tests/library/library_run.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "reports/content_hash.hpp"
#include "reports/report_json.hpp"
#include "sim/score/detection.hpp"

namespace syncdrill::testing {

LibraryRun run_library(const std::string& file, std::optional<uint64_t> seed, bool second_core) {
  const std::string path = drill_path(file);
  LoadResult loaded = load_scenario_file(path);
  std::string errors;
  for (const Diagnostic& d : loaded.errors)
    errors += fmt::format("\n{}:{}:{}: {}", d.file, d.line, d.column, d.message);
  REQUIRE_MESSAGE(loaded.ok(), path, " does not validate:", errors);
  LibraryRun run{*loaded.scenario, {}, {}, {}};
  const uint64_t s = seed.value_or(run.scenario.seed);
  run.result = run_world(run.scenario, s, std::nullopt, nullptr, second_core);
  REQUIRE_MESSAGE(run.result.limit_message.empty(), run.result.limit_message);
  run.score = score_run(run.scenario, run.result);
  std::vector<std::string_view> contents;
  for (const SourceFile& f : run.scenario.sources)
    contents.push_back(f.content);
  const RunIdentity id{"scenarios/" + file, content_hash(contents), s};
  run.report_json = report_json(run.scenario, id, run.result, nullptr, &run.score).dump(2);
  return run;
}

namespace {
template <typename Field>
uint64_t sum_channels(const WorldResult& r, Field field) {
  uint64_t total = 0;
  for (const ChannelOutcome& c : r.channels)
    total += c.*field;
  return total;
}
}  // namespace

uint64_t total_lost(const WorldResult& r) {
  return sum_channels(r, &ChannelOutcome::lost);
}
uint64_t total_duplicated(const WorldResult& r) {
  return sum_channels(r, &ChannelOutcome::duplicated);
}
uint64_t total_oversold(const WorldResult& r) {
  return sum_channels(r, &ChannelOutcome::oversold);
}
uint64_t total_orders_placed(const WorldResult& r) {
  return sum_channels(r, &ChannelOutcome::orders_placed);
}

const FaultIncident& incident(const LibraryRun& run, const std::string& fault_id) {
  for (const FaultIncident& i : run.score.incidents) {
    if (i.fault_id == fault_id) return i;
  }
  FAIL("no fault '", fault_id, "' in ", run.scenario.name);
  return run.score.incidents.front();  // not reached: FAIL throws
}

std::string drill_path(const std::string& file) {
  return std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios/" + file;
}

std::string drill_text(const std::string& file) {
  std::ifstream in(drill_path(file));
  REQUIRE_MESSAGE(in, "cannot read ", drill_path(file));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {
// The text without its top-level `expect:` block: the expectations are the shipped drill's, and
// a variant (a fault or tier taken out) is another drill that they may not fit.
std::string without_expect(const std::string& text) {
  const size_t start = text.rfind("\nexpect:\n");
  if (start == std::string::npos) return text;
  size_t end = start + 1;
  do {
    end = text.find('\n', end);
    end = end == std::string::npos ? text.size() : end + 1;
  } while (end < text.size() && (text[end] == ' ' || text[end] == '\n'));
  return text.substr(0, start + 1) + text.substr(end);
}
}  // namespace

Variant run_variant(const std::string& file, const std::string& text) {
  const LoadResult loaded = load_scenario_text(without_expect(text), drill_path(file));
  REQUIRE(loaded.ok());
  Variant v{*loaded.scenario, {}, {}};
  v.result = run_world(v.scenario, v.scenario.seed);
  REQUIRE_MESSAGE(v.result.limit_message.empty(), v.result.limit_message);
  v.score = score_run(v.scenario, v.result);
  return v;
}

}  // namespace syncdrill::testing
