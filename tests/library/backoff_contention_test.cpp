// scenarios/backoff-contention.yaml: the AWS Architecture Blog's backoff experiment (Marc
// Brooker, "Exponential Backoff And Jitter", 2015). N clients update one SKU with
// compare-and-set over a network of `round_trip`s (no fault); each backoff kind is compared on
// the same seeds, as `syncdrill compare` does, on the figures the blog plots: the completion
// time and the calls. The published ranking must hold: completion none < full jitter,
// decorrelated jitter < equal jitter << exponential; and from N = 100 clients on, full jitter
// makes under half the calls of exponential backoff.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "reports/comparison.hpp"
#include "sim/score/detection.hpp"
#include "tests/library/library_run.hpp"

namespace syncdrill {
namespace {

constexpr const char* kFile = "backoff-contention.yaml";
constexpr const char* kPolicies[] = {"none", "exponential", "full-jitter", "equal-jitter",
                                     "decorrelated-jitter"};
constexpr uint64_t kSeeds = 10;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The drill with only its first `clients` clients, every one on `policy`.
std::string drill_with(size_t clients, const std::string& policy) {
  std::string text = testing::drill_text(kFile);
  for (size_t i = clients + 1;; ++i) {
    const size_t at = text.find(fmt::format("  - {{name: client-{:03d},", i));
    if (at == std::string::npos) break;
    const size_t end = text.find("}\n", at);
    REQUIRE(end != std::string::npos);
    text.erase(at, end + 2 - at);
  }
  REQUIRE(text.find(fmt::format("name: client-{:03d},", clients)) != std::string::npos);
  return replace_all(text, "policy: exponential,", "policy: " + policy + ",");
}

// Each policy's mean figures over the seeds, through the comparison `syncdrill compare` writes.
std::map<std::string, VariantSummary> compare_policies(size_t clients) {
  Comparison c;
  c.command = "compare";
  for (const char* policy : kPolicies) {
    const LoadResult loaded =
        load_scenario_text(drill_with(clients, policy), testing::drill_path(kFile));
    REQUIRE(loaded.ok());
    const Scenario& s = *loaded.scenario;
    REQUIRE(s.connectors.size() == clients);
    Variant v;
    v.name = policy;
    for (uint64_t seed = s.seed; seed < s.seed + kSeeds; ++seed) {
      const WorldResult result = run_world(s, seed);
      REQUIRE_MESSAGE(result.limit_message.empty(), result.limit_message);
      v.runs.push_back(measure_run(s, result, score_run(s, result)));
      // Every client won its write once, with no fault in the drill.
      const RunFigures& run = v.runs.back();
      REQUIRE(run.values[static_cast<size_t>(CompareMetric::completion_s)].has_value());
      CHECK(run.faults == 0);
    }
    c.variants.push_back(std::move(v));
  }
  const std::vector<VariantSummary> summary = summarize(c);
  std::map<std::string, VariantSummary> by_name;
  for (size_t i = 0; i < summary.size(); ++i)
    by_name[c.variants[i].name] = summary[i];
  return by_name;
}

double mean(const std::map<std::string, VariantSummary>& s, const char* policy, CompareMetric m) {
  const MeanInterval& figure = s.at(policy).figures[static_cast<size_t>(m)];
  REQUIRE(figure.n == kSeeds);
  return figure.mean;
}

void check_completion_ranking(const std::map<std::string, VariantSummary>& s) {
  auto t = [&](const char* p) { return mean(s, p, CompareMetric::completion_s); };
  for (const char* p : kPolicies)
    MESSAGE(std::string(p), ": completion ", t(p), " s, calls ", mean(s, p, CompareMetric::calls));
  CHECK(t("none") < t("full-jitter"));
  CHECK(t("none") < t("decorrelated-jitter"));
  CHECK(t("full-jitter") < t("equal-jitter"));
  CHECK(t("decorrelated-jitter") < t("equal-jitter"));
  // Far behind: exponential backoff's clients retry in lockstep.
  CHECK(t("exponential") > 4 * t("equal-jitter"));
}

TEST_CASE("library: backoff-contention with 100 clients ranks the backoffs as published") {
  const auto s = compare_policies(100);
  check_completion_ranking(s);
  auto calls = [&](const char* p) { return mean(s, p, CompareMetric::calls); };
  CHECK(calls("full-jitter") < 0.5 * calls("exponential"));
  // Every client writes once; the rest are conflicts: no backoff makes the most calls.
  for (const char* p : kPolicies)
    CHECK(calls(p) > 100);
  CHECK(calls("none") > calls("exponential"));
  CHECK(calls("full-jitter") < calls("decorrelated-jitter"));
}

TEST_CASE("library: backoff-contention with 20 clients keeps the completion ranking") {
  const auto s = compare_policies(20);
  check_completion_ranking(s);
  // Fewer clients, less contention: jitter still saves calls, though not half of them.
  CHECK(mean(s, "full-jitter", CompareMetric::calls) <
        mean(s, "exponential", CompareMetric::calls));
}

}  // namespace
}  // namespace syncdrill
