// The results of `syncdrill compare` and `syncdrill sweep`: variants of one scenario (a policy
// swapped onto some connectors) run on the same seeds, the figures each run gave, and their
// summary: means with 95% intervals, paired differences against the first variant, a ranking.
//
// Every seed is a common random number: each variant sees the same orders, restocks and faults
// on it (streams are named per component, core/engine/random.hpp), so a paired difference
// measures the policy, not luck.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "sim/score/score.hpp"
#include "sim/score/stats.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

// The figures compared, in table order. Lower is better for every one of them.
enum class CompareMetric : uint8_t {
  lost,                    // orders lost on every path
  duplicated,              // channel orders that reached the OMS twice or more
  oversold,                // orders cancelled for want of ERP stock
  mttd_s,                  // mean over the faults; a missed fault counts onset -> end of run
  mttr_s,                  // mean over the faults; an unrecovered fault counts onset -> end of run
  stock_sync_delay_p95_s,  // every channel's stock sync delays together
  ingest_delay_p95_s,      // order placed -> created in the OMS, every channel together
  calls,                   // attempts the compared connectors made (the load they put on systems)
  attempts_per_request,    // their calls / the jobs offered to them (load amplification)
  checks_breached,         // SLA tier checks that failed
  // From the first job offered to the compared connectors to the end of the last of their jobs
  // (one still open at the end of the run counts to the end); none when they were offered none.
  completion_s,
  false_positives,  // monitor firings attributed to no fault (absent without monitors)
};
inline constexpr size_t kCompareMetricCount = 12;

struct CompareMetricInfo {
  CompareMetric metric;
  std::string_view key;    // report key, e.g. "mttr_s"
  std::string_view label;  // column heading, e.g. "MTTR"
  std::string_view unit;   // "orders", "s", "calls", "x", "checks"
};
const std::array<CompareMetricInfo, kCompareMetricCount>& compare_metrics();
// The figure whose report key is `key` ("mttd_s"); none when no figure has it.
std::optional<CompareMetric> compare_metric(std::string_view key);

// A constraint on one figure's mean over the seeds: low <= mean <= high, ends included; an end
// left open bounds nothing. A variant whose figure is absent (no run had it) breaks it.
struct Requirement {
  CompareMetric metric = CompareMetric::lost;
  std::optional<double> low;
  std::optional<double> high;
  bool met_by(const std::optional<double>& mean) const;
};
// As --require spells it: "false_positives=0", "mttd_s=..300", "calls=100..", "lost=1..5".
std::string requirement_text(const Requirement& r);

// An SLA tier check that failed in one run, as the score gave it: the tier (its place in the
// scenario's list, and its name) and the check's place in that tier's list, which orders the
// comparison's breach tables the way a run's report orders its checks.
struct RunBreach {
  size_t tier = 0;
  std::string tier_name;
  size_t position = 0;
  TierCheck check;
};

// What one run gave. A figure is absent when the run has nothing to measure it on (MTTD and
// MTTR without faults, a delay without a flow).
struct RunFigures {
  uint64_t seed = 0;
  std::array<std::optional<double>, kCompareMetricCount> values;
  uint32_t faults = 0;
  uint32_t faults_missed = 0;
  uint32_t faults_unrecovered = 0;
  bool scored = false;          // the scenario has SLA tiers
  std::vector<bool> tier_held;  // per scenario tier
  // The checks that failed (only those: a sweep keeps thousands of runs), tier then check order.
  std::vector<RunBreach> breaches;
  bool held() const;
};
// `connectors`: the compared connectors, whose calls count (all connectors when empty).
RunFigures measure_run(const Scenario& scenario, const WorldResult& result, const Score& score,
                       const std::vector<std::string>& connectors = {});

struct Variant {
  std::string name;      // the policy's name, or a grid point ("base=100ms max_attempts=4")
  std::string settings;  // the policy in one line: "timeout 3s; full_jitter 200ms..30s x6; ..."
  std::vector<RunFigures> runs;  // one per seed, in seed order
};

struct Comparison {
  std::string command;  // "compare" or "sweep"
  std::string scenario_path;
  std::string scenario_name;
  std::string scenario_hash;
  std::string policies_file;           // --policies, when given
  std::vector<std::string> overrides;  // the --set flags the scenario was loaded with
  std::vector<uint64_t> seeds;
  std::vector<std::string> connectors;  // whose policy each variant replaces
  std::vector<std::string> tiers;       // the scenario's tier names
  std::vector<Variant> variants;        // the first is the baseline of the differences
  std::vector<std::string> notes;       // what the reader must know to read the figures right
  // Ranking options (--rank-by, --require); with neither, the default rule ranks.
  // rank_by: the figure whose mean ranks first, lower first (absent last).
  std::optional<CompareMetric> rank_by;
  // Every variant that meets all of them ranks before every variant that breaks one.
  std::vector<Requirement> requirements;
  bool ranked_on_objective() const { return rank_by.has_value() || !requirements.empty(); }
};

// Why a variant's tiers did not hold: one check that failed in at least one of its runs, keyed by
// tier, check, flow and subject (the fault of an mttd or mttr check), with how often, by how much
// and on which channels (a per-channel check names the worst channel of each run).
struct BreachSummary {
  size_t tier = 0;  // the scenario's tier order
  std::string tier_name;
  // The key (check, flow, subject), its limit and unit, and the channel when every breaching run
  // named the same one. Its actual and reason are empty and held is false: what varies from run
  // to run is below.
  TierCheck check;
  // The worst channel of each breaching run, with the runs that named it, first seen first
  // (empty for checks that name no channel).
  std::vector<std::pair<std::string, size_t>> channels;
  size_t runs = 0;           // the variant's runs
  size_t runs_breached = 0;  // runs in which this check failed
  // Runs in which it failed with no actual to average: the fault was missed (mttd) or never
  // recovered (mttr). check_actual(check) names it.
  size_t runs_without_actual = 0;
  // The mean actual over the runs that breached it with an actual; none when no run had one.
  std::optional<double> mean_actual;
};

// A variant's breaches, merged over its runs, in the scenario's tier order and then the order in
// which the score lists the checks (then by subject).
std::vector<BreachSummary> summarize_breaches(const Variant& variant);

struct VariantSummary {
  std::array<MeanInterval, kCompareMetricCount> figures;
  // This variant minus the first, seed by seed (all zero for the first itself).
  std::array<MeanInterval, kCompareMetricCount> vs_first;
  size_t runs_held = 0;  // runs in which every tier held
  size_t runs_breached = 0;
  std::vector<size_t> tier_held_runs;  // per tier: runs in which it held
  uint64_t faults_missed = 0;          // over all runs
  uint64_t faults_unrecovered = 0;
  std::vector<BreachSummary> breaches;  // why tiers did not hold (summarize_breaches)
  size_t rank = 0;                      // 1 = best
  // Whether the paired differences against the first-ranked variant settle the order: false
  // when the held runs are equal and every ranking figure's paired difference includes zero or
  // is under 1% of the figure.
  bool distinct_from_best = true;
  // Per requirement of the comparison (in its order): whether this variant's mean breaks it.
  std::vector<bool> breaks;
  bool meets_requirements() const;
};

// The ranking, best first: more runs with every tier held; then fewer lost and duplicated
// orders; fewer oversells; shorter MTTR; fewer attempts per request (means); then the name.
// With ranking options: the variants that meet every requirement first, then the objective's
// mean (lower first, absent last), then that default rule.
std::vector<VariantSummary> summarize(const Comparison& comparison);

// A policy in one line, for people: "timeout 3s, full_jitter 200ms..30s x6, budget 20%, breaker".
std::string policy_line(const PolicySpec& p);

}  // namespace syncdrill
