// The terminal scorecard: what an operations lead reads after a drill.
#pragma once

#include <string>

#include "reports/report_json.hpp"

namespace syncdrill {

// Plain text, fixed-width columns, no colour; ends with the replay command.
std::string scorecard_text(const Scenario& scenario, const RunIdentity& id,
                           const DrillResult& result, const std::string& report_dir);

}  // namespace syncdrill
