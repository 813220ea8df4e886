#include "reports/report_html.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "reports/chart_scale.hpp"
#include "reports/format.hpp"

namespace syncdrill {

namespace {

// ---- Page geometry (SVG user units) -------------------------------------------------------------

constexpr double kWidth = 960;
constexpr double kLeft = 150;  // room for the timeline's row labels; every chart aligns on it
constexpr double kRight = 24;
constexpr double kTop = 14;
constexpr double kPlotHeight = 220;
constexpr double kAxisBand = 46;  // below the plot: ticks, tick labels, the axis title
constexpr double kLegendRow = 20;
constexpr size_t kLegendColumns = 3;
constexpr double kRowHeight = 26;     // one timeline row
constexpr double kFontPx = 12;        // svg.chart text (kStyle)
constexpr double kTickFontPx = 11;    // svg.chart .tick-label
constexpr double kTickGapPx = 16;     // the least distance between two value tick labels
constexpr double kPointRadius = 3.5;  // the marker of a sample with no neighbour

constexpr double plot_width() {
  return kWidth - kLeft - kRight;
}

// Series colours (Tableau 10) and, past ten series, dash patterns to tell them apart.
constexpr std::array<std::string_view, 10> kPalette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                                       "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                                       "#9c755f", "#6b6ecf"};
constexpr std::array<std::string_view, 3> kDashes = {"", "6 3", "2 3"};

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;max-width:1000px;margin:24px auto;padding:0 16px;line-height:1.45;overflow-wrap:break-word}
h1{font-size:1.6em;margin:0 0 .3em}
h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.verdict{display:inline-block;padding:.05em .5em;border-radius:4px;color:#fff;font-weight:700}
.verdict.pass{background:#1a7f37}
.verdict.fail{background:#cf222e}
.verdict.not-scored{background:#6e7781}
.description{color:#57606a;font-style:italic}
.warning{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px}
.table-wrap{max-width:100%;overflow-x:auto;margin:.5em 0 1em}
table{border-collapse:collapse;font-size:.92em}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.breached td{background:#ffebe9}
table.identity th{width:9em}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
pre.replay{background:#f6f8fa;border:1px solid #d0d7de;padding:8px 12px;overflow-x:auto;margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
figure{margin:1em 0 2em}
figcaption{font-size:.9em;color:#57606a;margin-top:.3em}
svg.chart{display:block;max-width:100%;height:auto;background:#fff}
svg.chart text{font-size:12px;fill:#1f2328}
svg.chart .plot-area{fill:none;stroke:#d0d7de}
svg.chart .grid{stroke:#eaeef2}
svg.chart .axis-line,svg.chart .tick{stroke:#57606a}
svg.chart .tick-label{font-size:11px;fill:#57606a}
svg.chart .chart-title{font-size:13px;font-weight:700}
svg.chart .no-data{fill:#57606a;font-style:italic}
svg.chart .fault-window{fill:#e15759;fill-opacity:.09}
svg.chart .line{fill:none;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
svg.chart .points{stroke:#fff;stroke-width:1}
svg.chart .fault{fill:#e15759;fill-opacity:.45;stroke:#b3282d}
svg.chart .firing{fill:#4e79a7;fill-opacity:.75;stroke:#2f4b6e}
svg.chart .firing.false-positive{fill:#a0a7b0;stroke:#6e7781}
svg.chart .detected{fill:#f28e2b;stroke:#8a4a0b}
svg.chart .acknowledged{fill:#edc948;stroke:#7d6608}
svg.chart .action{fill:#b07aa1;stroke:#5e3a55}
svg.chart .recovered{fill:#59a14f;stroke:#2b5a25}
svg.chart .row-band{fill:#f6f8fa}
svg.chart .missed{fill:#b3282d;font-weight:700}
)";

// A coordinate: one decimal, locale-free.
std::string num(double x) {
  std::string s = fmt::format("{:.1f}", x);
  if (s == "-0.0") s = "0.0";
  return s;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// A simulated instant for people: "32m30s", "0".
std::string at(int64_t us) {
  return us == 0 ? std::string("0") : human_duration(Duration{us});
}

// A timeline row label, "fault ID" or "alert NAME", fitted left of the plot: a long id is
// shortened in the middle ("fault governance-…-delay"); the full label goes in its <title>.
std::string row_label(std::string_view prefix, const std::string& id) {
  constexpr double kRoom = kLeft - 8 - 4;  // right-aligned at kLeft - 8, 4 to spare
  return std::string(prefix) + fit_text(id, kFontPx, kRoom - text_width_px(prefix, kFontPx));
}

const FaultSpec* find_fault(const Scenario& scenario, const std::string& id) {
  for (const FaultSpec& f : scenario.faults) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// ---- Axes ---------------------------------------------------------------------------------------

// Simulated time from 0 to `end_us` across the plot.
struct TimeAxis {
  int64_t end_us = 1;
  double x(int64_t us) const {
    const int64_t t = std::clamp<int64_t>(us, 0, end_us);
    return kLeft + plot_width() * static_cast<double>(t) / static_cast<double>(end_us);
  }
};

// The tick spacing: the smallest round span giving at most eight intervals.
int64_t time_step_us(int64_t end_us) {
  static constexpr std::array<int64_t, 23> kSteps_s = {
      1,    2,    5,     10,    15,    30,    60,     120,    300,     600,     900,    1800,
      3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000, 7776000};
  for (int64_t s : kSteps_s) {
    if (end_us / (s * 1'000'000) <= 8) return s * 1'000'000;
  }
  return kSteps_s.back() * 1'000'000;
}

// The y of value `v` on a line chart's plot.
double value_y(const ValueAxis& a, double v) {
  return kTop + kPlotHeight * (1 - a.fraction(v));
}

// ---- Series -------------------------------------------------------------------------------------

// Values at t0 + i * step; nullopt is a gap (no data), which breaks the line.
struct Series {
  std::string key;    // data-series
  std::string label;  // legend
  int64_t t0_us = 0;
  int64_t step_us = 1;
  std::vector<std::optional<double>> values;
};

// Series longer than kHtmlMaxPoints: the highest value of each bucket of `bucket` samples, at the
// bucket's first sample's time. Returns the bucket size (1: unchanged).
size_t downsample(Series& s) {
  if (s.values.size() <= kHtmlMaxPoints) return 1;
  const size_t bucket = (s.values.size() + kHtmlMaxPoints - 1) / kHtmlMaxPoints;
  std::vector<std::optional<double>> out;
  out.reserve(kHtmlMaxPoints);
  for (size_t i = 0; i < s.values.size(); i += bucket) {
    std::optional<double> best;
    for (size_t k = i; k < std::min(i + bucket, s.values.size()); ++k) {
      if (s.values[k] && (!best || *s.values[k] > *best)) best = s.values[k];
    }
    out.push_back(best);
  }
  s.values = std::move(out);
  s.step_us *= static_cast<int64_t>(bucket);
  return bucket;
}

double series_max(const std::vector<Series>& all) {
  double m = 0;
  for (const Series& s : all) {
    for (const std::optional<double>& v : s.values) {
      if (v) m = std::max(m, *v);
    }
  }
  return m;
}

// The smallest value above 0 of any series (0 when there is none).
double series_min_positive(const std::vector<Series>& all) {
  double m = 0;
  for (const Series& s : all) {
    for (const std::optional<double>& v : s.values) {
      if (v && *v > 0 && (m == 0 || *v < m)) m = *v;
    }
  }
  return m;
}

size_t present_points(const Series& s) {
  return static_cast<size_t>(std::count_if(s.values.begin(), s.values.end(),
                                           [](const std::optional<double>& v) { return v; }));
}

// SVG path data: one subpath per run of samples without a gap. Inside a run, a point between
// two of the same height is left out (the line is the same); a lone sample is a zero-length
// subpath, too small to see, which point_markers() marks.
std::string path_data(const Series& s, const TimeAxis& tx, const ValueAxis& vy) {
  std::string d;
  size_t i = 0;
  const size_t n = s.values.size();
  auto px = [&](size_t k) { return num(tx.x(s.t0_us + static_cast<int64_t>(k) * s.step_us)); };
  auto py = [&](size_t k) { return num(value_y(vy, *s.values[k])); };
  while (i < n) {
    if (!s.values[i]) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && s.values[end])
      ++end;
    // Run [i, end).
    if (!d.empty()) d += ' ';
    d += "M" + px(i) + " " + py(i);
    if (end - i == 1) {
      d += "h0";
    } else {
      d += "L";
      bool first = true;
      for (size_t k = i + 1; k < end; ++k) {
        const bool flat =
            k + 1 < end && *s.values[k - 1] == *s.values[k] && *s.values[k] == *s.values[k + 1];
        if (flat) continue;
        if (!first) d += ' ';
        d += px(k) + " " + py(k);
        first = false;
      }
    }
    i = end;
  }
  return d;
}

// A circle in the series' colour on each sample with no sample beside it: a line needs two
// consecutive samples, so without it a lone sample (one breached delay in a quiet flow) would
// not show at all, though it may set the axis' top. The circles of a series share one group,
// which carries data-series and data-points (the circles drawn); none: no group.
std::string point_markers(const Series& s, const TimeAxis& tx, const ValueAxis& vy,
                          std::string_view colour) {
  std::string circles;
  size_t count = 0;
  const size_t n = s.values.size();
  for (size_t k = 0; k < n; ++k) {
    const bool lone = s.values[k] && !(k > 0 && s.values[k - 1]) && !(k + 1 < n && s.values[k + 1]);
    if (!lone) continue;
    ++count;
    const int64_t t_us = s.t0_us + static_cast<int64_t>(k) * s.step_us;
    circles +=
        fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}: {} at {}</title></circle>\n",
                    num(tx.x(t_us)), num(value_y(vy, *s.values[k])), num(kPointRadius),
                    xml_text(s.label), value_text(vy.kind, *s.values[k]), at(t_us));
  }
  if (count == 0) return "";
  return fmt::format(
      "<g class=\"points\" data-series=\"{}\" data-points=\"{}\" fill=\"{}\">\n{}</g>\n",
      xml_attr(s.key), count, colour, circles);
}

// ---- Chart pieces -------------------------------------------------------------------------------

struct FaultWindow {
  std::string id;
  int64_t onset_us = 0;
  int64_t end_us = 0;
};

// The faults' windows: the incidents' (onset to end), then scenario faults without an incident.
std::vector<FaultWindow> fault_windows(const Scenario& scenario, const Score& score) {
  std::vector<FaultWindow> out;
  for (const FaultIncident& f : score.incidents)
    out.push_back({f.fault_id, f.onset.us, f.ended.us});
  for (const FaultSpec& f : scenario.faults) {
    const bool known = std::any_of(score.incidents.begin(), score.incidents.end(),
                                   [&](const FaultIncident& i) { return i.fault_id == f.id; });
    if (!known) out.push_back({f.id, f.at.us, (f.at + f.length).us});
  }
  return out;
}

enum class Swatch { line, fault_window, fault, firing, false_positive, marker };

struct LegendItem {
  std::string label;
  Swatch swatch = Swatch::line;
  std::string color;         // line
  std::string dash;          // line
  std::string marker_class;  // marker: detected, acknowledged, action, recovered
};

size_t legend_rows(const std::vector<LegendItem>& items) {
  return (items.size() + kLegendColumns - 1) / kLegendColumns;
}

// Marker shapes, centred on (x, y).
std::string marker_path(std::string_view cls, double x, double y) {
  if (cls == "detected") {  // diamond
    return fmt::format("M{} {}L{} {} {} {} {} {}Z", num(x), num(y - 7), num(x + 6), num(y), num(x),
                       num(y + 7), num(x - 6), num(y));
  }
  if (cls == "acknowledged") {  // square
    return fmt::format("M{} {}h10v10h-10Z", num(x - 5), num(y - 5));
  }
  if (cls == "action") {  // triangle
    return fmt::format("M{} {}L{} {} {} {}Z", num(x), num(y - 7), num(x + 6), num(y + 5),
                       num(x - 6), num(y + 5));
  }
  // recovered: circle
  return fmt::format("M{} {}a5 5 0 1 0 10 0a5 5 0 1 0 -10 0Z", num(x - 5), num(y));
}

std::string legend(const std::vector<LegendItem>& items, double top) {
  if (items.empty()) return "";
  const double column = plot_width() / kLegendColumns;
  std::string out = "<g class=\"legend\">\n";
  for (size_t i = 0; i < items.size(); ++i) {
    const LegendItem& it = items[i];
    const double x = kLeft + column * static_cast<double>(i % kLegendColumns);
    const double y = top + kLegendRow * static_cast<double>(i / kLegendColumns) + 10;
    switch (it.swatch) {
      case Swatch::line:
        out += fmt::format(
            "<line class=\"swatch\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
            "stroke-width=\"3\"{}/>",
            num(x), num(y), num(x + 18), num(y), it.color,
            it.dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", it.dash));
        break;
      case Swatch::fault_window:
        out += fmt::format(
            "<rect class=\"swatch fault-window\" x=\"{}\" y=\"{}\" width=\"18\" height=\"12\" "
            "style=\"fill-opacity:.25\"/>",
            num(x), num(y - 6));
        break;
      case Swatch::fault:
      case Swatch::firing:
      case Swatch::false_positive: {
        const std::string_view cls = it.swatch == Swatch::fault    ? "fault"
                                     : it.swatch == Swatch::firing ? "firing"
                                                                   : "firing false-positive";
        out +=
            fmt::format("<rect class=\"swatch {}\" x=\"{}\" y=\"{}\" width=\"18\" height=\"12\"/>",
                        cls, num(x), num(y - 6));
        break;
      }
      case Swatch::marker:
        out += fmt::format("<path class=\"swatch {}\" d=\"{}\"/>", it.marker_class,
                           marker_path(it.marker_class, x + 9, y));
        break;
    }
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\">{}<title>{}</title></text>\n", num(x + 24), num(y + 4),
                    xml_text(fit_text(it.label, kFontPx, column - 24 - 8)), xml_text(it.label));
  }
  return out + "</g>\n";
}

// The time axis under a plot of height `plot_height` starting at kTop, with its grid.
std::string time_axis(const TimeAxis& tx, double plot_height) {
  const double bottom = kTop + plot_height;
  const int64_t step = time_step_us(tx.end_us);
  std::string grid = "<g class=\"grid-lines\">";
  std::string axis = fmt::format(
      "<g class=\"axis x-axis\">\n<line class=\"axis-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" "
      "y2=\"{}\"/>\n",
      num(kLeft), num(bottom), num(kLeft + plot_width()), num(bottom));
  for (int64_t t = 0; t <= tx.end_us; t += step) {
    const std::string x = num(tx.x(t));
    grid += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", x,
                        num(kTop), x, num(bottom));
    axis += fmt::format(
        "<line class=\"tick\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"tick-label\" "
        "x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        x, num(bottom), x, num(bottom + 5), x, num(bottom + 17), at(t));
  }
  axis += fmt::format(
      "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">simulated time since "
      "the start of the run</text>\n</g>\n",
      num(kLeft + plot_width() / 2), num(bottom + 36));
  return grid + "</g>\n" + axis;
}

std::string value_axis_svg(const ValueAxis& vy, const std::string& title) {
  std::string grid = "<g class=\"grid-lines\">";
  std::string axis = fmt::format(
      "<g class=\"axis y-axis\">\n<line class=\"axis-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" "
      "y2=\"{}\"/>\n",
      num(kLeft), num(kTop), num(kLeft), num(kTop + kPlotHeight));
  double widest_px = 0;
  for (double v : vy.ticks) {
    const std::string y = num(value_y(vy, v));
    const std::string label = value_text(vy.kind, v);
    widest_px = std::max(widest_px, text_width_px(label, kTickFontPx));
    if (v > 0) {
      grid += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                          num(kLeft), y, num(kLeft + plot_width()), y);
    }
    axis += fmt::format(
        "<line class=\"tick\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"tick-label\" "
        "x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
        num(kLeft - 5), y, num(kLeft), y, num(kLeft - 8), num(value_y(vy, v) + 4), label);
  }
  // The rotated title sits left of the widest tick label (its baseline 12 px further out).
  const double title_x = std::max(kFontPx, kLeft - 8 - widest_px - 12);
  axis += fmt::format(
      "<text class=\"axis-title\" transform=\"translate({} {}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n</g>\n",
      num(title_x), num(kTop + kPlotHeight / 2), xml_text(title));
  return grid + "</g>\n" + axis;
}

std::string window_rects(const std::vector<FaultWindow>& windows, const TimeAxis& tx,
                         double plot_height) {
  std::string out = "<g class=\"fault-windows\">\n";
  for (const FaultWindow& w : windows) {
    const double x = tx.x(w.onset_us);
    const double width = std::max(tx.x(w.end_us) - x, 1.0);
    out += fmt::format(
        "<rect class=\"fault-window\" data-fault=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\"><title>fault {}: {} to {}</title></rect>\n",
        xml_attr(w.id), num(x), num(kTop), num(width), num(plot_height), xml_text(w.id),
        at(w.onset_us), at(w.end_us));
  }
  return out + "</g>\n";
}

std::string svg_open(std::string_view id, double height, const std::string& title,
                     std::string_view extra_attrs) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-{0}\" "
      "data-chart=\"{0}\" width=\"{1}\" height=\"{2}\" viewBox=\"0 0 {1} {2}\" role=\"img\" "
      "aria-labelledby=\"chart-{0}-title\"{3}>\n<title id=\"chart-{0}-title\">{4}</title>\n",
      id, num(kWidth), num(height), extra_attrs, xml_text(title));
}

std::string figure(std::string_view id, const std::string& svg, const std::string& caption) {
  return fmt::format("<figure id=\"figure-{}\">\n{}<figcaption>{}</figcaption>\n</figure>\n", id,
                     svg, caption);
}

// ---- The four charts ----------------------------------------------------------------------------

struct LineChart {
  std::string id;
  std::string title;
  std::string y_title;
  std::string caption;  // escaped already
  std::vector<Series> series;
  ValueAxis axis;
  size_t bucket = 1;
  int64_t sample_us = 0;
};

std::string line_chart_svg(const LineChart& c, const TimeAxis& tx,
                           const std::vector<FaultWindow>& windows) {
  std::vector<LegendItem> items;
  for (size_t i = 0; i < c.series.size(); ++i) {
    items.push_back({c.series[i].label, Swatch::line, std::string(kPalette[i % kPalette.size()]),
                     std::string(kDashes[(i / kPalette.size()) % kDashes.size()]), ""});
  }
  if (!windows.empty()) items.push_back({"fault window", Swatch::fault_window, "", "", ""});
  const double legend_top = kTop + kPlotHeight + kAxisBand;
  const double height =
      legend_top + kLegendRow * static_cast<double>(legend_rows(items)) + (items.empty() ? 0 : 8);

  std::string out = svg_open(
      c.id, height, c.title,
      fmt::format(" data-y-max=\"{}\" data-y-unit=\"{}\" data-y-scale=\"{}\"{} "
                  "data-x-end-s=\"{}\"",
                  plain_number(c.axis.max, 6), value_unit(c.axis.kind),
                  c.axis.scale == Scale::symlog ? "symlog" : "linear",
                  c.axis.scale == Scale::symlog
                      ? fmt::format(" data-y-linear=\"{}\"", plain_number(c.axis.linear_below, 6))
                      : std::string(),
                  plain_number(static_cast<double>(tx.end_us) / 1e6, 6)));
  out += window_rects(windows, tx, kPlotHeight);
  out += value_axis_svg(c.axis, c.y_title);
  out += time_axis(tx, kPlotHeight);
  out += fmt::format("<rect class=\"plot-area\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     num(kLeft), num(kTop), num(plot_width()), num(kPlotHeight));
  if (c.series.empty()) {
    out += fmt::format(
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data in this "
        "run</text>\n",
        num(kLeft + plot_width() / 2), num(kTop + kPlotHeight / 2));
  }
  out += "<g class=\"series\">\n";
  for (size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    const std::string_view dash = kDashes[(i / kPalette.size()) % kDashes.size()];
    out += fmt::format(
        "<path class=\"line\" data-series=\"{}\" data-points=\"{}\" stroke=\"{}\"{} "
        "d=\"{}\"><title>{}</title></path>\n",
        xml_attr(s.key), present_points(s), kPalette[i % kPalette.size()],
        dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", dash), path_data(s, tx, c.axis),
        xml_text(s.label));
    out += point_markers(s, tx, c.axis, kPalette[i % kPalette.size()]);
  }
  out += "</g>\n";
  out += legend(items, legend_top);
  out += "</svg>\n";
  return out;
}

std::string sampling_note(const LineChart& c) {
  std::string note =
      fmt::format(" One sample per {} of simulated time.", human_duration(Duration{c.sample_us}));
  if (c.bucket > 1) {
    note += fmt::format(
        " Downsampled: series longer than {} samples show the highest value of each bucket of {} "
        "samples ({}).",
        grouped(kHtmlMaxPoints), c.bucket,
        human_duration(Duration{c.sample_us * static_cast<int64_t>(c.bucket)}));
  }
  return note;
}

LineChart delay_chart(const WorldResult& r) {
  static constexpr std::array<std::string_view, 4> kFlowKeys = {"order_ingest", "stock_sync",
                                                                "price_sync", "status_sync"};
  static constexpr std::array<std::string_view, 4> kFlowNames = {"order ingest", "stock sync",
                                                                 "price sync", "status sync"};
  LineChart c;
  c.id = "sync-delay";
  c.title = "Sync delay p95 per channel and flow over time";
  c.sample_us = r.sample_interval.us;
  for (const ChannelOutcome& ch : r.channels) {
    for (size_t k = 0; k < kSyncDelays.size(); ++k) {
      const std::vector<int64_t>& v = ch.delay_p95_ms_series[kSyncDelays[k]];
      if (std::none_of(v.begin(), v.end(), [](int64_t x) { return x >= 0; })) continue;
      Series s;
      s.key = fmt::format("{}/{}", ch.channel, kFlowKeys[k]);
      s.label = fmt::format("{} {}", ch.channel, kFlowNames[k]);
      s.t0_us = r.sample_interval.us;  // the p95 of the interval that ends here
      s.step_us = r.sample_interval.us;
      for (int64_t x : v)
        s.values.push_back(x >= 0 ? std::optional<double>(static_cast<double>(x)) : std::nullopt);
      c.series.push_back(std::move(s));
    }
  }
  for (Series& s : c.series)
    c.bucket = std::max(c.bucket, downsample(s));
  c.axis = symlog_axis(series_max(c.series), series_min_positive(c.series), ValueKind::delay_ms,
                       kPlotHeight, kTickGapPx);
  c.y_title = "p95 sync delay (log scale)";
  c.caption =
      "p95 of the sync delays delivered in each interval, per channel and flow (order ingest: "
      "placed to created in the OMS; stock and price sync: ERP change to channel updated; status "
      "sync: shipped to channel updated), on a logarithmic scale, so one long delay leaves the "
      "others readable. A gap: nothing was delivered in that interval; a dot: a sample with no "
      "neighbour. Flows without any delivery are left out.";
  c.caption += sampling_note(c);
  return c;
}

LineChart queue_chart(const WorldResult& r) {
  LineChart c;
  c.id = "queue-depth";
  c.title = "Connector queue depth over time";
  c.sample_us = r.sample_interval.us;
  for (const ConnectorOutcome& con : r.connectors) {
    if (con.queue_depth_series.empty()) continue;
    Series s;
    s.key = con.name;
    s.label = fmt::format("{} ({})", con.name, to_string(con.flow));
    s.t0_us = 0;
    s.step_us = r.sample_interval.us;
    for (uint32_t q : con.queue_depth_series)
      s.values.emplace_back(static_cast<double>(q));
    c.series.push_back(std::move(s));
  }
  for (Series& s : c.series)
    c.bucket = std::max(c.bucket, downsample(s));
  c.axis = symlog_axis(series_max(c.series), series_min_positive(c.series), ValueKind::jobs,
                       kPlotHeight, kTickGapPx);
  c.y_title = "queue depth (jobs, log scale)";
  c.caption =
      "Jobs waiting in each connector's queue at each sample, in jobs (work being retried or "
      "held by a stalled worker included), on a logarithmic scale (linear from 0 to 1 job), so "
      "a backlog of thousands leaves a queue of a few jobs readable.";
  c.caption += sampling_note(c);
  return c;
}

LineChart error_chart(const WorldResult& r) {
  LineChart c;
  c.id = "error-rate";
  c.title = "Connector error rate over time";
  c.sample_us = r.sample_interval.us;
  for (const ConnectorOutcome& con : r.connectors) {
    const size_t n = std::min(con.attempts_ok_series.size(), con.attempts_failed_series.size());
    Series s;
    s.key = con.name;
    s.label = fmt::format("{} ({})", con.name, to_string(con.flow));
    s.t0_us = 0;
    s.step_us = r.sample_interval.us;
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      const double ok = con.attempts_ok_series[i];
      const double failed = con.attempts_failed_series[i];
      if (i == 0 || ok + failed == 0) {
        s.values.emplace_back(std::nullopt);
        continue;
      }
      s.values.emplace_back(100 * failed / (ok + failed));
      any = true;
    }
    if (any) c.series.push_back(std::move(s));
  }
  for (Series& s : c.series)
    c.bucket = std::max(c.bucket, downsample(s));
  c.axis = linear_axis(std::min(series_max(c.series), 100.0), ValueKind::percent);
  c.y_title = "failed attempts (%)";
  c.caption =
      "Failed attempts / all attempts of each connector per interval, in percent (errors, "
      "timeouts and circuit-breaker rejections count as failed). A gap: no attempt in that "
      "interval; a dot: a sample with no neighbour. Connectors that made no attempt are left out.";
  c.caption += sampling_note(c);
  return c;
}

// The timeline: one row per fault (its window, then detection, acknowledgement, each action and
// recovery as markers) and one per monitor (its firing episodes).
std::string timeline_svg(const Scenario& scenario, const Score& score, const TimeAxis& tx,
                         const std::vector<FaultWindow>& windows) {
  struct Row {
    std::string label;  // as drawn, fitted to its room
    std::string title;  // in full
    std::string content;
  };
  std::vector<Row> rows;
  auto row_mid = [](size_t row) { return kTop + kRowHeight * (static_cast<double>(row) + 0.5); };
  auto marker = [&](std::string& out, const std::string& series, std::string_view cls, int64_t t_us,
                    size_t row, const std::string& tip) {
    out += fmt::format("<path class=\"{}\" data-series=\"{}\" d=\"{}\"><title>{}</title></path>\n",
                       cls, xml_attr(series), marker_path(cls, tx.x(t_us), row_mid(row)),
                       xml_text(tip));
  };

  bool any_detected = false, any_ack = false, any_action = false, any_recovered = false;
  bool any_firing = false, any_false_positive = false;
  for (const FaultWindow& w : windows) {
    const size_t row = rows.size();
    const FaultIncident* inc = nullptr;
    for (const FaultIncident& f : score.incidents) {
      if (f.fault_id == w.id) {
        inc = &f;
        break;
      }
    }
    const FaultSpec* spec = find_fault(scenario, w.id);
    const std::string series = "fault:" + w.id;
    const double x = tx.x(w.onset_us);
    const double width = std::max(tx.x(w.end_us) - x, 2.0);
    std::string out;
    out += fmt::format(
        "<rect class=\"fault\" data-series=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"14\"><title>fault {} ({}): {} to {}</title></rect>\n",
        xml_attr(series), num(x), num(row_mid(row) - 7), num(width), xml_text(w.id),
        spec != nullptr ? to_string(spec->kind) : "?", at(w.onset_us), at(w.end_us));
    if (inc != nullptr) {
      if (inc->detected) {
        any_detected = true;
        std::string tip = fmt::format("{} detected at {}", w.id, at(inc->detected->us));
        if (!inc->detected_by.empty()) tip += " by " + joined(inc->detected_by, ", ");
        if (inc->mttd) tip += ", MTTD " + human_duration(*inc->mttd);
        marker(out, series, "detected", inc->detected->us, row, tip);
      }
      if (inc->acknowledged) {
        any_ack = true;
        marker(out, series, "acknowledged", inc->acknowledged->us, row,
               fmt::format("{} acknowledged at {}", w.id, at(inc->acknowledged->us)));
      }
      for (const ActionRecord& a : inc->actions) {
        any_action = true;
        marker(out, series, "action", a.at.us, row,
               fmt::format("{}: {}{}{} at {}", w.id, to_string(a.kind), a.target.empty() ? "" : " ",
                           a.target, at(a.at.us)));
      }
      if (inc->recovered) {
        any_recovered = true;
        std::string tip = fmt::format("{} recovered at {}", w.id, at(inc->recovered->us));
        if (inc->mttr) tip += ", MTTR " + human_duration(*inc->mttr);
        marker(out, series, "recovered", inc->recovered->us, row, tip);
      }
      if (inc->missed()) {
        out += fmt::format("<text class=\"missed\" x=\"{}\" y=\"{}\">missed</text>\n",
                           num(std::min(x + width + 6, kLeft + plot_width() - 40)),
                           num(row_mid(row) + 4));
      }
    }
    rows.push_back({row_label("fault ", w.id), "fault " + w.id, out});
  }
  for (const MonitorOutcome& m : score.monitors) {
    const size_t row = rows.size();
    const std::string series = "monitor:" + m.name;
    std::string out;
    for (const MonitorFiring& f : m.firings) {
      const bool fp = f.attributed_to.empty();
      any_firing = any_firing || !fp;
      any_false_positive = any_false_positive || fp;
      const int64_t end = f.end ? f.end->us : tx.end_us;
      const double x = tx.x(f.start.us);
      const double width = std::max(tx.x(end) - x, 2.0);
      out += fmt::format(
          "<rect class=\"firing{}\" data-series=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
          "height=\"12\"><title>{} fired at {} {} (value {}){}</title></rect>\n",
          fp ? " false-positive" : "", xml_attr(series), num(x), num(row_mid(row) - 6), num(width),
          xml_text(m.name), at(f.start.us),
          f.end ? "until " + at(f.end->us) : std::string("until the end of the run"),
          plain_number(f.value, 4),
          xml_text(fp ? std::string(", a false positive")
                      : ", for " + joined(f.attributed_to, ", ")));
    }
    rows.push_back({row_label("alert ", m.name), "alert " + m.name, out});
  }

  std::vector<LegendItem> items;
  if (!windows.empty()) items.push_back({"fault window", Swatch::fault, "", "", ""});
  if (any_detected) items.push_back({"detected", Swatch::marker, "", "", "detected"});
  if (any_ack) items.push_back({"acknowledged", Swatch::marker, "", "", "acknowledged"});
  if (any_action) items.push_back({"runbook action", Swatch::marker, "", "", "action"});
  if (any_recovered) items.push_back({"recovered", Swatch::marker, "", "", "recovered"});
  if (any_firing) items.push_back({"alert firing", Swatch::firing, "", "", ""});
  if (any_false_positive) {
    items.push_back({"alert firing, false positive", Swatch::false_positive, "", "", ""});
  }

  const double plot_height = kRowHeight * static_cast<double>(std::max<size_t>(rows.size(), 1));
  const double legend_top = kTop + plot_height + kAxisBand;
  const double height =
      legend_top + kLegendRow * static_cast<double>(legend_rows(items)) + (items.empty() ? 0 : 8);
  std::string out = svg_open(
      "timeline", height, "Faults, alerts and recovery over time",
      fmt::format(" data-x-end-s=\"{}\"", plain_number(static_cast<double>(tx.end_us) / 1e6, 6)));
  out += "<g class=\"rows\">\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % 2 == 1) {
      out += fmt::format("<rect class=\"row-band\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                         num(kLeft), num(kTop + kRowHeight * static_cast<double>(i)),
                         num(plot_width()), num(kRowHeight));
    }
    out += fmt::format(
        "<text class=\"row-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}<title>{}</title></"
        "text>\n",
        num(kLeft - 8), num(row_mid(i) + 4), xml_text(rows[i].label), xml_text(rows[i].title));
  }
  out += "</g>\n";
  out += window_rects(windows, tx, plot_height);
  out += time_axis(tx, plot_height);
  out += fmt::format("<rect class=\"plot-area\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     num(kLeft), num(kTop), num(plot_width()), num(plot_height));
  if (rows.empty()) {
    out += fmt::format(
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no faults and no "
        "monitors in this drill</text>\n",
        num(kLeft + plot_width() / 2), num(row_mid(0) + 4));
  }
  out += "<g class=\"series\">\n";
  for (const Row& r : rows)
    out += r.content;
  out += "</g>\n";
  out += legend(items, legend_top);
  out += "</svg>\n";
  return out;
}

// ---- Tables -------------------------------------------------------------------------------------

size_t failed_checks(const TierVerdict& t) {
  return static_cast<size_t>(
      std::count_if(t.checks.begin(), t.checks.end(), [](const TierCheck& c) { return !c.held; }));
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string verdict_class(const Score& score) {
  if (!score.scored) return "not-scored";
  return score.held() ? "pass" : "fail";
}

std::string summary(const Score& score) {
  std::string out;
  if (!score.scored) {
    out = "Not scored: the scenario has no SLA tiers, so nothing was judged.";
  } else {
    size_t breached = 0, checks = 0, failed = 0;
    for (const TierVerdict& t : score.tiers) {
      breached += t.held() ? 0 : 1;
      checks += t.checks.size();
      failed += failed_checks(t);
    }
    out = breached == 0 ? fmt::format("Every SLA tier held ({}, {}).",
                                      plural(score.tiers.size(), "tier", "tiers"),
                                      plural(checks, "check", "checks"))
                        : fmt::format("{} of {} breached ({} of {} failed).", breached,
                                      plural(score.tiers.size(), "SLA tier", "SLA tiers"), failed,
                                      plural(checks, "check", "checks"));
    out += no_data_note(score);
  }
  if (!score.incidents.empty()) {
    const auto missed =
        static_cast<size_t>(std::count_if(score.incidents.begin(), score.incidents.end(),
                                          [](const FaultIncident& f) { return f.missed(); }));
    out += fmt::format(" Faults: {} of {} detected", score.incidents.size() - missed,
                       score.incidents.size());
    out += missed == 0 ? "." : fmt::format(", {} missed.", missed);
  }
  return out;
}

void append_header(std::string& out, const Scenario& scenario, const RunIdentity& id,
                   const WorldResult& result, const Score& score) {
  out += fmt::format("<header>\n<h1>Drill {} <span class=\"verdict {}\">{}</span></h1>\n",
                     xml_text(scenario.name), verdict_class(score), verdict_text(score));
  if (!scenario.description.empty()) {
    out += fmt::format("<p class=\"description\">{}</p>\n", xml_text(scenario.description));
  }
  out += fmt::format("<p class=\"summary\">{}</p>\n", xml_text(summary(score)));
  if (!score.warnings.empty()) {
    // What the drill cannot see, next to the verdict that rests on it.
    out += "<ul class=\"warning warnings\">\n";
    for (const std::string& w : score.warnings)
      out += fmt::format("<li>Warning: {}</li>\n", xml_text(w));
    out += "</ul>\n";
  }
  if (result.status != RunStatus::reached_time && result.status != RunStatus::drained) {
    out += fmt::format("<p class=\"warning\">Warning: the run stopped early ({}){}{}.</p>\n",
                       to_string(result.status), result.limit_message.empty() ? "" : ": ",
                       xml_text(result.limit_message));
  }
  out += "<div class=\"table-wrap\"><table class=\"identity\">\n";
  auto row = [&](std::string_view name, const std::string& value_html) {
    out += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", name, value_html);
  };
  row("Scenario", "<code>" + xml_text(id.scenario_path) + "</code>");
  row("Scenario hash", id.scenario_hash.empty()
                           ? std::string("-")
                           : "<code>" + xml_text(id.scenario_hash) + "</code>");
  row("Seed", std::to_string(id.seed));
  row("Simulated", fmt::format("{} in {} events ({})", human_duration(result.simulated),
                               grouped(result.events_processed), to_string(result.status)));
  row("syncdrill", SYNCDRILL_VERSION);
  row("Replay", "<pre class=\"replay\">" + xml_text(replay_command(id)) + "</pre>");
  out += "</table></div>\n</header>\n";
}

void append_tiers(std::string& out, const Score& score) {
  out += "<section id=\"tiers\">\n<h2>SLA tiers</h2>\n";
  if (!score.scored) {
    out += "<p>No SLA tiers in the scenario: nothing was judged.</p>\n</section>\n";
    return;
  }
  out += "<ul>\n";
  for (const TierVerdict& t : score.tiers) {
    out += fmt::format("<li><strong>{}</strong>: {}</li>\n", xml_text(t.tier),
                       xml_text(tier_summary(t)));
  }
  out += "</ul>\n<div class=\"table-wrap\"><table class=\"tiers\">\n";
  out +=
      "<thead><tr><th>Tier</th><th>Check</th><th>Flow</th><th>Channel</th><th>Subject</th>"
      "<th>Actual</th><th>Limit</th><th>Result</th><th>Reason</th></tr></thead>\n<tbody>\n";
  for (const TierVerdict& t : score.tiers) {
    for (const TierCheck& c : t.checks) {
      const std::string reason = c.no_data          ? c.reason
                                 : c.held           ? ""
                                 : c.reason.empty() ? "over its limit"
                                                    : c.reason;
      out += fmt::format(
          "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
          c.no_data ? " class=\"no-data\""
          : c.held  ? ""
                    : " class=\"breached\"",
          xml_text(t.tier), xml_text(c.check), to_string(c.flow),
          c.channel.empty() ? "-" : xml_text(c.channel),
          c.subject.empty() ? "-" : xml_text(c.subject), xml_text(check_actual(c)),
          xml_text(check_value(c.limit, c.unit)),
          c.no_data ? "no data"
          : c.held  ? "held"
                    : "<strong>breached</strong>",
          xml_text(reason));
    }
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

void append_impact(std::string& out, const Impact& i, const WorldResult& r,
                   const std::string& currency) {
  out +=
      "<section id=\"impact\">\n<h2>Business impact</h2>\n<div class=\"table-wrap\"><table "
      "class=\"impact\">\n";
  out += "<thead><tr><th>Measure</th><th>Count</th><th>Note</th></tr></thead>\n<tbody>\n";
  for (const ImpactRow& row : impact_rows(i, r, currency)) {
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n", row.measure,
                       grouped(row.count), xml_text(row.note));
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

// "13h9m (MTTD 1h9m) by eu-price-parity", or "missed".
std::string detected_cell(const FaultIncident& f) {
  if (!f.detected) return "<strong>missed</strong>";
  std::string out = at(f.detected->us);
  if (f.mttd) out += " (MTTD " + human_duration(*f.mttd) + ")";
  if (!f.detected_by.empty()) out += " by " + xml_text(joined(f.detected_by, ", "));
  return out;
}

// When the damage was repaired: `repaired`, or `recovered` from a score that set only that (the
// two are the same time, sim/score/score.hpp).
std::optional<SimTime> repair_time(const FaultIncident& f) {
  return f.repaired ? f.repaired : f.recovered;
}

// "14h2m (MTTR 2h2m)", or "not recovered".
std::string repaired_cell(const FaultIncident& f) {
  const std::optional<SimTime> repaired = repair_time(f);
  if (!repaired) return "<strong>not recovered</strong>";
  std::string out = at(repaired->us);
  if (f.mttr) out += " (MTTR " + human_duration(*f.mttr) + ")";
  return out;
}

// The acknowledgement and each runbook action with its time.
std::string response_cell(const FaultIncident& f) {
  std::vector<std::string> parts;
  if (f.acknowledged) parts.push_back("acknowledged at " + at(f.acknowledged->us));
  for (const ActionRecord& a : f.actions) {
    parts.push_back(fmt::format("{}{}{} at {}", to_string(a.kind), a.target.empty() ? "" : " ",
                                xml_text(a.target), at(a.at.us)));
  }
  return parts.empty() ? "-" : joined(parts, "<br/>");
}

// One row per fault: what it was, when it was caught (or that it was missed), when service came
// back and the damage was repaired (or that it was not, and why). A missed or unrecovered fault
// is tinted like a breached check.
void append_faults(std::string& out, const Scenario& scenario, const Score& score) {
  out += "<section id=\"faults\">\n<h2>Faults</h2>\n";
  if (score.incidents.empty()) {
    out += scenario.faults.empty() ? "<p>No faults injected.</p>\n"
                                   : "<p>No fault incidents recorded.</p>\n";
    out += "</section>\n";
    return;
  }
  out +=
      "<div class=\"table-wrap\"><table class=\"faults\">\n<thead><tr><th>Fault</th><th>Kind</th>"
      "<th>Cause</th><th>Onset</th><th>Detected (MTTD)</th><th>Service restored</th>"
      "<th>Damage repaired (MTTR)</th><th>Reason</th><th>Response</th></tr></thead>\n<tbody>\n";
  for (const FaultIncident& f : score.incidents) {
    const FaultSpec* spec = find_fault(scenario, f.fault_id);
    out += fmt::format(
        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        f.missed() || !repair_time(f) ? " class=\"breached\"" : "", xml_text(f.fault_id),
        spec != nullptr ? to_string(spec->kind) : "?",
        spec != nullptr ? to_string(spec->cause) : "?", at(f.onset.us), detected_cell(f),
        f.restored ? at(f.restored->us) : std::string("-"), repaired_cell(f),
        f.recovery_note.empty() ? "-" : xml_text(f.recovery_note), response_cell(f));
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

// Failures by cause: what each cause's faults touched and the damage they left.
void append_causes(std::string& out, const Score& score, const std::string& currency) {
  if (score.causes.empty()) return;
  out +=
      "<section id=\"causes\">\n<h2>Failures by cause</h2>\n<div class=\"table-wrap\"><table "
      "class=\"causes\">\n<thead><tr><th>Cause</th><th>Faults</th><th>Touched</th><th>Orders "
      "missing (peak)</th><th>Orders duplicated</th><th>Oversold</th><th>Money</th></tr></thead>\n"
      "<tbody>\n";
  for (const CauseSummary& c : score.causes) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        to_string(c.cause), xml_text(joined(c.faults, ", ")), grouped(c.errors),
        grouped(c.orders_missing_peak), grouped(c.orders_duplicated), grouped(c.orders_oversold),
        xml_text(money_text(c.money_minor, currency)));
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

void append_monitors(std::string& out, const Score& score) {
  out += "<section id=\"monitors\">\n<h2>Monitors</h2>\n";
  if (score.monitors.empty()) {
    out += "<p>No monitors in the scenario.</p>\n</section>\n";
    return;
  }
  out +=
      "<div class=\"table-wrap\"><table "
      "class=\"monitors\">\n<thead><tr><th>Monitor</th><th>Kind</th><th>Firings</th>"
      "<th>Faults caught</th><th>False positives</th></tr></thead>\n<tbody>\n";
  for (const MonitorOutcome& m : score.monitors) {
    std::vector<std::string> caught;
    for (const MonitorFiring& f : m.firings) {
      for (const std::string& fault : f.attributed_to) {
        if (std::find(caught.begin(), caught.end(), fault) == caught.end()) caught.push_back(fault);
      }
    }
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td "
        "class=\"num\">{}</td></tr>\n",
        xml_text(m.name), to_string(m.kind), grouped(m.firings.size()),
        caught.empty() ? "-" : xml_text(joined(caught, ", ")), grouped(m.false_positives));
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

}  // namespace

std::string report_html(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                        const Score& score) {
  TimeAxis tx;
  tx.end_us = result.simulated.us > 0 ? result.simulated.us : scenario.duration.us;
  if (tx.end_us <= 0) tx.end_us = minutes(1).us;
  const std::vector<FaultWindow> windows = fault_windows(scenario, score);

  std::string out = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n";
  out += "<head>\n<meta charset=\"utf-8\"/>\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  out += fmt::format("<meta name=\"generator\" content=\"syncdrill {}\"/>\n", SYNCDRILL_VERSION);
  out += fmt::format("<title>Drill {}: {}</title>\n", xml_text(scenario.name), verdict_text(score));
  out += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);
  append_header(out, scenario, id, result, score);
  append_tiers(out, score);
  append_faults(out, scenario, score);
  append_impact(out, total_impact(result), result, scenario.currency);
  append_causes(out, score, scenario.currency);

  out += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  out +=
      "<p>Simulated time since the start of the run on every horizontal axis; shaded: fault "
      "windows. Hover over a bar, marker or line for its details.</p>\n";
  out += figure(
      "timeline", timeline_svg(scenario, score, tx, windows),
      "Per fault, its window from onset to end, with the first attributed alert (detected), the "
      "acknowledgement, each runbook action and the recovery; per monitor, its alert episodes "
      "(grey: no fault to blame).");
  for (const LineChart& c : {delay_chart(result), queue_chart(result), error_chart(result)}) {
    out += figure(c.id, line_chart_svg(c, tx, windows), xml_text(c.caption));
  }
  out += "</section>\n";

  append_monitors(out, score);
  out += fmt::format(
      "<footer>\n<p>syncdrill {}; simulated times since the start of the run.</p>\n</footer>\n",
      SYNCDRILL_VERSION);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace syncdrill
