// The sections of report.html (reports/report_html.hpp), one file each group: the page and its
// header (report_html.cpp), the tables (report_html_tables.cpp), the charts
// (report_html_charts.cpp). Each appends its markup to `out`. Internal to reports/.
#pragma once

#include <string>

#include "reports/report_json.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill::report_html_parts {

// <section id="tiers">: one row per check, with each failure's reason.
void append_tiers(std::string& out, const Score& score);

// <section id="faults">: per fault, detected or missed, service restored, damage repaired.
void append_faults(std::string& out, const Scenario& scenario, const Score& score);

// <section id="impact">: the business impact of the run.
void append_impact(std::string& out, const Impact& i, const WorldResult& r,
                   const std::string& currency);

// <section id="causes">, when the score has causes: what each cause's faults touched.
void append_causes(std::string& out, const Score& score, const std::string& currency);

// <section id="monitors">: firings, faults caught and false positives per monitor.
void append_monitors(std::string& out, const Score& score);

// <section id="charts">: the timeline, then sync delay, queue depth and error rate over time.
void append_charts(std::string& out, const Scenario& scenario, const WorldResult& result,
                   const Score& score);

}  // namespace syncdrill::report_html_parts
