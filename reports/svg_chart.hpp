// Inline SVG charts for syncdrill's HTML pages: the one place that draws them. report.html
// (reports/report_html_charts.cpp) draws line charts and a timeline over simulated time with it,
// compare.html (reports/compare_html.cpp) bar charts with whiskers.
//
// Every chart is one <svg class="chart"> element that the page's stylesheet (reports/
// html_style.hpp) colours by class; the markup is XML (every element closed, attributes quoted,
// text escaped). Coordinates are written with one decimal (svg::num), so a chart's bytes depend
// on its data alone. Value axes and label fitting come from reports/chart_scale.hpp.
//
// Time charts share one geometry: 960 user units wide, the plot from x = kLeft (room for the
// timeline's row labels, so every chart's time axis lines up) to kWidth - kRight, the legend
// below the time axis in kLegendColumns columns. Drawn data elements carry data-series (and
// lines data-points); the browser tests (tests/browser) read them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/chart_scale.hpp"

namespace syncdrill::svg {

// ---- Geometry (SVG user units) ------------------------------------------------------------------

inline constexpr double kWidth = 960;
inline constexpr double kLeft =
    150;  // room for the timeline's row labels; every chart aligns on it
inline constexpr double kRight = 24;
inline constexpr double kTop = 14;
inline constexpr double kPlotHeight = 220;  // a line chart's plot
inline constexpr double kAxisBand = 46;     // below the plot: ticks, tick labels, the axis title
inline constexpr double kLegendRow = 20;
inline constexpr size_t kLegendColumns = 3;
inline constexpr double kRowHeight = 26;     // one timeline row
inline constexpr double kFontPx = 12;        // svg.chart text (reports/html_style.cpp)
inline constexpr double kTickFontPx = 11;    // svg.chart .tick-label
inline constexpr double kTickGapPx = 16;     // the least distance between two value tick labels
inline constexpr double kPointRadius = 3.5;  // the marker of a sample with no neighbour

constexpr double plot_width() {
  return kWidth - kLeft - kRight;
}

// Series colours (Tableau 10) and, past ten series, dash patterns to tell them apart.
inline constexpr std::array<std::string_view, 10> kPalette = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#6b6ecf"};
inline constexpr std::array<std::string_view, 3> kDashes = {"", "6 3", "2 3"};

std::string_view series_colour(size_t i);
std::string_view series_dash(size_t i);  // "" (solid) for the first ten series

// A coordinate: one decimal, locale-free, never "-0.0".
std::string num(double x);

// A simulated instant for people: "32m30s", "0".
std::string at(int64_t us);

// ---- Axes ---------------------------------------------------------------------------------------

// Simulated time from 0 to `end_us` (> 0) across the plot.
struct TimeAxis {
  int64_t end_us = 1;
  double x(int64_t us) const;
};

// The tick spacing: the smallest round span giving at most eight intervals.
int64_t time_step_us(int64_t end_us);

// The y of value `v` on a line chart's plot.
double value_y(const ValueAxis& a, double v);

// ---- Series -------------------------------------------------------------------------------------

// Values at t0 + i * step; nullopt is a gap (no data), which breaks the line.
struct Series {
  std::string key;    // data-series
  std::string label;  // legend
  int64_t t0_us = 0;
  int64_t step_us = 1;
  std::vector<std::optional<double>> values;
};

// Series longer than `max_points` samples: the highest value of each bucket of samples, at the
// bucket's first sample's time. Returns the bucket size (1: unchanged).
size_t downsample(Series& s, size_t max_points);

double series_max(const std::vector<Series>& all);
// The smallest value above 0 of any series (0 when there is none).
double series_min_positive(const std::vector<Series>& all);
size_t present_points(const Series& s);

// SVG path data: one subpath per run of samples without a gap. Inside a run, a point between
// two of the same height is left out (the line is the same); a lone sample is a zero-length
// subpath, too small to see, which point_markers() marks.
std::string path_data(const Series& s, const TimeAxis& tx, const ValueAxis& vy);

// A circle in the series' colour on each sample with no sample beside it, in one <g
// class="points"> with data-series and data-points (the circles); "" when there is none.
std::string point_markers(const Series& s, const TimeAxis& tx, const ValueAxis& vy,
                          std::string_view colour);

// ---- Chart pieces -------------------------------------------------------------------------------

// A fault's window, shaded behind the time charts.
struct FaultWindow {
  std::string id;
  int64_t onset_us = 0;
  int64_t end_us = 0;
};

enum class Swatch { line, fault_window, fault, firing, false_positive, marker };

struct LegendItem {
  std::string label;
  Swatch swatch = Swatch::line;
  std::string color;         // line
  std::string dash;          // line
  std::string marker_class;  // marker: detected, acknowledged, action, recovered
};

// Marker shapes, centred on (x, y): "detected" a diamond, "acknowledged" a square, "action" a
// triangle, anything else ("recovered") a circle.
std::string marker_path(std::string_view cls, double x, double y);

// The legend, in kLegendColumns columns from `top`; "" without items.
std::string legend(const std::vector<LegendItem>& items, double top);

// The height of a time chart whose plot is `plot_height` tall, with its axis band and legend.
double time_chart_height(double plot_height, const std::vector<LegendItem>& items);

// The time axis under a plot of height `plot_height` starting at kTop, with its grid.
std::string time_axis(const TimeAxis& tx, double plot_height);

// The value axis left of a line chart's plot, with its grid and rotated `title`.
std::string value_axis_svg(const ValueAxis& vy, const std::string& title);

// The shaded fault windows over a plot of height `plot_height`.
std::string window_rects(const std::vector<FaultWindow>& windows, const TimeAxis& tx,
                         double plot_height);

// <svg ...> with id "chart-ID", data-chart="ID", its <title> and `extra_attrs` (each with a
// leading space).
std::string svg_open(std::string_view id, double height, const std::string& title,
                     std::string_view extra_attrs);

// <figure id="figure-ID"> around `svg`, with `caption_html` (escaped already).
std::string figure(std::string_view id, const std::string& svg, const std::string& caption_html);

// ---- Line charts over simulated time ------------------------------------------------------------

struct LineChart {
  std::string id;
  std::string title;
  std::string y_title;
  std::string caption;  // escaped already
  std::vector<Series> series;
  ValueAxis axis;
  size_t bucket = 1;  // the downsampling bucket, in samples (1: none)
  int64_t sample_us = 0;
  // Drawn across the plot when there is no series: why the chart is empty.
  std::string empty_text = "no data in this run";
};

// One line per series (its colour and dash by position), the lone samples as circles, the fault
// windows shaded behind them.
std::string line_chart_svg(const LineChart& c, const TimeAxis& tx,
                           const std::vector<FaultWindow>& windows);

// ---- The timeline: rows of marks over simulated time --------------------------------------------

struct TimelineRow {
  std::string label;    // as drawn, fitted to its room (row_label)
  std::string title;    // in full
  std::string content;  // the row's marks (rects, marker paths), drawn in the series group
};

// The vertical middle of timeline row `row`.
double row_mid(size_t row);

// A row label, PREFIX + ID, fitted left of the plot: a long id is shortened in the middle
// ("fault governance-…-delay").
std::string row_label(std::string_view prefix, const std::string& id);

// A marker of class `cls` at time `t_us` on row `row`, with data-series and a tooltip.
std::string row_marker(const TimeAxis& tx, const std::string& series, std::string_view cls,
                       int64_t t_us, size_t row, const std::string& tip);

struct Timeline {
  std::string id;
  std::string title;
  std::string empty_text;  // drawn when there are no rows
  std::vector<TimelineRow> rows;
  std::vector<LegendItem> legend;
};

// The rows (alternate ones banded) with their labels, the fault windows behind, the time axis.
std::string timeline_svg(const Timeline& t, const TimeAxis& tx,
                         const std::vector<FaultWindow>& windows);

// ---- Bar charts ---------------------------------------------------------------------------------

// One bar: a value from zero, with an interval drawn as a whisker.
struct Bar {
  std::string label;            // left of the axis
  std::optional<double> value;  // nullopt: no data (the chart's empty text instead of a bar)
  std::optional<double> reach;  // how far right the figure reaches (its interval's high end)
  bool whisker = false;         // draw the interval [low, high]
  double low = 0;
  double high = 0;
  std::string value_text;  // right of the bar and its reach
  std::string data_value;  // the bar's data-mean
  bool best = false;       // class "bar best"
};

// The scale ends at the largest reach (or value) of any bar.
struct BarChart {
  std::string id;          // chart-ID
  std::string title;       // drawn above the bars
  std::string aria_label;  // the chart for a screen reader
  std::string empty_text;  // on a row without a value
  std::vector<Bar> bars;
};

// Horizontal bars, one row each, labels left of the axis: 470 units wide, for two side by side.
std::string bar_chart_svg(const BarChart& c);

}  // namespace syncdrill::svg
