// The comparison model and its writers: figures measured from a real run, summaries paired by
// seed, the ranking rule, and compare.json / compare.md / compare.html on hand-made runs whose
// statistics are known.
#include "reports/comparison.hpp"

#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "reports/compare_html.hpp"
#include "reports/compare_report.hpp"
#include "reports/format.hpp"
#include "sim/score/detection.hpp"
#include "tests/reports/report_fixture.hpp"
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

// Three sweep points on three seeds: MTTD and false positives per run.
Comparison thresholds() {
  Comparison c = two_policies();
  c.command = "sweep";
  auto point = [](const std::string& name, std::vector<double> mttd, std::vector<double> fp) {
    Variant v{name, "timeout 1s", {}};
    for (size_t i = 0; i < mttd.size(); ++i) {
      RunFigures r = run(i + 1, 0, 100, 1.0);
      r.values[at(CompareMetric::mttd_s)] = mttd[i];
      r.values[at(CompareMetric::false_positives)] = fp[i];
      v.runs.push_back(r);
    }
    return v;
  };
  c.variants = {point("above=20", {60, 60, 90}, {1, 0, 2}),
                point("above=100", {140, 150, 130}, {0, 0, 0}),
                point("above=300", {320, 330, 310}, {0, 0, 0})};
  return c;
}

TEST_CASE("ranking on an objective: requirements met first, then the objective, lower first") {
  Comparison c = thresholds();
  c.rank_by = CompareMetric::mttd_s;
  std::vector<VariantSummary> s = summarize(c);
  CHECK(s[0].rank == 1);  // MTTD alone: the lowest threshold
  CHECK(s[1].rank == 2);
  CHECK(s[2].rank == 3);
  CHECK(s[1].distinct_from_best);
  // No false positives: the lowest threshold breaks it and ranks last, whatever its MTTD.
  c.requirements.push_back({CompareMetric::false_positives, 0.0, 0.0});
  s = summarize(c);
  CHECK(s[1].rank == 1);
  CHECK(s[2].rank == 2);
  CHECK(s[0].rank == 3);
  CHECK(s[0].breaks == std::vector<bool>{true});
  CHECK_FALSE(s[0].meets_requirements());
  CHECK(s[1].meets_requirements());
  CHECK(s[0].distinct_from_best);  // it breaks what the best meets
  // The reports say so: the best, and who broke what, by how much.
  CHECK(objective_verdict(c, s).front() ==
        "Best under the objective: above=100 (MTTD 140 s ± 24.8, meeting false_positives=0).");
  CHECK(objective_verdict(c, s).back() ==
        "Broke a requirement (1 of 3, ranked after the others): above=20.");
  CHECK(requirements_text(c, s[0]) == "broken: false_positives=0 (mean 1)");
  CHECK(requirements_text(c, s[1]) == "met");
  const nlohmann::json j = nlohmann::json::parse(compare_json(c, s).dump());
  CHECK(j["ranking"]["best"] == "above=100");
  CHECK(j["ranking"]["broke_requirements"] == nlohmann::json::array({"above=20"}));
  CHECK(j["variants"][0]["broken_requirements"] == nlohmann::json::array({"false_positives=0"}));
  CHECK(j["ranking_rule"].get<std::string>().find("Ranked by the mean MTTD (mttd_s)") == 0);
  const auto broken =
      testing::xmllint(compare_html(c, s), {"count(//*[local-name()=\"tr\"][@class=\"broken\"])"});
  CHECK(broken[0] == "1");
  // An upper bound none meets: nobody is best, and the reports say so.
  c.requirements = {{CompareMetric::mttd_s, std::nullopt, 30.0}};
  s = summarize(c);
  CHECK(s[0].rank == 1);  // all break it alike: the objective orders them
  CHECK(objective_verdict(c, s) ==
        std::vector<std::string>{"No point meets the requirements (mttd_s=..30)."});
  CHECK(nlohmann::json::parse(compare_json(c, s).dump())["ranking"]["best"].is_null());
}

TEST_CASE("ranking on an objective: a variant without the figure ranks after those with it") {
  Comparison c = thresholds();
  c.rank_by = CompareMetric::mttd_s;
  for (RunFigures& r : c.variants[0].runs)
    r.values[at(CompareMetric::mttd_s)].reset();
  std::vector<VariantSummary> s = summarize(c);
  CHECK(s[0].rank == 3);
  CHECK(s[0].distinct_from_best);
  // A requirement on an absent figure is broken, not met.
  c.rank_by.reset();
  c.requirements = {{CompareMetric::mttd_s, std::nullopt, 1000.0}};
  s = summarize(c);
  CHECK(s[0].breaks == std::vector<bool>{true});
  CHECK(s[0].rank == 3);
  // Within chance: the best's MTTD but for noise either way is (≈1), not settled.
  c = thresholds();
  c.rank_by = CompareMetric::mttd_s;
  c.variants[2].runs = c.variants[0].runs;
  c.variants[2].runs[0].values[at(CompareMetric::mttd_s)] = 80;
  c.variants[2].runs[1].values[at(CompareMetric::mttd_s)] = 50;
  s = summarize(c);
  CHECK(s[0].rank == 1);
  CHECK(s[2].rank == 2);
  CHECK_FALSE(s[2].distinct_from_best);
  CHECK(s[1].distinct_from_best);
  CHECK(within_chance_text(c).find("the paired difference of MTTD") != std::string::npos);
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

// ---- Why tiers did not hold: breaches merged over a variant's runs ----------------------------

// A check that held, or failed for the reason "failed".
TierCheck check(std::string name, FlowKind flow, std::optional<double> actual, double limit,
                std::string unit, bool held, std::string subject = "") {
  return testing::check(std::move(name), flow, actual, limit, std::move(unit), held ? "" : "failed",
                        std::move(subject));
}

// A score with a `critical` tier (order ingest's error rate, then the fault's MTTD) and a
// `standard` tier (fulfillment's error rate).
Score hand_score(TierCheck error_rate, TierCheck mttd, TierCheck fulfil) {
  Score score;
  score.scored = true;
  score.tiers.push_back({"critical", {std::move(error_rate), std::move(mttd)}});
  score.tiers.push_back({"standard", {std::move(fulfil)}});
  return score;
}

// The run's figures as measure_run takes them from a score (no traffic: only the verdict counts).
RunFigures measured(uint64_t seed, const Score& score) {
  Scenario scenario;
  scenario.duration = Duration{3600'000'000};
  WorldResult result;
  result.seed = seed;
  return measure_run(scenario, result, score);
}

TierCheck no_data(std::string name, FlowKind flow, double limit, std::string unit) {
  TierCheck c = check(std::move(name), flow, std::nullopt, limit, std::move(unit), true);
  c.no_data = true;
  c.reason = "nothing to measure";
  return c;
}

// Two runs: the first breaches the error rate (3%) and detects the fault in time; the second
// breaches the error rate (4%) and misses the fault; fulfillment holds once and has no data once.
Comparison breach_comparison() {
  const Score first =
      hand_score(check("error_rate", FlowKind::order_ingest, 0.03, 0.005, "ratio", false),
                 check("mttd", FlowKind::order_ingest, 60, 300, "s", true, "oms-down"),
                 check("error_rate", FlowKind::fulfillment, 0.01, 0.02, "ratio", true));
  const Score second =
      hand_score(check("error_rate", FlowKind::order_ingest, 0.04, 0.005, "ratio", false),
                 check("mttd", FlowKind::order_ingest, std::nullopt, 300, "s", false, "oms-down"),
                 no_data("error_rate", FlowKind::fulfillment, 0.02, "ratio"));
  Comparison c;
  c.command = "compare";
  c.scenario_path = "scenarios/x.yaml";
  c.scenario_name = "x";
  c.scenario_hash = "sha256:00";
  c.seeds = {1, 2};
  c.connectors = {"ingest"};
  c.tiers = {"critical", "standard"};
  c.variants.push_back({"storm", "timeout 1s", {measured(1, first), measured(2, second)}});
  const Score clean =
      hand_score(check("error_rate", FlowKind::order_ingest, 0.001, 0.005, "ratio", true),
                 check("mttd", FlowKind::order_ingest, 30, 300, "s", true, "oms-down"),
                 check("error_rate", FlowKind::fulfillment, 0.0, 0.02, "ratio", true));
  c.variants.push_back({"calm", "timeout 1s", {measured(1, clean), measured(2, clean)}});
  return c;
}

TEST_CASE("breaches: per check, the runs that breached it and the mean actual where there is one") {
  const Comparison c = breach_comparison();
  REQUIRE(c.variants[0].runs[0].breaches.size() == 1);
  REQUIRE(c.variants[0].runs[1].breaches.size() == 2);
  CHECK(*c.variants[0].runs[1].values[at(CompareMetric::checks_breached)] == 2);
  const std::vector<VariantSummary> s = summarize(c);
  REQUIRE(s[0].breaches.size() == 2);
  const BreachSummary& rate = s[0].breaches[0];
  CHECK(rate.tier_name == "critical");
  CHECK(rate.check.check == "error_rate");
  CHECK(rate.check.flow == FlowKind::order_ingest);
  CHECK(rate.check.subject.empty());
  CHECK(rate.runs == 2);
  CHECK(rate.runs_breached == 2);
  CHECK(rate.runs_without_actual == 0);
  REQUIRE(rate.mean_actual);
  CHECK(*rate.mean_actual == doctest::Approx(0.035));
  CHECK(rate.check.limit == 0.005);
  CHECK(breach_text(rate) == "breached in 2 of 2 runs, mean 3.5% against 0.5%");
  const BreachSummary& mttd = s[0].breaches[1];
  CHECK(mttd.check.check == "mttd");
  CHECK(mttd.check.subject == "oms-down");
  CHECK(mttd.runs_breached == 1);
  CHECK(mttd.runs_without_actual == 1);
  // The first run detected it in 60 s and held: its actual is no breach and is not averaged.
  CHECK_FALSE(mttd.mean_actual);
  CHECK(breach_text(mttd) == "breached in 1 of 2 runs, missed in 1, limit 300 s (5m)");
  CHECK(without_actual_text(mttd) == "missed in 1");
  // Fulfillment held or had no data: no breach. The calm policy breached nothing.
  CHECK(s[1].breaches.empty());
}

TEST_CASE("breaches: a missed run and a late one, and checks pinned on different channels") {
  Comparison c = breach_comparison();
  // A third run detects the fault late (420 s): the mean is over that run alone.
  c.seeds.push_back(3);
  c.variants[0].runs.push_back(measured(
      3, hand_score(check("error_rate", FlowKind::order_ingest, 0.002, 0.005, "ratio", true),
                    check("mttd", FlowKind::order_ingest, 420, 300, "s", false, "oms-down"),
                    check("error_rate", FlowKind::fulfillment, 0.5, 0.02, "ratio", false))));
  c.variants[1].runs.push_back(c.variants[1].runs.back());
  // A per-channel check in the calm policy's runs: the worst channel differs between them.
  Score channel_score =
      hand_score(check("error_rate", FlowKind::order_ingest, 0.001, 0.005, "ratio", true),
                 check("mttd", FlowKind::order_ingest, 30, 300, "s", true, "oms-down"),
                 check("error_rate", FlowKind::fulfillment, 0.0, 0.02, "ratio", true));
  channel_score.tiers[0].checks.insert(
      channel_score.tiers[0].checks.begin(),
      check("freshness_p95", FlowKind::stock_sync, 900, 600, "s", false));
  channel_score.tiers[0].checks.front().channel = "zz-shop";
  c.variants[1].runs[0] = measured(1, channel_score);
  channel_score.tiers[0].checks.front().channel = "amazon-us";
  channel_score.tiers[0].checks.front().actual = 700;
  c.variants[1].runs[2] = measured(3, channel_score);

  const std::vector<VariantSummary> s = summarize(c);
  REQUIRE(s[0].breaches.size() == 3);
  CHECK(s[0].breaches[0].check.check == "error_rate");
  CHECK(s[0].breaches[0].runs_breached == 2);
  CHECK(s[0].breaches[0].runs == 3);
  const BreachSummary& mttd = s[0].breaches[1];
  CHECK(mttd.runs_breached == 2);
  CHECK(mttd.runs_without_actual == 1);
  REQUIRE(mttd.mean_actual);
  CHECK(*mttd.mean_actual == doctest::Approx(420));
  CHECK(breach_text(mttd) ==
        "breached in 2 of 3 runs, missed in 1, mean 420 s (7m) in the other 1 against 300 s (5m)");
  // The standard tier comes after every check of the critical tier.
  CHECK(s[0].breaches[2].tier_name == "standard");
  CHECK(s[0].breaches[2].runs_breached == 1);

  // One check of the score's list, its worst channel differing between runs: one breach that
  // counts the channels, in the order the runs named them; no channel in its label.
  REQUIRE(s[1].breaches.size() == 1);
  const BreachSummary& fresh = s[1].breaches[0];
  CHECK(fresh.runs_breached == 2);
  CHECK(fresh.check.channel.empty());
  REQUIRE(fresh.channels.size() == 2);
  CHECK(fresh.channels[0] == std::pair<std::string, size_t>{"zz-shop", 1});
  CHECK(fresh.channels[1] == std::pair<std::string, size_t>{"amazon-us", 1});
  CHECK(*fresh.mean_actual == 800);
  CHECK(check_label(fresh.check) == "freshness_p95 stock_sync");
  CHECK(breach_text(fresh) ==
        "breached in 2 of 3 runs (worst channel: zz-shop 1, amazon-us 1), mean 800 s (13m20s) "
        "against 600 s (10m)");
  // The same channel in every breaching run is named in the label.
  channel_score.tiers[0].checks.front().channel = "amazon-us";
  c.variants[1].runs[0] = measured(1, channel_score);
  const std::vector<VariantSummary> same = summarize(c);
  REQUIRE(same[1].breaches.size() == 1);
  CHECK(check_label(same[1].breaches[0].check) == "freshness_p95 stock_sync @amazon-us");
}

TEST_CASE("compare.json, the terminal, compare.md and compare.html say why tiers did not hold") {
  const Comparison c = breach_comparison();
  const auto s = summarize(c);
  const auto j = compare_json(c, s);
  CHECK(j["schema_version"] == 2);
  const auto& breaches = j["variants"][0]["breaches"];
  REQUIRE(breaches.size() == 2);
  CHECK(breaches[0]["tier"] == "critical");
  CHECK(breaches[0]["check"] == "error_rate");
  CHECK(breaches[0]["flow"] == "order_ingest");
  CHECK(breaches[0]["channel"].is_null());
  CHECK(breaches[0]["subject"].is_null());
  CHECK(breaches[0]["runs_breached"] == 2);
  CHECK(breaches[0]["runs"] == 2);
  CHECK(breaches[0]["runs_without_actual"] == 0);
  CHECK(breaches[0]["without_actual"].is_null());
  CHECK(breaches[0]["mean_actual"].get<double>() == doctest::Approx(0.035));
  CHECK(breaches[0]["limit"] == 0.005);
  CHECK(breaches[0]["unit"] == "ratio");
  CHECK(breaches[1]["subject"] == "oms-down");
  CHECK(breaches[1]["runs_breached"] == 1);
  CHECK(breaches[1]["runs_without_actual"] == 1);
  CHECK(breaches[1]["without_actual"] == "missed");
  CHECK(breaches[1]["mean_actual"].is_null());
  CHECK(j["variants"][1]["breaches"].empty());

  const std::string table = compare_table(c, s, "out", {});
  const size_t why = table.find("Why tiers did not hold");
  REQUIRE(why != std::string::npos);
  const std::string block = table.substr(why);
  CAPTURE(block);
  CHECK(block.find("  storm\n    critical  error_rate order_ingest       breached in 2 of 2 "
                   "runs, mean 3.5% against 0.5%\n") != std::string::npos);
  CHECK(block.find("    critical  mttd order_ingest [oms-down]  breached in 1 of 2 runs, missed "
                   "in 1, limit 300 s (5m)\n") != std::string::npos);
  CHECK(block.find("  calm\n    every check held in all 2 runs\n") != std::string::npos);

  const std::string md = compare_markdown(c, s);
  CHECK(md.find("| storm | critical | error_rate order_ingest | 2 of 2 runs | 3.5% | 0.5% | - |") !=
        std::string::npos);
  CHECK(md.find("| storm | critical | mttd order_ingest \\[oms-down\\] | 1 of 2 runs | - | 300 s "
                "(5m) | missed in 1 |") != std::string::npos);
  CHECK(md.find("Every check held in every run of: calm.") != std::string::npos);

  const std::string html = compare_html(c, s);
  const auto cells = testing::xmllint(
      html, {"count(//*[local-name()=\"table\"][@id=\"breaches\"]//*[local-name()=\"tr\"])",
             "string(//*[local-name()=\"table\"][@id=\"breaches\"]//*[local-name()=\"tr\"][3]/"
             "*[local-name()=\"td\"][7])",
             "string(//*[local-name()=\"table\"][@id=\"breaches\"]//*[local-name()=\"tr\"][2]/"
             "*[local-name()=\"td\"][5])"});
  CHECK(cells[0] == "3");  // the heading and two breaches
  CHECK(cells[1] == "missed in 1");
  CHECK(cells[2] == "3.5%");
}

TEST_CASE("a figure no run had is null in compare.json and - in the text formats, never 0") {
  Comparison c = two_policies();
  const auto s = summarize(c);
  REQUIRE(s[0].figures[at(CompareMetric::mttd_s)].n == 0);  // no run has an MTTD
  const auto j = compare_json(c, s);
  for (const auto& v : j["variants"]) {
    const auto& mttd = v["figures"]["mttd_s"];
    CHECK(mttd["n"] == 0);
    CHECK(mttd["mean"].is_null());
    CHECK(mttd["stddev"].is_null());
    CHECK(mttd["ci95_low"].is_null());
    CHECK(mttd["ci95_high"].is_null());
  }
  const auto& diff = j["variants"][1]["vs_first"]["mttd_s"];
  CHECK(diff["mean"].is_null());
  CHECK(diff["ci95_low"].is_null());
  CHECK(diff["excludes_zero"] == false);
  // A present figure that is 0 stays 0: only absence is null.
  CHECK(j["variants"][0]["figures"]["oversold"]["mean"] == 0.0);
  CHECK(figure_text(s[0].figures[at(CompareMetric::mttd_s)], "s") == "-");
  CHECK(difference_text(s[1].vs_first[at(CompareMetric::mttd_s)], "s") == "-");
  const std::string md = compare_markdown(c, s);
  CHECK(md.find("| MTTD (s) | - | - |") != std::string::npos);
  CHECK(md.find("n/a") == std::string::npos);
  const std::string table = compare_table(c, s, "out", {});
  CHECK(table.find("  MTTD              -   ") != std::string::npos);
  const auto chart = testing::xmllint(
      compare_html(c, s),
      {"string(//*[local-name()=\"svg\"][@id=\"chart-mttd_s\"]//*[@class=\"no-data\"][1])"});
  CHECK(chart[0] == "-");
}

}  // namespace
}  // namespace syncdrill
