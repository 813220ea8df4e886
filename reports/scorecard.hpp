// The terminal scorecard: what an operations lead reads after a drill.
#pragma once

#include <string>
#include <vector>

#include "reports/format.hpp"
#include "reports/report_json.hpp"

namespace syncdrill {

// Plain text, fixed-width columns, no colour; ends with the replay command. telemetry: when the
// run wrote telemetry.jsonl, a line names it (and a warning follows when a cap stopped it).
// score: the verdict and incident timeline (none: "not scored"). colour: ANSI colours for the
// verdict words (the caller decides: a terminal, and NO_COLOR unset). files: the report files
// written into report_dir (default: report.json).
std::string scorecard_text(const Scenario& scenario, const RunIdentity& id,
                           const WorldResult& result, const std::string& report_dir,
                           const TelemetrySummary* telemetry = nullptr,
                           const Score* score = nullptr, bool colour = false,
                           const std::vector<std::string>& files = {});

}  // namespace syncdrill
