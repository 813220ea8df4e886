#include "reports/scorecard.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/values.hpp"
#include "reports/format.hpp"

namespace syncdrill {

namespace {

std::string p50_p95(const LatencyHistogram& h) {
  if (h.empty()) return "-";
  return short_duration(h.quantile(0.50)) + " / " + short_duration(h.quantile(0.95));
}

void append_impact(std::string& out, const Impact& i, const WorldResult& r,
                   const std::string& currency) {
  out += "\nBusiness impact\n";
  // The shared rows, in the scorecard's lower-case labels and with notes in parentheses.
  for (const ImpactRow& row : impact_rows(i, r, currency)) {
    std::string what = row.measure;
    if (!what.empty())
      what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    const std::string note = row.note.empty() ? "" : "(" + row.note + ")";
    out += fmt::format("  {:<34} {:>14}  {}\n", what, impact_count_text(row), note);
  }
}

void append_freshness(std::string& out, const WorldResult& r) {
  out += "\nSync delay by channel, p50 / p95\n";
  out += fmt::format("  {:<14} {:>19} {:>19} {:>19} {:>19}\n", "channel", "order ingest",
                     "stock sync", "price sync", "status sync");
  for (const ChannelOutcome& c : r.channels) {
    out += fmt::format("  {:<14} {:>19} {:>19} {:>19} {:>19}\n", c.channel,
                       p50_p95(c.ingest_delay_us), p50_p95(c.stock_sync_delay_us),
                       p50_p95(c.price_sync_delay_us), p50_p95(c.status_sync_delay_us));
  }
}

void append_connectors(std::string& out, const WorldResult& r) {
  if (r.connectors.empty()) return;
  out += "\nConnectors\n";
  out += fmt::format("  {:<18} {:<15} {:>10} {:>9} {:>8} {:>8} {:>13} {:>8}\n", "connector", "flow",
                     "jobs", "failed", "dropped", "queued", "calls/job", "late");
  for (const ConnectorOutcome& c : r.connectors) {
    const ConnectorStats& s = c.stats;
    const double per_job =
        s.jobs_offered == 0 ? 0.0 : static_cast<double>(s.attempts) / s.jobs_offered;
    out += fmt::format("  {:<18} {:<15} {:>10} {:>9} {:>8} {:>8} {:>13.2f} {:>8}\n", c.name,
                       to_string(c.flow), grouped(s.jobs_offered), grouped(s.jobs_dead_lettered),
                       grouped(s.jobs_dropped_queue_full), grouped(c.queue_length_at_end), per_job,
                       grouped(s.late_responses));
  }
}

void append_endpoints(std::string& out, const WorldResult& r) {
  out += "\nEndpoints\n";
  out += fmt::format("  {:<16} {:<8} {:>7} {:>6} {:>9} {:>9} {:>9} {:>10} {:>12}\n", "endpoint",
                     "role", "workers", "util", "queue max", "rejected", "429s", "wait p95",
                     "sojourn p95");
  for (const PortOutcome& p : r.ports) {
    const EndpointStats& s = p.endpoint;
    out += fmt::format("  {:<16} {:<8} {:>7} {:>5.1f}% {:>9} {:>9} {:>9} {:>10} {:>12}\n", p.name,
                       p.role, p.workers, s.utilization * 100, grouped(s.queue_depth_max),
                       grouped(s.rejected_queue_full), grouped(p.admission.rate_limited),
                       s.wait_us.empty() ? "-" : short_duration(s.wait_us.quantile(0.95)),
                       s.sojourn_us.empty() ? "-" : short_duration(s.sojourn_us.quantile(0.95)));
  }
}

// The width of a column: its usual `width`, or its longest cell's. A long fault id, a
// target such as "dtc/returns/create" or an MTTD of "21h10m30s (20h10m30s)" widens its column
// rather than pushing the rest of its row out of line.
size_t column_width(size_t width, const std::vector<std::vector<std::string>>& rows,
                    size_t column) {
  for (const std::vector<std::string>& row : rows)
    width = std::max(width, row[column].size());
  return width;
}

// The fault timeline as injected: when, where, why, and how much it touched.
void append_faults(std::string& out, const Scenario& scenario, const WorldResult& r) {
  if (scenario.faults.empty()) return;
  out += fmt::format("\nFaults injected ({})\n", scenario.faults.size());
  std::vector<std::vector<std::string>> rows;  // fault, kind, target, window, cause, touched
  for (size_t i = 0; i < scenario.faults.size(); ++i) {
    const FaultSpec& f = scenario.faults[i];
    std::string targets;
    for (const std::string& t : f.targets)
      targets += (targets.empty() ? "" : ",") + t;
    const std::string window =
        fmt::format("{}-{}{}", scenario::format_duration(f.at),
                    scenario::format_duration(f.at + f.length), f.flap ? " flap" : "");
    const uint64_t hits = i < r.fault_hits.size() ? r.fault_hits[i] : 0;
    rows.push_back(
        {f.id, std::string(to_string(f.kind)), targets, window, std::string(to_string(f.cause)),
         fmt::format("{} {}", grouped(hits), scenario::fault_kind_row(f.kind).hit_unit)});
  }
  const size_t id_w = column_width(18, rows, 0);
  const size_t kind_w = column_width(19, rows, 1);
  const size_t target_w = column_width(17, rows, 2);
  const size_t window_w = column_width(17, rows, 3);
  const size_t cause_w = column_width(12, rows, 4);
  const auto line = [&](const std::vector<std::string>& c) {
    return fmt::format("  {:<{}} {:<{}} {:<{}} {:>{}} {:<{}} {}\n", c[0], id_w, c[1], kind_w, c[2],
                       target_w, c[3], window_w, c[4], cause_w, c[5]);
  };
  out += line({"fault", "kind", "target", "window", "cause", "touched"});
  for (const std::vector<std::string>& row : rows)
    out += line(row);
}

std::string when(const std::optional<SimTime>& t) {
  return t ? human_duration(*t - SimTime{}) : "-";
}

// Each fault's timeline: onset, detection (MTTD), acknowledgement, actions, service restored,
// damage repaired (MTTR), and why a fault did not recover.
void append_incidents(std::string& out, const Score& score) {
  if (score.incidents.empty()) return;
  out += "\nIncident timeline (simulated time)\n";
  // fault, onset, detected (MTTD), acked, actions, restored, repaired (MTTR)
  std::vector<std::vector<std::string>> rows;
  for (const FaultIncident& i : score.incidents) {
    const std::string detected =
        i.detected ? fmt::format("{} ({})", when(i.detected), human_duration(*i.mttd)) : "MISSED";
    const std::string recovered =
        i.recovered ? fmt::format("{} ({})", when(i.recovered), human_duration(*i.mttr))
                    : "not recovered";
    rows.push_back({i.fault_id, when(i.onset), detected, when(i.acknowledged),
                    std::to_string(i.actions.size()), when(i.restored), recovered});
  }
  const std::vector<size_t> usual{18, 8, 20, 9, 7, 9, 20};
  std::vector<size_t> w;
  for (size_t c = 0; c < usual.size(); ++c)
    w.push_back(column_width(usual[c], rows, c));
  const auto line = [&](const std::vector<std::string>& c) {
    return fmt::format("  {:<{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}}\n", c[0], w[0], c[1],
                       w[1], c[2], w[2], c[3], w[3], c[4], w[4], c[5], w[5], c[6], w[6]);
  };
  out += line(
      {"fault", "onset", "detected (MTTD)", "acked", "actions", "restored", "repaired (MTTR)"});
  for (size_t k = 0; k < score.incidents.size(); ++k) {
    const FaultIncident& i = score.incidents[k];
    out += line(rows[k]);
    if (!i.detected_by.empty()) {
      std::string by;
      for (const std::string& m : i.detected_by)
        by += (by.empty() ? "" : ", ") + m;
      out += fmt::format("  {:<{}} detected by {}\n", "", w[0], by);
    }
    if (!i.recovery_note.empty()) out += fmt::format("  {:<{}} {}\n", "", w[0], i.recovery_note);
  }
}

// Failures by cause: the faults of each cause, what they touched and the damage they left.
void append_causes(std::string& out, const Score& score, const std::string& currency) {
  if (score.causes.empty()) return;
  out += "\nFailures by cause\n";
  out += fmt::format("  {:<12} {:>12} {:>15} {:>12} {:>10} {:>18}  {}\n", "cause", "touched",
                     "orders missing", "duplicated", "oversold", "money", "faults");
  for (const CauseSummary& c : score.causes) {
    std::string faults;
    for (const std::string& f : c.faults)
      faults += (faults.empty() ? "" : ", ") + f;
    out +=
        fmt::format("  {:<12} {:>12} {:>15} {:>12} {:>10} {:>18}  {}\n", to_string(c.cause),
                    grouped(c.errors), grouped(c.orders_missing_peak), grouped(c.orders_duplicated),
                    grouped(c.orders_oversold), money_text(c.money_minor, currency), faults);
  }
}

// The verdict per tier and, for each breach, why.
void append_verdict(std::string& out, const Score* score, bool colour) {
  const auto paint = [&](std::string_view word, bool good) {
    if (!colour) return std::string(word);
    return fmt::format("\x1b[1;{}m{}\x1b[0m", good ? 32 : 31, word);
  };
  if (score == nullptr || !score->scored) {
    out += "\nVerdict: NOT SCORED (the scenario has no SLA tiers)\n";
    return;
  }
  size_t breached = 0;
  size_t empty = 0;
  for (const TierVerdict& t : score->tiers) {
    breached += t.held() ? 0 : 1;
    empty += t.held() && t.no_data() ? 1 : 0;
  }
  // A tier with nothing measured is no pass: the verdict line says how many there were.
  out +=
      fmt::format("\nVerdict: {} ({} of {} SLA tiers breached{})\n",
                  paint(score->held() ? "PASS" : "FAIL", score->held()), breached,
                  score->tiers.size(), empty == 0 ? "" : fmt::format("; {} with no data", empty));
  std::vector<std::string> said;
  for (const TierVerdict& t : score->tiers) {
    const std::string word = t.held() ? (t.no_data() ? "no data" : "held") : "BREACHED";
    out += fmt::format("  {:<14} {}  {}\n", t.tier, paint(word, t.held()), tier_summary(t));
    for (const TierCheck& c : t.checks) {
      if (c.held) continue;
      // A fault's MTTR can fail two tiers for one reason: say it once.
      if (std::find(said.begin(), said.end(), c.reason) != said.end()) {
        out += fmt::format("    - {}: as above\n", check_label(c));
        continue;
      }
      said.push_back(c.reason);
      out += fmt::format("    - {}\n", c.reason);
    }
  }
}

// What the drill cannot see (Score::warnings), before the verdict that rests on it.
void append_warnings(std::string& out, const Score& score) {
  if (score.warnings.empty()) return;
  out += "\nWarnings:\n";
  for (const std::string& w : score.warnings)
    out += fmt::format("  - {}\n", w);
}

void append_telemetry(std::string& out, const TelemetrySummary& t, const std::string& report_dir) {
  const TelemetryStats& s = t.stats;
  out += fmt::format("Telemetry: {}/{}  {} records written", report_dir, t.file,
                     grouped(s.records_written));
  if (s.records_sampled_out > 0) {
    out +=
        fmt::format(" ({} sampled out at {:g})", grouped(s.records_sampled_out), t.options.sample);
  }
  out += '\n';
  if (s.cap_hit) {
    out += fmt::format(
        "  warning: telemetry cap reached (max {} records, {} bytes): the last {} records were "
        "not written\n",
        grouped(t.options.max_records), grouped(t.options.max_bytes), grouped(s.records_over_cap));
  }
}

}  // namespace

std::string scorecard_text(const Scenario& scenario, const RunIdentity& id,
                           const WorldResult& result, const std::string& report_dir,
                           const TelemetrySummary* telemetry, const Score* score, bool colour,
                           const std::vector<std::string>& files) {
  std::string out;
  out +=
      fmt::format("syncdrill {}  drill '{}'  seed {}\n", SYNCDRILL_VERSION, scenario.name, id.seed);
  if (!scenario.description.empty()) {
    out += fmt::format("  {}\n", scenario.description.substr(0, scenario.description.find('\n')));
  }
  out += fmt::format("  simulated {} in {} events; scenario {}\n",
                     scenario::format_duration(result.simulated), grouped(result.events_processed),
                     id.scenario_hash);
  append_impact(out, total_impact(result), result, scenario.currency);
  append_freshness(out, result);
  append_connectors(out, result);
  append_endpoints(out, result);
  append_faults(out, scenario, result);
  if (score != nullptr) {
    append_incidents(out, *score);
    append_causes(out, *score, scenario.currency);
  }
  if (score != nullptr) append_warnings(out, *score);
  append_verdict(out, score, colour);
  std::string names;
  for (const std::string& f : files)
    names += (names.empty() ? "" : ", ") + f;
  out += fmt::format("Reports: {}/ ({})\n", report_dir, names.empty() ? "report.json" : names);
  if (telemetry != nullptr) append_telemetry(out, *telemetry, report_dir);
  out += fmt::format("Replay:  {}\n", replay_command(id, scenario.overrides));
  return out;
}

}  // namespace syncdrill
