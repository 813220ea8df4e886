// report.html's charts (reports/report_html.hpp): the data of a run and its score turned into
// the line charts and the timeline of reports/svg_chart.hpp.
#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/report_html.hpp"
#include "reports/report_html_parts.hpp"
#include "reports/svg_chart.hpp"

namespace syncdrill::report_html_parts {

using svg::at;
using svg::FaultWindow;
using svg::LegendItem;
using svg::LineChart;
using svg::num;
using svg::Series;
using svg::Swatch;
using svg::TimeAxis;
using svg::TimelineRow;

namespace {

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

// ---- The line charts ----------------------------------------------------------------------------

// A connector's series, one sample per interval from the start of the run.
Series connector_series(const ConnectorOutcome& con, const WorldResult& r) {
  Series s;
  s.key = con.name;
  s.label = fmt::format("{} ({})", con.name, to_string(con.flow));
  s.t0_us = 0;
  s.step_us = r.sample_interval.us;
  return s;
}

LineChart delay_chart(const WorldResult& r) {
  static constexpr std::array<std::string_view, 4> kFlowKeys = {"order_ingest", "stock_sync",
                                                                "price_sync", "status_sync"};
  static constexpr std::array<std::string_view, 4> kFlowNames = {"order ingest", "stock sync",
                                                                 "price sync", "status sync"};
  LineChart c = chart_frame(ChartKind::sync_delay, r.sample_interval.us);
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
  finish_chart(
      ChartKind::sync_delay, c,
      "p95 of the sync delays delivered in each interval, per channel and flow (order ingest: "
      "placed to created in the OMS; stock and price sync: ERP change to channel updated; status "
      "sync: shipped to channel updated), on a logarithmic scale, so one long delay leaves the "
      "others readable. A gap: nothing was delivered in that interval; a dot: a sample with no "
      "neighbour. Flows without any delivery are left out.");
  return c;
}

LineChart queue_chart(const WorldResult& r) {
  LineChart c = chart_frame(ChartKind::queue_depth, r.sample_interval.us);
  for (const ConnectorOutcome& con : r.connectors) {
    if (con.queue_depth_series.empty()) continue;
    Series s = connector_series(con, r);
    for (uint32_t q : con.queue_depth_series)
      s.values.emplace_back(static_cast<double>(q));
    c.series.push_back(std::move(s));
  }
  finish_chart(
      ChartKind::queue_depth, c,
      "Jobs waiting in each connector's queue at each sample, in jobs (work being retried or "
      "held by a stalled worker included), on a logarithmic scale (linear from 0 to 1 job), so "
      "a backlog of thousands leaves a queue of a few jobs readable.");
  return c;
}

LineChart error_chart(const WorldResult& r) {
  LineChart c = chart_frame(ChartKind::error_rate, r.sample_interval.us);
  for (const ConnectorOutcome& con : r.connectors) {
    const size_t n = std::min(con.attempts_ok_series.size(), con.attempts_failed_series.size());
    Series s = connector_series(con, r);
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
  finish_chart(
      ChartKind::error_rate, c,
      "Failed attempts / all attempts of each connector per interval, in percent (errors, "
      "timeouts and circuit-breaker rejections count as failed). A gap: no attempt in that "
      "interval; a dot: a sample with no neighbour. Connectors that made no attempt are left out.");
  return c;
}

// Orders placed per channel and interval: the traffic the drill ran, replayed or modelled.
LineChart orders_chart(const WorldResult& r) {
  LineChart c = chart_frame(ChartKind::orders_placed, r.sample_interval.us);
  for (const ChannelOutcome& ch : r.channels) {
    if (ch.orders_placed == 0) continue;
    Series s;
    s.key = "orders:" + ch.channel;
    s.label = ch.channel;
    s.t0_us = 0;
    s.step_us = r.sample_interval.us;
    for (size_t i = 0; i < ch.orders_placed_series.size(); ++i) {
      // Sample 0 has no interval before it.
      s.values.push_back(i == 0 ? std::nullopt : std::optional<double>(ch.orders_placed_series[i]));
    }
    c.series.push_back(std::move(s));
  }
  finish_chart(ChartKind::orders_placed, c,
               "Orders placed on each channel in each interval, the traffic the drill ran "
               "(modelled or replayed), before any fault could lose them. Channels with no order "
               "are left out.");
  return c;
}

// ---- The timeline -------------------------------------------------------------------------------

const FaultIncident* find_incident(const Score& score, const std::string& fault_id) {
  for (const FaultIncident& f : score.incidents) {
    if (f.fault_id == fault_id) return &f;
  }
  return nullptr;
}

// A monitor's row: its firing episodes (grey: no fault to blame).
TimelineRow monitor_row(const MonitorOutcome& m, const TimeAxis& tx, size_t row,
                        TimelineMarks& drawn) {
  const std::string series = "monitor:" + m.name;
  std::string out;
  for (const MonitorFiring& f : m.firings) {
    const bool fp = f.attributed_to.empty();
    drawn.firing = drawn.firing || !fp;
    drawn.false_positive = drawn.false_positive || fp;
    const int64_t end = f.end ? f.end->us : tx.end_us;
    const double x = tx.x(f.start.us);
    const double width = std::max(tx.x(end) - x, 2.0);
    out += fmt::format(
        "<rect class=\"firing{}\" data-series=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"12\"><title>{} fired at {} {} (value {}){}</title></rect>\n",
        fp ? " false-positive" : "", xml_attr(series), num(x), num(svg::row_mid(row) - 6),
        num(width), xml_text(m.name), at(f.start.us),
        f.end ? "until " + at(f.end->us) : std::string("until the end of the run"),
        plain_number(f.value, 4),
        xml_text(fp ? std::string(", a false positive")
                    : ", for " + joined(f.attributed_to, ", ")));
  }
  return {svg::row_label("alert ", m.name), "alert " + m.name, out};
}

// The timeline: one row per fault, then one per monitor.
svg::Timeline timeline(const Scenario& scenario, const Score& score, const TimeAxis& tx,
                       const std::vector<FaultWindow>& windows) {
  svg::Timeline t;
  t.id = "timeline";
  t.title = "Faults, alerts and recovery over time";
  t.empty_text = "no faults and no monitors in this drill";
  TimelineMarks drawn;
  for (const FaultWindow& w : windows) {
    const FaultSpec* spec = find_fault(scenario, w.id);
    t.rows.push_back(fault_row(find_incident(score, w.id),
                               spec != nullptr ? to_string(spec->kind) : "?", tx, w, t.rows.size(),
                               drawn));
  }
  for (const MonitorOutcome& m : score.monitors)
    t.rows.push_back(monitor_row(m, tx, t.rows.size(), drawn));
  t.legend = timeline_legend(!windows.empty(), drawn);
  return t;
}

}  // namespace

std::string fault_window_rect(const TimeAxis& tx, const FaultWindow& w, size_t row,
                              std::string_view kind) {
  const double x = tx.x(w.onset_us);
  const double width = std::max(tx.x(w.end_us) - x, 2.0);
  return fmt::format(
      "<rect class=\"fault\" data-series=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
      "height=\"14\"><title>fault {} ({}): {} to {}</title></rect>\n",
      xml_attr("fault:" + w.id), num(x), num(svg::row_mid(row) - 7), num(width), xml_text(w.id),
      xml_text(kind), at(w.onset_us), at(w.end_us));
}

std::string missed_label(const TimeAxis& tx, const FaultWindow& w, size_t row) {
  const double x = tx.x(w.onset_us);
  const double width = std::max(tx.x(w.end_us) - x, 2.0);
  return fmt::format("<text class=\"missed\" x=\"{}\" y=\"{}\">missed</text>\n",
                     num(std::min(x + width + 6, svg::kLeft + svg::plot_width() - 40)),
                     num(svg::row_mid(row) + 4));
}

TimelineRow fault_row(const FaultIncident* inc, std::string_view kind, const TimeAxis& tx,
                      const FaultWindow& w, size_t row, TimelineMarks& drawn) {
  const std::string series = "fault:" + w.id;
  std::string out = fault_window_rect(tx, w, row, kind);
  if (inc != nullptr) {
    if (inc->detected) {
      drawn.detected = true;
      std::string tip = fmt::format("{} detected at {}", w.id, at(inc->detected->us));
      if (!inc->detected_by.empty()) tip += " by " + joined(inc->detected_by, ", ");
      if (inc->mttd) tip += ", MTTD " + human_duration(*inc->mttd);
      out += svg::row_marker(tx, series, "detected", inc->detected->us, row, tip);
    }
    if (inc->acknowledged) {
      drawn.acknowledged = true;
      out += svg::row_marker(tx, series, "acknowledged", inc->acknowledged->us, row,
                             fmt::format("{} acknowledged at {}", w.id, at(inc->acknowledged->us)));
    }
    for (const ActionRecord& a : inc->actions) {
      drawn.action = true;
      out += svg::row_marker(tx, series, "action", a.at.us, row,
                             fmt::format("{}: {}{}{} at {}", w.id, to_string(a.kind),
                                         a.target.empty() ? "" : " ", a.target, at(a.at.us)));
    }
    if (inc->recovered) {
      drawn.recovered = true;
      std::string tip = fmt::format("{} recovered at {}", w.id, at(inc->recovered->us));
      if (inc->mttr) tip += ", MTTR " + human_duration(*inc->mttr);
      out += svg::row_marker(tx, series, "recovered", inc->recovered->us, row, tip);
    }
    if (inc->missed()) out += missed_label(tx, w, row);
  }
  return {svg::row_label("fault ", w.id), "fault " + w.id, out};
}

namespace {

// A line chart's caption tail: its sampling interval and any downsampling.
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

// Downsamples every series longer than kHtmlMaxPoints, noting the bucket for the caption.
void downsample_all(LineChart& c) {
  for (Series& s : c.series)
    c.bucket = std::max(c.bucket, svg::downsample(s, kHtmlMaxPoints));
}

}  // namespace

// A log-scale value axis for the chart's data.
ValueAxis symlog_axis_of(const LineChart& c, ValueKind kind) {
  return symlog_axis(svg::series_max(c.series), svg::series_min_positive(c.series), kind,
                     svg::kPlotHeight, svg::kTickGapPx);
}

std::vector<LegendItem> timeline_legend(bool any_window, const TimelineMarks& d) {
  std::vector<LegendItem> items;
  if (any_window) items.push_back({"fault window", Swatch::fault, "", "", ""});
  if (d.detected) items.push_back({"detected", Swatch::marker, "", "", "detected"});
  if (d.acknowledged) items.push_back({"acknowledged", Swatch::marker, "", "", "acknowledged"});
  if (d.action) items.push_back({"runbook action", Swatch::marker, "", "", "action"});
  if (d.recovered) items.push_back({"recovered", Swatch::marker, "", "", "recovered"});
  if (d.firing) items.push_back({"alert firing", Swatch::firing, "", "", ""});
  if (d.false_positive) {
    items.push_back({"alert firing, false positive", Swatch::false_positive, "", "", ""});
  }
  return items;
}

LineChart chart_frame(ChartKind kind, int64_t sample_us) {
  LineChart c;
  c.sample_us = sample_us;
  switch (kind) {
    case ChartKind::sync_delay:
      c.id = "sync-delay";
      c.title = "Sync delay p95 per channel and flow over time";
      c.y_title = "p95 sync delay (log scale)";
      break;
    case ChartKind::queue_depth:
      c.id = "queue-depth";
      c.title = "Connector queue depth over time";
      c.y_title = "queue depth (jobs, log scale)";
      break;
    case ChartKind::error_rate:
      c.id = "error-rate";
      c.title = "Connector error rate over time";
      c.y_title = "failed attempts (%)";
      break;
    case ChartKind::orders_placed:
      c.id = "orders-placed";
      c.title = "Orders placed per channel over time";
      c.y_title = "orders per interval";
      break;
  }
  return c;
}

void finish_chart(ChartKind kind, LineChart& c, std::string caption) {
  downsample_all(c);
  switch (kind) {
    case ChartKind::sync_delay:
      c.axis = symlog_axis_of(c, ValueKind::delay_ms);
      break;
    case ChartKind::queue_depth:
      c.axis = symlog_axis_of(c, ValueKind::jobs);
      break;
    case ChartKind::error_rate:
      c.axis = linear_axis(std::min(svg::series_max(c.series), 100.0), ValueKind::percent);
      break;
    case ChartKind::orders_placed:
      c.axis = linear_axis(svg::series_max(c.series), ValueKind::jobs);
      break;
  }
  c.caption = std::move(caption) + sampling_note(c);
}

void append_chart_section(std::string& out, const ChartSection& s) {
  out += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  out += "<p>" + xml_text(s.intro) + "</p>\n";
  out += svg::figure("timeline", svg::timeline_svg(s.timeline, s.tx, s.windows),
                     xml_text(s.timeline_caption));
  for (const LineChart& c : s.charts)
    out += svg::figure(c.id, svg::line_chart_svg(c, s.tx, s.windows), xml_text(c.caption));
  out += "</section>\n";
}

void append_charts(std::string& out, const Scenario& scenario, const WorldResult& result,
                   const Score& score) {
  ChartSection s;
  s.tx.end_us = result.simulated.us > 0 ? result.simulated.us : scenario.duration.us;
  if (s.tx.end_us <= 0) s.tx.end_us = minutes(1).us;
  s.windows = fault_windows(scenario, score);
  s.intro =
      "Simulated time since the start of the run on every horizontal axis; shaded: fault "
      "windows. Hover over a bar, marker or line for its details.";
  s.timeline = timeline(scenario, score, s.tx, s.windows);
  s.timeline_caption =
      "Per fault, its window from onset to end, with the first attributed alert (detected), the "
      "acknowledgement, each runbook action and the recovery; per monitor, its alert episodes "
      "(grey: no fault to blame).";
  s.charts = {delay_chart(result), queue_chart(result), error_chart(result), orders_chart(result)};
  append_chart_section(out, s);
}

}  // namespace syncdrill::report_html_parts
