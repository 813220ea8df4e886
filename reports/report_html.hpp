// report.html: a run's verdict and its charts as one self-contained page for a browser
// (docs/report-formats.md).
//
// Sections: the drill, its verdict (PASS, FAIL, NOT SCORED), the run's identity and replay
// command; the SLA tiers (one table row per check, with each failure's reason); the faults (per
// fault: detected or missed, service restored, damage repaired or not recovered, and why); the
// business impact; four inline SVG charts over simulated time (the fault, alert and recovery
// timeline; p95 sync delay per channel and flow and connector queue depth, both on a log scale;
// connector error rate, with the fault windows shaded behind the last three); the monitors.
//
// The page needs nothing else: no scripts, no external style sheets, fonts or images. It is
// written as well-formed XHTML-compatible markup (every element closed, attributes quoted, only
// the five XML entities), so an XML parser (xmllint --noout) reads it as well as a browser does.
// Like report.md it holds no wall-clock values: the same run gives the same bytes. Tables scroll
// inside their own box, so no table makes the page wider than the window.
//
// Every drawn data element (a line, a group of point markers, a bar, a marker) carries
// data-series="..." naming its series: "CHANNEL/FLOW" for sync delays ("dtc/stock_sync"), the
// connector's name for queue depth and error rate, "fault:ID" and "monitor:NAME" on the
// timeline. Lines carry data-points (the samples drawn); a sample with no neighbour, which a line
// cannot show, is a circle in its series' colour inside <g class="points"> (data-points: the
// circles). Series longer than kHtmlMaxPoints samples are downsampled to the highest value per
// bucket, which the chart's caption says.
#pragma once

#include <cstddef>
#include <string>

#include "core/scenario/scenario.hpp"
#include "reports/report_json.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

inline constexpr size_t kHtmlMaxPoints = 2000;

// Names from the scenario and reasons from the score are escaped for XML and HTML (xml_text and
// xml_attr in reports/format.hpp). A fault kind and cause are looked up in `scenario` by fault
// id ("?" when the scenario has no such fault).
std::string report_html(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                        const Score& score);

}  // namespace syncdrill
