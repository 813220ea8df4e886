// The live drill's charts: report.html's chart section (reports/report_html_parts.hpp) drawn from
// a LiveResult, with the same figures as a run's (timeline, sync delay, queue depth, error rate).
// A figure the live drill cannot measure keeps its place and says so in the chart.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/live_report.hpp"
#include "reports/report_html.hpp"
#include "reports/report_html_parts.hpp"
#include "reports/svg_chart.hpp"

namespace syncdrill::report_html_parts {

using svg::at;
using svg::FaultWindow;
using svg::LineChart;
using svg::Series;
using svg::TimeAxis;
using svg::TimelineRow;

namespace {

// The axis runs to the end of the drill's scenario time, or of the last sampled interval.
TimeAxis time_axis_of(const LiveResult& r) {
  TimeAxis tx;
  tx.end_us = std::llround(r.scenario_s * 1e6);
  size_t intervals = 0;
  for (const LiveAnswers& a : r.series.answers)
    intervals = std::max(intervals, a.ok.size());
  for (const LiveStockDelay& d : r.series.stock_delay)
    intervals = std::max(intervals, d.p95.size());
  tx.end_us = std::max(tx.end_us, static_cast<int64_t>(intervals) * r.series.step.us);
  if (tx.end_us <= 0) tx.end_us = minutes(1).us;
  return tx;
}

// Every fault's window; one still in force at the end runs to the end of the axis.
std::vector<FaultWindow> fault_windows(const LiveResult& r, const TimeAxis& tx) {
  std::vector<FaultWindow> out;
  for (const LiveFaultOutcome& f : r.faults)
    out.push_back({f.id, f.start.us, f.end ? f.end->us : tx.end_us});
  return out;
}

// A fault's incident (LiveResult::score), for the timeline: detected by the ack that caught it,
// recovered at the first success after it; one still in force ends with the axis. None for a
// fault with nothing to detect (not applied live, or it never acted), whose row is its window.
std::optional<FaultIncident> incident_of(const LiveResult& r, const LiveFaultOutcome& f,
                                         const FaultWindow& w) {
  const FaultIncident* scored = r.incident(f.id);
  if (scored == nullptr) return std::nullopt;
  FaultIncident inc = *scored;
  inc.ended = SimTime{} + Duration{w.end_us};
  return inc;
}

// The acks' row: every POST /_drill/ack, matched to a fault or not.
TimelineRow ack_row(const LiveResult& r, const TimeAxis& tx, size_t row, TimelineMarks& drawn) {
  std::string out;
  for (const LiveAck& a : r.acks) {
    drawn.acknowledged = true;
    out += svg::row_marker(tx, "acks", "acknowledged", a.at.us, row,
                           fmt::format("ack at {}: {}{}", at(a.at.us), a.note,
                                       a.fault_id.empty() ? "" : " (caught " + a.fault_id + ")"));
  }
  return {svg::row_label("", "acks"), "acks", out};
}

svg::Timeline timeline(const LiveResult& r, const TimeAxis& tx,
                       const std::vector<FaultWindow>& windows) {
  svg::Timeline t;
  t.id = "timeline";
  t.title = "Faults, acknowledgements and recovery over time";
  t.empty_text = "no faults and no acknowledgements in this drill";
  TimelineMarks drawn;
  for (size_t i = 0; i < r.faults.size(); ++i) {
    const LiveFaultOutcome& f = r.faults[i];
    const std::optional<FaultIncident> inc = incident_of(r, f, windows[i]);
    t.rows.push_back(fault_row(inc ? &*inc : nullptr,
                               f.applied ? f.kind : f.kind + ", not applied live", tx, windows[i],
                               t.rows.size(), drawn));
  }
  if (!r.acks.empty()) t.rows.push_back(ack_row(r, tx, t.rows.size(), drawn));
  t.legend = timeline_legend(!windows.empty(), drawn);
  return t;
}

// A series with one value per interval, at the interval's end (as a run's p95 samples).
Series interval_series(std::string key, std::string label, const LiveResult& r) {
  Series s;
  s.key = std::move(key);
  s.label = std::move(label);
  s.t0_us = r.series.step.us;
  s.step_us = r.series.step.us;
  return s;
}

LineChart delay_chart(const LiveResult& r) {
  LineChart c = chart_frame(ChartKind::sync_delay, r.series.step.us);
  for (const LiveStockDelay& d : r.series.stock_delay) {
    Series s = interval_series(d.channel + "/stock_sync", d.channel + " stock sync", r);
    for (const std::optional<Duration>& p : d.p95)
      s.values.push_back(p ? std::optional<double>(static_cast<double>(p->us) / 1e3)
                           : std::nullopt);
    c.series.push_back(std::move(s));
  }
  c.empty_text = "no stale listing came back in sync in this drill";
  finish_chart(
      ChartKind::sync_delay, c,
      "p95 of the stock sync delays that ended in each interval, per channel: from the sweep "
      "that found a listing off the ERP's figure to the sweep that found it right again, on a "
      "logarithmic scale. A gap: no listing came back in sync in that interval. Order ingest, "
      "price sync and status sync delays are not measured in a live drill.");
  return c;
}

LineChart queue_chart(const LiveResult& r) {
  // No series and no sampling note: nothing was sampled.
  LineChart c = chart_frame(ChartKind::queue_depth, r.series.step.us);
  c.axis = symlog_axis_of(c, ValueKind::jobs);
  c.empty_text = kNotMeasuredLive;
  c.caption =
      "The connector's queue is inside the team's connector, which a live drill sees only "
      "through its requests: not measured in a live drill.";
  return c;
}

LineChart error_chart(const LiveResult& r) {
  LineChart c = chart_frame(ChartKind::error_rate, r.series.step.us);
  for (const LiveAnswers& a : r.series.answers) {
    Series s = interval_series(a.system, a.system + " (answers)", r);
    for (size_t i = 0; i < a.ok.size(); ++i) {
      const double ok = a.ok[i];
      const double failed = a.failed[i];
      s.values.push_back(ok + failed == 0 ? std::nullopt
                                          : std::optional<double>(100 * failed / (ok + failed)));
    }
    if (!a.ok.empty()) c.series.push_back(std::move(s));
  }
  c.y_title = "failed answers (%)";
  c.empty_text = "no request reached the mock systems in this drill";
  finish_chart(
      ChartKind::error_rate, c,
      "Failed answers / all answers each mock system gave the connector per interval, in percent "
      "(5xx, 429, dropped and hung requests count as failed): the connector's error rate as the "
      "systems saw it. A gap: no request in that interval.");
  return c;
}

}  // namespace

void append_live_charts(std::string& out, const LiveResult& r) {
  ChartSection s;
  s.tx = time_axis_of(r);
  s.windows = fault_windows(r, s.tx);
  s.intro =
      "Scenario time since the start of the drill on every horizontal axis; shaded: fault "
      "windows. Hover over a bar, marker or line for its details.";
  s.timeline = timeline(r, s.tx, s.windows);
  s.timeline_caption =
      "Per fault, its window from start to end, with the ack that caught it (detected) and the "
      "first success of its system after it (recovered); the acks as they came in.";
  s.charts = {delay_chart(r), queue_chart(r), error_chart(r)};
  append_chart_section(out, s);
}

}  // namespace syncdrill::report_html_parts
