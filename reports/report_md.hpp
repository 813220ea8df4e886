// report.md: a run's verdict as GitHub-flavoured Markdown, to paste into a ticket or a pull
// request (docs/report-formats.md).
//
// Sections: the title with the drill and its verdict (PASS, FAIL, NOT SCORED), the run's
// identity and replay command, the SLA tiers (one table row per check, then each failure's
// reason), the fault timeline, the monitors and the business impact. Like report.json it holds
// no wall-clock values: the same run gives the same bytes.
#pragma once

#include <string>

#include "core/scenario/scenario.hpp"
#include "reports/report_json.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

// Names from the scenario and reasons from the score are escaped for Markdown (md_text in
// reports/format.hpp). A fault kind and cause are looked up in `scenario` by fault id ("?" when
// the scenario has no such fault).
std::string report_markdown(const Scenario& scenario, const RunIdentity& id,
                            const WorldResult& result, const Score& score);

struct LiveResult;

// A live drill's report.md (`syncdrill serve`): a live title and header, the same SLA tier,
// fault and business-impact sections as a run's (the impact's figures a live drill cannot
// measure read "not measured in a live drill"), then a "Live drill" section: the drill's own
// checks, the orders, stock and connector tables, every fault's window and hits, the acks.
std::string live_report_markdown(const Scenario& scenario, const LiveResult& live);

}  // namespace syncdrill
