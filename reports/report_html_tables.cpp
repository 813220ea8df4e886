// report.html's tables (reports/report_html.hpp): the SLA tiers, the faults, the business impact,
// the failures by cause and the monitors, each in a <section> whose table scrolls in its own box.
#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/report_html_parts.hpp"
#include "reports/svg_chart.hpp"

namespace syncdrill::report_html_parts {

using svg::at;

namespace {

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

}  // namespace

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
                       impact_count_text(row), xml_text(row.note));
  }
  out += "</tbody>\n</table></div>\n</section>\n";
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

}  // namespace syncdrill::report_html_parts
