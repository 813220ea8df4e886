#include "reports/live_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/html_style.hpp"
#include "reports/report_html_parts.hpp"

namespace syncdrill {

bool LiveResult::failed() const {
  return !score.held() || std::any_of(live_checks.begin(), live_checks.end(),
                                      [](const TierCheck& c) { return !c.held; });
}

const FaultIncident* LiveResult::incident(const std::string& fault_id) const {
  for (const FaultIncident& i : score.incidents) {
    if (i.fault_id == fault_id) return &i;
  }
  return nullptr;
}

Impact live_impact(const LiveOrders& o) {
  Impact i;
  i.orders_placed = o.placed;
  i.orders_sold_out = o.sold_out;
  i.in_oms_once = o.created_once;
  i.duplicated = o.duplicated;
  i.duplicate_oms_orders = o.duplicate_copies;
  i.lost = o.lost;
  i.oversold = o.oversells;
  return i;
}

namespace {

std::string secs_text(double s) {
  return plain_number(s, 1) + " s";
}

std::string secs_or_not_measured(const std::optional<Duration>& d) {
  return d ? secs_text(d->seconds()) : std::string("not measured");
}

std::string ms_or_dash(const std::optional<double>& ms) {
  return ms ? plain_number(*ms, 1) + " ms" : std::string("-");
}

}  // namespace

std::string live_verdict_text(const LiveResult& r) {
  return r.failed() ? "FAIL" : "PASS";
}

std::vector<LiveSummaryTable> live_summary_tables(const LiveResult& r) {
  const LiveOrders& o = r.orders;
  const LiveStock& s = r.stock;
  const LiveBehaviour& b = r.behaviour;
  std::vector<LiveSummaryTable> tables{
      {"Orders",
       {{"placed", grouped(o.placed)},
        {"created once", grouped(o.created_once)},
        {"duplicated", grouped(o.duplicated)},
        {"extra copies", grouped(o.duplicate_copies)},
        {"lost", grouped(o.lost)},
        {"sold out", grouped(o.sold_out)},
        {"oversells", grouped(o.oversells)}}},
      {"Stock on the channels",
       {{"listings", grouped(s.listings)},
        {"sweeps", grouped(s.samples)},
        {"stale episodes", grouped(s.stale_episodes)},
        {"staleness p95", secs_or_not_measured(s.staleness_p95)},
        {"staleness max", secs_or_not_measured(s.staleness_max)},
        {"stale samples",
         s.stale_share ? plain_number(*s.stale_share * 100, 2) + "%" : "not measured"},
        {"over-listed units at the end", std::to_string(s.final_overlisted_units)}}},
      {"The connector under faults",
       {{"requests", grouped(b.requests)},
        {"5xx", grouped(b.answered_5xx)},
        {"429", grouped(b.answered_429)},
        {"dropped", grouped(b.dropped)},
        {"hung", grouped(b.hung)},
        {"in error windows", grouped(b.attempts_in_error_windows)},
        {"retries", grouped(b.gaps_after_error)},
        {"median gap", ms_or_dash(b.gap_after_error_p50_ms)},
        {"shortest gap", ms_or_dash(b.gap_after_error_min_ms)},
        {"hot retries", grouped(b.hot_retries)},
        {"Retry-After honoured", grouped(b.retry_after_honoured)},
        {"Retry-After early", grouped(b.retry_after_early)}}},
  };
  // Only when a system's concurrency_limit refused some: reports without one keep their bytes.
  if (b.over_concurrency_limit > 0) {
    std::vector<std::pair<std::string, std::string>>& cells = tables.back().cells;
    cells.insert(cells.begin() + 3, {"over concurrency limit", grouped(b.over_concurrency_limit)});
  }
  return tables;
}

std::string live_fault_window(const LiveFaultOutcome& f) {
  if (!f.applied) return "not applied live";
  return fmt::format("{} – {}{}", secs_text(f.start.seconds()),
                     f.end ? secs_text(f.end->seconds()) : std::string("end"),
                     f.exercised ? "" : " (never acted)");
}

namespace {

std::string duration_or_dash(const std::optional<Duration>& d) {
  return d ? human_duration(*d) : std::string("-");
}

std::string check_result(const TierCheck& c) {
  return c.no_data ? "no data" : c.held ? "pass" : "FAIL";
}

// A two-row table: a header of names, a row of values (already escaped or numbers).
std::string html_row_table(const std::vector<std::pair<std::string, std::string>>& cells) {
  std::string head, row;
  for (const auto& [name, value] : cells) {
    head += "<th>" + xml_text(name) + "</th>";
    row += "<td class=\"num\">" + xml_text(value) + "</td>";
  }
  return "<table><tr>" + head + "</tr><tr>" + row + "</tr></table>\n";
}

}  // namespace

std::string live_report_html(const LiveResult& r) {
  std::string h;
  report_html_parts::append_page_start(h, "Live drill: " + r.scenario_name, HtmlPage::live);
  h += fmt::format("<h1>Live drill: {} <span class=\"verdict {}\">{}</span></h1>\n",
                   xml_text(r.scenario_name), r.failed() ? "fail-v" : "pass", live_verdict_text(r));
  h += fmt::format(
      "<p>Served on <code>{}</code> at time scale {} for {} s wall ({} of scenario time), ended "
      "by {}. Seed {}, scenario hash <code>{}</code>, syncdrill {}.</p>\n",
      xml_text(r.listen), plain_number(r.time_scale), plain_number(r.wall_s, 1),
      human_duration(Duration{static_cast<int64_t>(r.scenario_s * 1e6)}), xml_text(r.ended_by),
      r.id.seed, xml_text(r.id.scenario_hash), xml_text(r.version));
  if (r.score.scored) report_html_parts::append_tiers(h, r.score);
  h += "<h2>Live drill checks</h2>\n<table><tr><th>check</th><th>result</th><th>actual</th>"
       "<th>limit</th><th>reason</th></tr>\n";
  for (const TierCheck& c : r.live_checks) {
    h += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     c.held ? "" : " class=\"fail\"", xml_text(c.check), check_result(c),
                     xml_text(check_actual(c)), xml_text(check_value(c.limit, c.unit)),
                     xml_text(c.reason));
  }
  h += "</table>\n";
  for (const LiveSummaryTable& t : live_summary_tables(r))
    h += "<h2>" + xml_text(t.title) + "</h2>\n" + html_row_table(t.cells);
  h += "<h2>Faults</h2>\n<table><tr><th>fault</th><th>kind</th><th>targets</th><th>window</th>"
       "<th>hits</th><th>MTTD</th><th>MTTR</th></tr>\n";
  for (const LiveFaultOutcome& f : r.faults) {
    const FaultIncident* incident = r.incident(f.id);
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        xml_text(f.id), xml_text(f.kind), xml_text(joined(f.targets, ", ")),
        xml_text(live_fault_window(f)), grouped(f.hits),
        duration_or_dash(incident ? incident->mttd : std::nullopt),
        duration_or_dash(incident ? incident->mttr : std::nullopt));
  }
  h += "</table>\n";
  report_html_parts::append_live_charts(h, r);
  h += "<h2>Acknowledgements</h2>\n<ul>\n";
  if (r.acks.empty()) h += "<li>None: no <code>POST /_drill/ack</code> came in.</li>\n";
  for (const LiveAck& a : r.acks) {
    h += fmt::format("<li>at {}: {}{}</li>\n", secs_text(a.at.seconds()), xml_text(a.note),
                     a.fault_id.empty() ? "" : " (caught " + xml_text(a.fault_id) + ")");
  }
  h += "</ul>\n";
  report_html_parts::append_page_end(
      h, "scenario times since the start of the drill (wall time x the time scale).");
  return h;
}

std::string live_scorecard_text(const LiveResult& r, const std::string& out_dir) {
  std::string t =
      fmt::format("syncdrill live drill: {} — {}\n", r.scenario_name, live_verdict_text(r));
  t += fmt::format("  {} s wall at x{} ({} scenario), ended by {}\n", plain_number(r.wall_s, 1),
                   plain_number(r.time_scale),
                   human_duration(Duration{static_cast<int64_t>(r.scenario_s * 1e6)}), r.ended_by);
  const LiveOrders& o = r.orders;
  t += fmt::format("  orders: {} placed, {} created once, {} duplicated, {} lost, {} oversold\n",
                   grouped(o.placed), grouped(o.created_once), grouped(o.duplicated),
                   grouped(o.lost), grouped(o.oversells));
  t += fmt::format("  stock: p95 staleness {} over {} stale episodes\n",
                   secs_or_not_measured(r.stock.staleness_p95), grouped(r.stock.stale_episodes));
  const LiveBehaviour& b = r.behaviour;
  t += fmt::format(
      "  connector: {} requests, {} in error windows, Retry-After honoured {} / early {}, {} hot "
      "retries\n",
      grouped(b.requests), grouped(b.attempts_in_error_windows), grouped(b.retry_after_honoured),
      grouped(b.retry_after_early), grouped(b.hot_retries));
  const auto line = [&t](const std::string& name, const TierCheck& c) {
    t += fmt::format("  {} {:<40} {} (limit {})\n",
                     c.no_data ? "--  "
                     : c.held  ? "ok  "
                               : "FAIL",
                     name, check_actual(c), check_value(c.limit, c.unit));
  };
  for (const TierVerdict& v : r.score.tiers) {
    for (const TierCheck& c : v.checks)
      line(check_label(c), c);
  }
  for (const TierCheck& c : r.live_checks)
    line(c.check, c);
  t += fmt::format("  reports: {}/\n", out_dir);
  return t;
}

}  // namespace syncdrill
