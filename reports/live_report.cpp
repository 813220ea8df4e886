#include "reports/live_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/html_style.hpp"
#include "reports/report_html_parts.hpp"

namespace syncdrill {

bool LiveResult::failed() const {
  return std::any_of(checks.begin(), checks.end(), [](const LiveCheck& c) { return !c.passed; });
}

namespace {

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// A SimTime or a Duration in seconds; null when absent.
template <typename Time>
nlohmann::json optional_seconds(const std::optional<Time>& v) {
  return v ? nlohmann::json(v->seconds()) : nlohmann::json(nullptr);
}

std::string seconds_or_dash(const std::optional<Duration>& v) {
  return v ? human_duration(*v) : std::string("-");
}

std::string secs_text(double s) {
  return plain_number(s, 1) + " s";
}

std::string verdict(const LiveResult& r) {
  return r.failed() ? "FAIL" : "PASS";
}

std::string ms_or_dash(const std::optional<double>& ms) {
  return ms ? plain_number(*ms, 1) + " ms" : std::string("-");
}

// The summary tables report.md and report.html share: a title and (label, value) cells.
struct SummaryTable {
  std::string title;
  std::vector<std::pair<std::string, std::string>> cells;
};

std::vector<SummaryTable> summary_tables(const LiveResult& r) {
  const LiveOrders& o = r.orders;
  const LiveStock& s = r.stock;
  const LiveBehaviour& b = r.behaviour;
  return {
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
        {"staleness p95", secs_text(s.staleness_p95.seconds())},
        {"staleness max", secs_text(s.staleness_max.seconds())},
        {"stale samples", plain_number(s.stale_share * 100, 2) + "%"},
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
}

std::string fault_window(const LiveFaultOutcome& f) {
  if (!f.applied) return "not applied live";
  return fmt::format("{} – {}{}", secs_text(f.start.seconds()),
                     f.end ? secs_text(f.end->seconds()) : std::string("end"),
                     f.exercised ? "" : " (never acted)");
}

std::string targets_text(const LiveFaultOutcome& f) {
  std::string targets;
  for (const std::string& t : f.targets)
    targets += (targets.empty() ? "" : ", ") + t;
  return targets;
}

}  // namespace

nlohmann::json live_report_json(const LiveResult& r) {
  nlohmann::json j;
  j["mode"] = "live";
  j["syncdrill_version"] = r.version;
  j["scenario"] = {{"name", r.scenario_name},
                   {"path", scenario_file(r.id.scenario_path)},
                   {"hash", r.id.scenario_hash},
                   {"seed", r.id.seed}};
  j["drill"] = {{"listen", r.listen}, {"webhook_url", r.webhook_url}, {"time_scale", r.time_scale},
                {"wall_s", r.wall_s}, {"scenario_s", r.scenario_s},   {"ended_by", r.ended_by}};
  const LiveOrders& o = r.orders;
  j["orders"] = {{"placed", o.placed},
                 {"sold_out", o.sold_out},
                 {"created_once", o.created_once},
                 {"duplicated", o.duplicated},
                 {"duplicate_copies", o.duplicate_copies},
                 {"lost", o.lost},
                 {"drain_s", o.drain_s},
                 {"oms_orders", o.oms_orders},
                 {"oversells", o.oversells}};
  const LiveStock& s = r.stock;
  j["stock"] = {{"samples", s.samples},
                {"sample_interval_s", s.sample_interval_s},
                {"listings", s.listings},
                {"stale_episodes", s.stale_episodes},
                {"staleness_p95_s", s.staleness_p95.seconds()},
                {"staleness_max_s", s.staleness_max.seconds()},
                {"stale_share", s.stale_share},
                {"final_overlisted_units", s.final_overlisted_units}};
  const LiveBehaviour& b = r.behaviour;
  j["behaviour"] = {{"requests", b.requests},
                    {"answered_2xx", b.answered_2xx},
                    {"answered_4xx", b.answered_4xx},
                    {"answered_5xx", b.answered_5xx},
                    {"answered_429", b.answered_429},
                    {"dropped", b.dropped},
                    {"attempts_in_error_windows", b.attempts_in_error_windows},
                    {"retry_after_sent", b.retry_after_sent},
                    {"retry_after_honoured", b.retry_after_honoured},
                    {"retry_after_early", b.retry_after_early},
                    {"gaps_after_error", b.gaps_after_error},
                    {"gap_after_error_p50_ms", optional_number(b.gap_after_error_p50_ms)},
                    {"gap_after_error_min_ms", optional_number(b.gap_after_error_min_ms)},
                    {"hung", b.hung},
                    {"hot_retries", b.hot_retries}};
  nlohmann::json faults = nlohmann::json::array();
  for (const LiveFaultOutcome& f : r.faults) {
    faults.push_back({{"id", f.id},
                      {"kind", f.kind},
                      {"targets", f.targets},
                      {"from_scenario", f.from_scenario},
                      {"applied", f.applied},
                      {"exercised", f.exercised},
                      {"start_s", f.start.seconds()},
                      {"end_s", optional_seconds(f.end)},
                      {"hits", f.hits},
                      {"flow", f.flow},
                      {"tier", f.tier},
                      {"mttd_s", optional_seconds(f.mttd)},
                      {"mttd_max_s", optional_seconds(f.mttd_max)},
                      {"mttr_s", optional_seconds(f.mttr)},
                      {"mttr_max_s", optional_seconds(f.mttr_max)}});
  }
  j["faults"] = std::move(faults);
  nlohmann::json acks = nlohmann::json::array();
  for (const LiveAck& a : r.acks)
    acks.push_back({{"at_s", a.at.seconds()}, {"note", a.note}, {"fault_id", a.fault_id}});
  j["acks"] = std::move(acks);
  j["webhooks"] = r.webhooks;
  j["routes"] = r.routes;
  nlohmann::json checks = nlohmann::json::array();
  for (const LiveCheck& c : r.checks) {
    checks.push_back(
        {{"name", c.name}, {"passed", c.passed}, {"actual", c.actual}, {"limit", c.limit}});
  }
  j["checks"] = std::move(checks);
  j["verdict"] = verdict(r);
  return j;
}

std::string live_report_markdown(const LiveResult& r) {
  std::string md = fmt::format("# Live drill: {} — {}\n\n", md_text(r.scenario_name), verdict(r));
  md += fmt::format(
      "Served on `{}` at time scale {} for {} wall ({} of scenario time), ended by {}. Seed {}, "
      "scenario hash `{}`, syncdrill {}.\n\n",
      r.listen, plain_number(r.time_scale), plain_number(r.wall_s, 1) + " s",
      human_duration(Duration{static_cast<int64_t>(r.scenario_s * 1e6)}), r.ended_by, r.id.seed,
      r.id.scenario_hash, r.version);
  md += "## Checks\n\n| check | result | actual | limit |\n|---|---|---|---|\n";
  for (const LiveCheck& c : r.checks) {
    md += fmt::format("| {} | {} | {} | {} |\n", md_text(c.name), c.passed ? "pass" : "**FAIL**",
                      md_text(c.actual), md_text(c.limit));
  }
  for (const SummaryTable& t : summary_tables(r)) {
    std::string head = "|", rule = "|", row = "|";
    for (const auto& [label, value] : t.cells) {
      head += " " + md_text(label) + " |";
      rule += "---|";
      row += " " + md_text(value) + " |";
    }
    md += fmt::format("\n## {}\n\n{}\n{}\n{}\n", t.title, head, rule, row);
  }
  md +=
      "\n## Faults\n\n| fault | kind | targets | window | hits | MTTD | MTTR |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const LiveFaultOutcome& f : r.faults) {
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", md_text(f.id), md_text(f.kind),
                      md_text(targets_text(f)), fault_window(f), grouped(f.hits),
                      seconds_or_dash(f.mttd), seconds_or_dash(f.mttr));
  }
  md += "\n## Acknowledgements\n\n";
  if (r.acks.empty()) md += "None: no `POST /_drill/ack` came in.\n";
  for (const LiveAck& a : r.acks) {
    md += fmt::format("- at {} s: {}{}\n", plain_number(a.at.seconds(), 1), md_text(a.note),
                      a.fault_id.empty() ? "" : " (caught " + md_text(a.fault_id) + ")");
  }
  return md;
}

std::string live_report_junit(const LiveResult& r) {
  size_t failures = 0;
  for (const LiveCheck& c : r.checks)
    failures += c.passed ? 0 : 1;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"syncdrill live\" tests=\"{}\" failures=\"{}\">\n",
                     r.checks.size(), failures);
  xml +=
      fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{}\">\n",
                  xml_attr(r.scenario_name), r.checks.size(), failures, plain_number(r.wall_s, 3));
  for (const LiveCheck& c : r.checks) {
    xml += fmt::format("    <testcase classname=\"live.{}\" name=\"{}\"", xml_attr(r.scenario_name),
                       xml_attr(c.name));
    if (c.passed) {
      xml += "/>\n";
    } else {
      xml += fmt::format(
          ">\n      <failure message=\"{}\">{} against {}</failure>\n    </testcase>\n",
          xml_attr(c.actual + " against " + c.limit), xml_text(c.actual), xml_text(c.limit));
    }
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

namespace {

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
                   xml_text(r.scenario_name), r.failed() ? "fail-v" : "pass", verdict(r));
  h += fmt::format(
      "<p>Served on <code>{}</code> at time scale {} for {} s wall ({} of scenario time), ended "
      "by {}. Seed {}, scenario hash <code>{}</code>, syncdrill {}.</p>\n",
      xml_text(r.listen), plain_number(r.time_scale), plain_number(r.wall_s, 1),
      human_duration(Duration{static_cast<int64_t>(r.scenario_s * 1e6)}), xml_text(r.ended_by),
      r.id.seed, xml_text(r.id.scenario_hash), xml_text(r.version));
  h += "<h2>Checks</h2>\n<table><tr><th>check</th><th>result</th><th>actual</th><th>limit</th></"
       "tr>\n";
  for (const LiveCheck& c : r.checks) {
    h += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     c.passed ? "" : " class=\"fail\"", xml_text(c.name),
                     c.passed ? "pass" : "FAIL", xml_text(c.actual), xml_text(c.limit));
  }
  h += "</table>\n";
  for (const SummaryTable& t : summary_tables(r))
    h += "<h2>" + xml_text(t.title) + "</h2>\n" + html_row_table(t.cells);
  h += "<h2>Faults</h2>\n<table><tr><th>fault</th><th>kind</th><th>targets</th><th>window</th>"
       "<th>hits</th><th>MTTD</th><th>MTTR</th></tr>\n";
  for (const LiveFaultOutcome& f : r.faults) {
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        xml_text(f.id), xml_text(f.kind), xml_text(targets_text(f)), xml_text(fault_window(f)),
        grouped(f.hits), seconds_or_dash(f.mttd), seconds_or_dash(f.mttr));
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
  std::string t = fmt::format("syncdrill live drill: {} — {}\n", r.scenario_name, verdict(r));
  t += fmt::format("  {} s wall at x{} ({} scenario), ended by {}\n", plain_number(r.wall_s, 1),
                   plain_number(r.time_scale),
                   human_duration(Duration{static_cast<int64_t>(r.scenario_s * 1e6)}), r.ended_by);
  const LiveOrders& o = r.orders;
  t += fmt::format("  orders: {} placed, {} created once, {} duplicated, {} lost, {} oversold\n",
                   grouped(o.placed), grouped(o.created_once), grouped(o.duplicated),
                   grouped(o.lost), grouped(o.oversells));
  t += fmt::format("  stock: p95 staleness {} s over {} stale episodes\n",
                   plain_number(r.stock.staleness_p95.seconds(), 1),
                   grouped(r.stock.stale_episodes));
  const LiveBehaviour& b = r.behaviour;
  t += fmt::format(
      "  connector: {} requests, {} in error windows, Retry-After honoured {} / early {}, {} hot "
      "retries\n",
      grouped(b.requests), grouped(b.attempts_in_error_windows), grouped(b.retry_after_honoured),
      grouped(b.retry_after_early), grouped(b.hot_retries));
  for (const LiveCheck& c : r.checks) {
    t += fmt::format("  {} {:<40} {} (limit {})\n", c.passed ? "ok  " : "FAIL", c.name, c.actual,
                     c.limit);
  }
  t += fmt::format("  reports: {}/\n", out_dir);
  return t;
}

}  // namespace syncdrill
