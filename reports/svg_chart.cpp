#include "reports/svg_chart.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/format.hpp"

namespace syncdrill::svg {

std::string_view series_colour(size_t i) {
  return kPalette[i % kPalette.size()];
}

std::string_view series_dash(size_t i) {
  return kDashes[(i / kPalette.size()) % kDashes.size()];
}

std::string num(double x) {
  std::string s = fmt::format("{:.1f}", x);
  if (s == "-0.0") s = "0.0";
  return s;
}

std::string at(int64_t us) {
  return us == 0 ? std::string("0") : human_duration(Duration{us});
}

// ---- Axes ---------------------------------------------------------------------------------------

double TimeAxis::x(int64_t us) const {
  const int64_t t = std::clamp<int64_t>(us, 0, end_us);
  return kLeft + plot_width() * static_cast<double>(t) / static_cast<double>(end_us);
}

int64_t time_step_us(int64_t end_us) {
  static constexpr std::array<int64_t, 23> kSteps_s = {
      1,    2,    5,     10,    15,    30,    60,     120,    300,     600,     900,    1800,
      3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000, 7776000};
  for (int64_t s : kSteps_s) {
    if (end_us / (s * 1'000'000) <= 8) return s * 1'000'000;
  }
  return kSteps_s.back() * 1'000'000;
}

double value_y(const ValueAxis& a, double v) {
  return kTop + kPlotHeight * (1 - a.fraction(v));
}

// ---- Series -------------------------------------------------------------------------------------

size_t downsample(Series& s, size_t max_points) {
  if (s.values.size() <= max_points) return 1;
  const size_t bucket = (s.values.size() + max_points - 1) / max_points;
  std::vector<std::optional<double>> out;
  out.reserve(max_points);
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

double time_chart_height(double plot_height, const std::vector<LegendItem>& items) {
  const auto legend_rows = (items.size() + kLegendColumns - 1) / kLegendColumns;
  return kTop + plot_height + kAxisBand + kLegendRow * static_cast<double>(legend_rows) +
         (items.empty() ? 0 : 8);
}

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

std::string figure(std::string_view id, const std::string& svg, const std::string& caption_html) {
  return fmt::format("<figure id=\"figure-{}\">\n{}<figcaption>{}</figcaption>\n</figure>\n", id,
                     svg, caption_html);
}

// ---- Line charts over simulated time ------------------------------------------------------------

std::string line_chart_svg(const LineChart& c, const TimeAxis& tx,
                           const std::vector<FaultWindow>& windows) {
  std::vector<LegendItem> items;
  for (size_t i = 0; i < c.series.size(); ++i) {
    items.push_back({c.series[i].label, Swatch::line, std::string(series_colour(i)),
                     std::string(series_dash(i)), ""});
  }
  if (!windows.empty()) items.push_back({"fault window", Swatch::fault_window, "", "", ""});
  const double height = time_chart_height(kPlotHeight, items);

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
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        num(kLeft + plot_width() / 2), num(kTop + kPlotHeight / 2), xml_text(c.empty_text));
  }
  out += "<g class=\"series\">\n";
  for (size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    const std::string_view dash = series_dash(i);
    out += fmt::format(
        "<path class=\"line\" data-series=\"{}\" data-points=\"{}\" stroke=\"{}\"{} "
        "d=\"{}\"><title>{}</title></path>\n",
        xml_attr(s.key), present_points(s), series_colour(i),
        dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", dash), path_data(s, tx, c.axis),
        xml_text(s.label));
    out += point_markers(s, tx, c.axis, series_colour(i));
  }
  out += "</g>\n";
  out += legend(items, kTop + kPlotHeight + kAxisBand);
  out += "</svg>\n";
  return out;
}

// ---- The timeline -------------------------------------------------------------------------------

double row_mid(size_t row) {
  return kTop + kRowHeight * (static_cast<double>(row) + 0.5);
}

std::string row_label(std::string_view prefix, const std::string& id) {
  constexpr double kRoom = kLeft - 8 - 4;  // right-aligned at kLeft - 8, 4 to spare
  return std::string(prefix) + fit_text(id, kFontPx, kRoom - text_width_px(prefix, kFontPx));
}

std::string row_marker(const TimeAxis& tx, const std::string& series, std::string_view cls,
                       int64_t t_us, size_t row, const std::string& tip) {
  return fmt::format("<path class=\"{}\" data-series=\"{}\" d=\"{}\"><title>{}</title></path>\n",
                     cls, xml_attr(series), marker_path(cls, tx.x(t_us), row_mid(row)),
                     xml_text(tip));
}

std::string timeline_svg(const Timeline& t, const TimeAxis& tx,
                         const std::vector<FaultWindow>& windows) {
  const std::vector<TimelineRow>& rows = t.rows;
  const double plot_height = kRowHeight * static_cast<double>(std::max<size_t>(rows.size(), 1));
  std::string out = svg_open(
      t.id, time_chart_height(plot_height, t.legend), t.title,
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
    out +=
        fmt::format("<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                    num(kLeft + plot_width() / 2), num(row_mid(0) + 4), xml_text(t.empty_text));
  }
  out += "<g class=\"series\">\n";
  for (const TimelineRow& r : rows)
    out += r.content;
  out += "</g>\n";
  out += legend(t.legend, kTop + plot_height + kAxisBand);
  out += "</svg>\n";
  return out;
}

// ---- Bar charts ---------------------------------------------------------------------------------

namespace {

constexpr double kBarChartWidth = 470;
constexpr double kBarLabelWidth = 150;
constexpr double kBarFigureRoom = 150;  // right of the plot: the figure's text
constexpr double kBarRowHeight = 22;
constexpr double kBarTop = 24;

}  // namespace

std::string bar_chart_svg(const BarChart& c) {
  const double plot_left = kBarLabelWidth;
  const double plot_width = kBarChartWidth - kBarLabelWidth - kBarFigureRoom;
  const double height = kBarTop + kBarRowHeight * static_cast<double>(c.bars.size()) + 8;
  double top_value = 0;
  for (const Bar& b : c.bars) {
    if (b.value) top_value = std::max(top_value, b.reach ? *b.reach : *b.value);
  }
  const double scale = top_value > 0 ? plot_width / top_value : 0;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-{}" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">)",
      c.id, num(kBarChartWidth), num(height), num(kBarChartWidth), num(height),
      xml_attr(c.aria_label));
  svg += fmt::format(R"(<text class="title" x="0" y="14">{}</text>)", xml_text(c.title));
  svg += fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(plot_left),
                     num(kBarTop - 4), num(plot_left), num(height - 6));
  for (size_t v = 0; v < c.bars.size(); ++v) {
    const Bar& b = c.bars[v];
    const double y = kBarTop + kBarRowHeight * static_cast<double>(v);
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", num(plot_left - 6),
                       num(y + 14), xml_text(b.label));
    if (!b.value) {
      svg += fmt::format(R"(<text class="no-data" x="{}" y="{}">{}</text>)", num(plot_left + 6),
                         num(y + 14), xml_text(c.empty_text));
      continue;
    }
    const double w = std::max(0.0, *b.value) * scale;
    svg += fmt::format(
        R"(<rect class="bar{}" data-variant="{}" data-mean="{}" x="{}" y="{}" width="{}" height="{}"/>)",
        b.best ? " best" : "", v, xml_attr(b.data_value), num(plot_left), num(y + 3), num(w),
        num(kBarRowHeight - 8));
    if (b.whisker) {
      const double lo = std::max(0.0, b.low) * scale + plot_left;
      const double hi = b.high * scale + plot_left;
      const double mid = y + kBarRowHeight / 2 - 1;
      svg += fmt::format(R"(<path class="whisker" d="M{} {}H{}M{} {}V{}M{} {}V{}"/>)", num(lo),
                         num(mid), num(hi), num(lo), num(mid - 5), num(mid + 5), num(hi),
                         num(mid - 5), num(mid + 5));
    }
    svg += fmt::format(R"(<text x="{}" y="{}">{}</text>)",
                       num(plot_left + std::max(w, b.reach ? *b.reach * scale : w) + 6),
                       num(y + 14), xml_text(b.value_text));
  }
  svg += "</svg>";
  return svg;
}

}  // namespace syncdrill::svg
