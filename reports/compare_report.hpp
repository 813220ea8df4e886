// The writers of a comparison (reports/comparison.hpp): the terminal table, compare.json and
// compare.md. compare.html is in reports/compare_html.hpp. All are pure and deterministic: the
// same comparison gives the same bytes.
#pragma once

#include <string>
#include <vector>

// The declaration alone: nlohmann/json.hpp costs every includer about 2 s of compile time,
// so only the files that build or read the JSON include it.
#include <nlohmann/json_fwd.hpp>

#include "reports/comparison.hpp"

namespace syncdrill {

// 2: per variant `breaches`; a figure no run had is null (its mean and stddev), not 0.
inline constexpr int kCompareSchemaVersion = 2;

// The terminal summary: the ranking, then (for up to three variants) every figure with its 95%
// interval and the paired difference against the first variant. `files`: those written, for the
// closing line.
std::string compare_table(const Comparison& c, const std::vector<VariantSummary>& s,
                          const std::string& out_dir, const std::vector<std::string>& files);

nlohmann::ordered_json compare_json(const Comparison& c, const std::vector<VariantSummary>& s);

std::string compare_markdown(const Comparison& c, const std::vector<VariantSummary>& s);

// Shared by the writers.
// How every text format writes a figure no run had (JSON writes null).
extern const char* const kAbsent;
// "1,234.5 ± 12.3" (no interval when n < 2; "-" when no run had the figure).
std::string figure_text(const MeanInterval& m, std::string_view unit);
// "-1,231 [-1,290, -1,172]" for a paired difference.
std::string difference_text(const MeanInterval& d, std::string_view unit);
// A breach over a variant's runs: "breached in 10 of 10 runs, mean 3.07% against 0.5%",
// "breached in 2 of 2 runs, not recovered in 2, limit 1200 s (20m)", "breached in 3 of 10 runs,
// missed in 1, mean 360 s (6m) in the other 2 against 300 s (5m)".
std::string breach_text(const BreachSummary& b);
// The runs that breached it with no actual, in words ("missed in 2"), or "-".
std::string without_actual_text(const BreachSummary& b);
// The Markdown section "Why tiers did not hold": a table of every variant's breaches.
std::string breaches_markdown(const Comparison& c, const std::vector<VariantSummary>& s);
// The sentence that states the ranking rule, and the one that explains "(≈1)".
std::string_view ranking_rule();
extern const char* const kWithinChance;
// The same for `c`: the two above unless it has ranking options (--rank-by, --require).
std::string ranking_rule(const Comparison& c);
std::string within_chance_text(const Comparison& c);
// With ranking options, what they found: the best variant under the objective (or that none
// meets the requirements), then the variants that broke a requirement. Empty without options.
std::vector<std::string> objective_verdict(const Comparison& c,
                                           const std::vector<VariantSummary>& s);
// A variant's requirements: "met", or "broken: false_positives=0 (mean 1.5)".
std::string requirements_text(const Comparison& c, const VariantSummary& v);
// The objective's mean for a variant, as a cell ("12.5 s ± 3.1"), "-" when absent.
std::string objective_text(const Comparison& c, const VariantSummary& v);
// "2", or "2 (≈1)" when the paired differences do not settle its place behind the first.
std::string rank_text(const VariantSummary& v);
// "7 of 10 runs", or "no tiers".
std::string held_text(const Comparison& c, const VariantSummary& v, size_t index);
// "seeds 2611..2620" or "seed 5".
std::string seeds_text(const std::vector<uint64_t>& seeds);

}  // namespace syncdrill
