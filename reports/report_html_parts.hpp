// The sections of report.html (reports/report_html.hpp), one file each group: the page and its
// header (report_html.cpp), the tables (report_html_tables.cpp), the charts
// (report_html_charts.cpp). Each appends its markup to `out`. Internal to reports/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "reports/html_style.hpp"
#include "reports/report_json.hpp"
#include "reports/svg_chart.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {
struct LiveResult;
}

namespace syncdrill::report_html_parts {

// The page around the sections: the doctype, <head> (charset, viewport, generator, `title`
// escaped, the stylesheet of `page`) and <body>; at the end, the footer naming the version and
// what the page's times are (`times_note`, plain text), and the closing tags.
void append_page_start(std::string& out, const std::string& title, HtmlPage page);
void append_page_end(std::string& out, const std::string& times_note);

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

// ---- The chart section, shared by a run's report.html and a live drill's ----------------------

// The charts of one report.html: the timeline and the line charts (sync delay, queue depth,
// error rate, in that order), over one time axis with the fault windows shaded.
struct ChartSection {
  std::string intro;  // the paragraph above the charts, plain text
  svg::TimeAxis tx;
  std::vector<svg::FaultWindow> windows;
  svg::Timeline timeline;
  std::string timeline_caption;  // plain text
  std::vector<svg::LineChart> charts;
};

// <section id="charts">: the intro, the timeline's figure, then one figure per line chart.
void append_chart_section(std::string& out, const ChartSection& s);

// Which marks a timeline drew, for its legend.
struct TimelineMarks {
  bool detected = false, acknowledged = false, action = false, recovered = false;
  bool firing = false, false_positive = false;
};
std::vector<svg::LegendItem> timeline_legend(bool any_window, const TimelineMarks& d);

// A fault's timeline row: its window (`kind` in the tooltip), then detection, acknowledgement,
// each runbook action and recovery of its incident as markers, and "missed" right of a fault
// nothing caught. `inc` null: the window alone.
svg::TimelineRow fault_row(const FaultIncident* inc, std::string_view kind, const svg::TimeAxis& tx,
                           const svg::FaultWindow& w, size_t row, TimelineMarks& drawn);

// A fault's window on timeline row `row`, its tooltip naming `kind`.
std::string fault_window_rect(const svg::TimeAxis& tx, const svg::FaultWindow& w, size_t row,
                              std::string_view kind);
// "missed", right of a fault's window that nothing caught.
std::string missed_label(const svg::TimeAxis& tx, const svg::FaultWindow& w, size_t row);

// The line charts of report.html. Their ids, titles and axes are defined here once: the caller
// takes a frame, fills its series, then finish_chart() downsamples series longer than
// kHtmlMaxPoints, sets the value axis and the caption (with the sampling interval and any
// downsampling).
enum class ChartKind { sync_delay, queue_depth, error_rate, orders_placed };
svg::LineChart chart_frame(ChartKind kind, int64_t sample_us);
void finish_chart(ChartKind kind, svg::LineChart& c, std::string caption);

// A log-scale value axis for the chart's data.
ValueAxis symlog_axis_of(const svg::LineChart& c, ValueKind kind);

// The live drill's <section id="charts"> (reports/live_report_charts.cpp).
void append_live_charts(std::string& out, const LiveResult& r);

}  // namespace syncdrill::report_html_parts
