// The terminal scorecard: what an operations lead reads after a drill.
#pragma once

#include <string>

#include "reports/format.hpp"
#include "reports/report_json.hpp"

namespace syncdrill {

// Plain text, fixed-width columns, no colour; ends with the replay command. telemetry: when the
// run wrote telemetry.jsonl, a line names it (and a warning follows when a cap stopped it).
std::string scorecard_text(const Scenario& scenario, const RunIdentity& id,
                           const WorldResult& result, const std::string& report_dir,
                           const TelemetrySummary* telemetry = nullptr);

}  // namespace syncdrill
