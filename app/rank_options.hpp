// --rank-by KEY and --require KEY=RANGE of `compare` and `sweep`: rank the variants on one
// figure, every variant that meets the requirements before any that breaks one
// (docs/compare.md, "Ranking on an objective"). The parsers only check the text; the ranking
// itself is summarize()'s (reports/comparison.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reports/comparison.hpp"

namespace syncdrill {

// A compare figure's report key ("mttd_s"). On failure: nothing, and `error` says why (naming
// the keys there are).
std::optional<CompareMetric> parse_rank_by(std::string_view text, std::string& error);

// KEY=RANGE on a figure's mean over the seeds, in the figure's unit: "false_positives=0" (exactly
// 0), "mttd_s=..300" (at most 300), "calls=100.." (at least 100), "lost=1..5" (1 to 5, ends
// included). On failure: nothing, and `error` says why.
std::optional<Requirement> parse_requirement(std::string_view text, std::string& error);

}  // namespace syncdrill
