// compare's completion_s (the first job offered to the compared connectors to the end of the
// last of their jobs) and the figures a run cannot have, written as null.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "reports/compare_report.hpp"
#include "reports/comparison.hpp"

namespace syncdrill {
namespace {

constexpr size_t kCompletion = static_cast<size_t>(CompareMetric::completion_s);
constexpr size_t kBreached = static_cast<size_t>(CompareMetric::checks_breached);

ConnectorOutcome connector(std::string name, std::optional<int64_t> first_s,
                           std::optional<int64_t> last_s) {
  ConnectorOutcome c;
  c.name = std::move(name);
  if (first_s) {
    c.stats.first_offered = SimTime{} + seconds(*first_s);
    c.stats.jobs_offered = 1;
  }
  if (last_s) c.stats.last_ended = SimTime{} + seconds(*last_s);
  return c;
}

Scenario one_hour() {
  Scenario s;
  s.duration = seconds(3600);
  return s;
}

TEST_CASE("completion runs from the first job offered to the last one ended") {
  WorldResult r;
  r.connectors = {connector("a", 12, 40), connector("b", 10, 55), connector("idle", {}, {})};
  const RunFigures all = measure_run(one_hour(), r, Score{});
  REQUIRE(all.values[kCompletion].has_value());
  CHECK(*all.values[kCompletion] == 45.0);
  // Only the compared connectors count.
  const RunFigures a = measure_run(one_hour(), r, Score{}, {"a"});
  CHECK(*a.values[kCompletion] == 28.0);
  // Sub-second ends are kept.
  r.connectors[0].stats.last_ended = SimTime{} + milliseconds(55'250);
  CHECK(*measure_run(one_hour(), r, Score{}).values[kCompletion] == 45.25);
}

TEST_CASE("a job still open at the end of the run counts to the end") {
  WorldResult r;
  r.connectors = {connector("a", 100, 200)};
  r.connectors[0].busy_workers_at_end = 1;
  CHECK(*measure_run(one_hour(), r, Score{}).values[kCompletion] == 3500.0);
  r.connectors[0].busy_workers_at_end = 0;
  r.connectors[0].queue_length_at_end = 3;
  CHECK(*measure_run(one_hour(), r, Score{}).values[kCompletion] == 3500.0);
}

TEST_CASE("no job offered, no tiers: completion and checks breached are absent, null in JSON") {
  WorldResult r;
  r.connectors = {connector("idle", {}, {})};
  const RunFigures f = measure_run(one_hour(), r, Score{});
  CHECK_FALSE(f.values[kCompletion].has_value());
  CHECK_FALSE(f.values[kBreached].has_value());
  Score scored;
  scored.scored = true;
  CHECK(*measure_run(one_hour(), r, scored).values[kBreached] == 0.0);

  Comparison c;
  c.command = "compare";
  c.seeds = {1, 2};
  for (const char* name : {"p", "q"}) {
    Variant v;
    v.name = name;
    v.runs = {f, f};
    c.variants.push_back(v);
  }
  const nlohmann::ordered_json j = compare_json(c, summarize(c));
  for (const char* key : {"completion_s", "checks_breached"}) {
    CAPTURE(key);
    const auto& figure = j["variants"][0]["figures"][key];
    CHECK(figure["n"] == 0);
    CHECK(figure["mean"].is_null());
    CHECK(figure["stddev"].is_null());
    CHECK(figure["ci95_low"].is_null());
    CHECK(j["variants"][1]["vs_first"][key]["mean"].is_null());
    CHECK(j["variants"][0]["runs"][0][key].is_null());
  }
  CHECK(compare_markdown(c, summarize(c)).find("| Completion (s) | - | - |") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
