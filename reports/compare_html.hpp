// compare.html: one self-contained page (no scripts, no external files) with the ranking, a bar
// chart per figure (mean per policy with its 95% interval as a whisker) and the tables of
// compare.md. Well-formed XML (XHTML5), so tests parse it with xmllint.
#pragma once

#include <string>
#include <vector>

#include "reports/comparison.hpp"

namespace syncdrill {

std::string compare_html(const Comparison& c, const std::vector<VariantSummary>& s);

}  // namespace syncdrill
