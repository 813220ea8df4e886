// The comparison model and its writers: figures measured from a real run, summaries paired by
// seed, the ranking rule, and compare.json / compare.md / compare.html on hand-made runs whose
// statistics are known.
#include "reports/comparison.hpp"

#include <doctest/doctest.h>

#include <string>

#include "reports/compare_html.hpp"
#include "reports/compare_report.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/score/detection.hpp"
#include "tests/reports/xmllint.hpp"

namespace syncdrill {
namespace {

constexpr size_t at(CompareMetric m) {
  return static_cast<size_t>(m);
}

RunFigures run(uint64_t seed, double lost, double mttr_s, double attempts, bool held = true) {
  RunFigures r;
  r.seed = seed;
  r.values[at(CompareMetric::lost)] = lost;
  r.values[at(CompareMetric::duplicated)] = 0;
  r.values[at(CompareMetric::oversold)] = 0;
  r.values[at(CompareMetric::mttr_s)] = mttr_s;
  r.values[at(CompareMetric::attempts_per_request)] = attempts;
  r.tier_held = {held};
  r.scored = true;
  return r;
}

// Two policies on three seeds. "storm" loses 10 more orders than "calm" on every seed, so the
// paired difference is exactly 10 with no spread, though each side varies from 5 to 500.
Comparison two_policies() {
  Comparison c;
  c.command = "compare";
  c.scenario_path = "scenarios/x.yaml";
  c.scenario_name = "x";
  c.scenario_hash = "sha256:00";
  c.seeds = {1, 2, 3};
  c.connectors = {"ingest"};
  c.tiers = {"critical"};
  c.variants.push_back(
      {"calm", "timeout 1s", {run(1, 5, 60, 1.1), run(2, 50, 70, 1.2), run(3, 500, 80, 1.3)}});
  c.variants.push_back(
      {"storm",
       "timeout 1s, 10 attempts",
       {run(1, 15, 600, 4, false), run(2, 60, 900, 5, false), run(3, 510, 1200, 6)}});
  return c;
}

TEST_CASE("summaries pair by seed and the ranking puts held tiers and fewer losses first") {
  const Comparison c = two_policies();
  const std::vector<VariantSummary> s = summarize(c);
  REQUIRE(s.size() == 2);
  CHECK(s[0].figures[at(CompareMetric::lost)].mean == doctest::Approx(185));
  CHECK(s[0].figures[at(CompareMetric::lost)].half_width > 500);
  const MeanInterval d = s[1].vs_first[at(CompareMetric::lost)];
  CHECK(d.n == 3);
  CHECK(d.mean == doctest::Approx(10));
  CHECK(d.half_width == doctest::Approx(0));
  CHECK(d.excludes_zero());
  const MeanInterval mttr = s[1].vs_first[at(CompareMetric::mttr_s)];
  CHECK(mttr.mean == doctest::Approx((540 + 830 + 1120) / 3.0));
  CHECK(s[0].runs_held == 3);
  CHECK(s[1].runs_held == 1);
  CHECK(s[1].runs_breached == 2);
  CHECK(s[1].tier_held_runs == std::vector<size_t>{1});
  CHECK(s[0].rank == 1);
  CHECK(s[1].rank == 2);
  // Absent figures (no faults: no MTTD) give an empty interval, not zero.
  CHECK(s[0].figures[at(CompareMetric::mttd_s)].n == 0);
}

TEST_CASE("ranking: equal tiers fall back to losses, then oversells, MTTR, attempts, name") {
  Comparison c = two_policies();
  for (Variant& v : c.variants) {
    for (RunFigures& r : v.runs)
      r.tier_held = {true};
  }
  c.variants[0].runs[0].values[at(CompareMetric::lost)] = 1000;  // calm now loses more
  std::vector<VariantSummary> s = summarize(c);
  CHECK(s[1].rank == 1);
  // Same losses and attempts: MTTR decides, whatever the names say.
  c = two_policies();
  for (Variant& v : c.variants) {
    for (RunFigures& r : v.runs) {
      r.tier_held = {true};
      r.values[at(CompareMetric::lost)] = 3;
      r.values[at(CompareMetric::attempts_per_request)] = 2;
    }
  }
  std::swap(c.variants[0].name, c.variants[1].name);  // the faster one is now called "storm"
  s = summarize(c);
  CHECK(s[0].rank == 1);  // MTTR 60-80 s against 600-1200 s
  CHECK(s[1].distinct_from_best);
}

TEST_CASE("a place settled by nothing beyond chance is marked as not distinct from the best") {
  Comparison c = two_policies();
  for (size_t i = 0; i < 3; ++i) {
    // Identical but for noise in MTTR, either way round: the paired interval includes zero.
    c.variants[1].runs[i] = c.variants[0].runs[i];
    c.variants[1].runs[i].values[at(CompareMetric::mttr_s)] = 70.0 + (i == 1 ? 30 : -12);
  }
  std::vector<VariantSummary> s = summarize(c);
  const size_t second = s[0].rank == 2 ? 0 : 1;
  CHECK_FALSE(s[second].distinct_from_best);
  // A consistent 0.1% gap in attempts per request is beyond chance but too small to settle it.
  for (size_t i = 0; i < 3; ++i) {
    c.variants[1].runs[i] = c.variants[0].runs[i];
    c.variants[1].runs[i].values[at(CompareMetric::attempts_per_request)] =
        *c.variants[0].runs[i].values[at(CompareMetric::attempts_per_request)] * 1.001;
  }
  s = summarize(c);
  CHECK(s[1].vs_first[at(CompareMetric::attempts_per_request)].excludes_zero());
  CHECK_FALSE(s[1].distinct_from_best);
  // A 20% gap settles it.
  for (size_t i = 0; i < 3; ++i) {
    c.variants[1].runs[i].values[at(CompareMetric::attempts_per_request)] =
        *c.variants[0].runs[i].values[at(CompareMetric::attempts_per_request)] * 1.2;
  }
  s = summarize(c);
  CHECK(s[1].rank == 2);
  CHECK(s[1].distinct_from_best);
}

TEST_CASE("differences too small for the default decimals get more, never a starred zero") {
  MeanInterval d;
  d.n = 5;
  d.mean = 2.4e-5;
  d.half_width = 1.4e-5;
  REQUIRE(d.excludes_zero());
  const std::string text = difference_text(d, "x");
  CHECK(text.find("[0, 0]") == std::string::npos);
  CHECK(text.find("0.00001") != std::string::npos);
  CHECK(text.back() == '*');
}

TEST_CASE("figures measured from a real run: totals, censored MTTR, attempts per request") {
  const LoadResult loaded = load_scenario_file(std::string(SYNCDRILL_SOURCE_DIR) +
                                               "/tests/scenarios/valid/breached-drill.yaml");
  REQUIRE(loaded.ok());
  const Scenario& scenario = *loaded.scenario;
  const WorldResult result = run_world(scenario, 3);
  const Score score = score_run(scenario, result);
  const RunFigures f = measure_run(scenario, result, score);
  uint64_t lost = 0, attempts = 0, jobs = 0;
  for (const ChannelOutcome& ch : result.channels)
    lost += ch.lost;
  for (const ConnectorOutcome& co : result.connectors) {
    attempts += co.stats.attempts;
    jobs += co.stats.jobs_offered;
  }
  CHECK(lost > 0);
  CHECK(*f.values[at(CompareMetric::lost)] == static_cast<double>(lost));
  CHECK(*f.values[at(CompareMetric::calls)] == static_cast<double>(attempts));
  CHECK(*f.values[at(CompareMetric::attempts_per_request)] ==
        doctest::Approx(static_cast<double>(attempts) / static_cast<double>(jobs)));
  REQUIRE(f.faults == score.incidents.size());
  // Each fault's MTTR, or onset -> end of the run when it never recovered.
  double expected = 0;
  for (const FaultIncident& i : score.incidents) {
    const Duration d = i.mttr ? *i.mttr : (SimTime{} + scenario.duration) - i.onset;
    expected += static_cast<double>(d.us) / 1e6;
  }
  CHECK(*f.values[at(CompareMetric::mttr_s)] == doctest::Approx(expected / f.faults));
  CHECK(f.faults_missed + f.faults_unrecovered > 0);  // this drill is built to breach
  CHECK_FALSE(f.held());
  CHECK(*f.values[at(CompareMetric::checks_breached)] >= 1);
}

TEST_CASE("compare.json carries every figure, interval, difference and run") {
  const Comparison c = two_policies();
  const auto j = compare_json(c, summarize(c));
  CHECK(j["schema_version"] == kCompareSchemaVersion);
  CHECK(j["seeds"].size() == 3);
  CHECK(j["metrics"].size() == kCompareMetricCount);
  REQUIRE(j["variants"].size() == 2);
  const auto& storm = j["variants"][1];
  CHECK(storm["rank"] == 2);
  CHECK(storm["runs_held"] == 1);
  CHECK(storm["figures"]["lost"]["mean"].get<double>() == doctest::Approx(195));
  CHECK(storm["vs_first"]["lost"]["mean"].get<double>() == doctest::Approx(10));
  CHECK(storm["vs_first"]["lost"]["excludes_zero"] == true);
  CHECK(storm["figures"]["mttd_s"]["n"] == 0);
  CHECK(storm["runs"].size() == 3);
  CHECK(storm["runs"][0]["mttd_s"].is_null());
  CHECK(j["variants"][0]["vs_first"].empty());
}

TEST_CASE("compare.md and compare.html show the ranking, figures and marked differences") {
  const Comparison c = two_policies();
  const auto s = summarize(c);
  const std::string md = compare_markdown(c, s);
  CHECK(md.find("| 1 | calm |") != std::string::npos);
  CHECK(md.find("| Lost (orders) | 185 ± ") != std::string::npos);
  CHECK(md.find("+10 \\[10, 10\\] \\*") != std::string::npos);  // the * is escaped for Markdown
  const std::string html = compare_html(c, s);
  const auto counts = testing::xmllint(
      html, {"count(//*[local-name()=\"svg\"])", "count(//*[local-name()=\"rect\"])",
             "string(//*[local-name()=\"rect\"][@data-variant=\"1\"][1]/@data-mean)",
             "count(//*[local-name()=\"td\"][contains(@class,\"significant\")])"});
  CHECK(counts[0] == std::to_string(kCompareMetricCount));  // one chart per figure
  // One bar per policy in every chart with data: 5 figures have values here.
  CHECK(counts[1] == "10");
  CHECK(counts[2] == "195");
  CHECK(counts[3] != "0");
}

}  // namespace
}  // namespace syncdrill
