#include "reports/report_md.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/live_report.hpp"

namespace syncdrill {

namespace {

// A simulated instant for a table cell: "32m30s".
std::string at(SimTime t) {
  return human_duration(Duration{t.us});
}

// A fenced code block whose fence is longer than any backtick run in `text`.
std::string code_block(std::string_view lang, const std::string& text) {
  size_t longest = 0;
  size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  return fmt::format("{}{}\n{}\n{}\n", fence, lang, text, fence);
}

void append_header(std::string& out, const Scenario& scenario, const RunIdentity& id,
                   const WorldResult& result, const Score& score) {
  out += fmt::format("# Drill {}: {}\n\n", md_text(scenario.name), verdict_text(score));
  if (!scenario.description.empty()) out += fmt::format("> {}\n\n", md_text(scenario.description));

  std::string verdict;
  if (!score.scored) {
    verdict = "**NOT SCORED**: the scenario has no SLA tiers, so nothing was judged.";
  } else {
    verdict = fmt::format("**{}**: {}.{}", breached_tiers(score) == 0 ? "PASS" : "FAIL",
                          tiers_outcome_text(score, false), no_data_note(score));
  }
  out += verdict + faults_detected_note(score) + "\n\n";

  if (result.status != RunStatus::reached_time && result.status != RunStatus::drained) {
    out +=
        fmt::format("> **Warning:** the run stopped early ({}){}{}.\n\n", to_string(result.status),
                    result.limit_message.empty() ? "" : ": ", md_text(result.limit_message));
  }

  out += fmt::format("- **Scenario:** {}", md_text(scenario_file(id.scenario_path)));
  if (!id.scenario_hash.empty()) out += fmt::format(" ({})", md_text(id.scenario_hash));
  out += '\n';
  out += fmt::format("- **Seed:** {}\n", id.seed);
  out += fmt::format("- **Simulated:** {} in {} events ({})\n", human_duration(result.simulated),
                     grouped(result.events_processed), run_status_text(result.status));
  out += fmt::format("- **syncdrill:** {}\n\n", SYNCDRILL_VERSION);
  out += "Replay:\n\n";
  out += code_block("sh", replay_command(id, scenario.overrides));
}

// What the drill cannot see, before the tiers whose verdict rests on it.
void append_warnings(std::string& out, const Score& score) {
  if (score.warnings.empty()) return;
  out += "\n## Warnings\n\n";
  for (const std::string& w : score.warnings)
    out += fmt::format("- {}\n", md_text(w));
}

void append_tiers(std::string& out, const Score& score,
                  std::string_view unscored = "No SLA tiers in the scenario: nothing was judged.") {
  out += "\n## SLA tiers\n\n";
  if (!score.scored) {
    out += fmt::format("{}\n", unscored);
    return;
  }
  for (const TierVerdict& t : score.tiers) {
    out += fmt::format("- **{}**: {}\n", md_text(t.tier), tier_summary(t));
  }
  out += "\n| Tier | Check | Flow | Channel | Subject | Actual | Limit | Result |\n";
  out += "|---|---|---|---|---|---:|---:|---|\n";
  for (const TierVerdict& t : score.tiers) {
    for (const TierCheck& c : t.checks) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", md_text(t.tier),
                         md_text(c.check), to_string(c.flow),
                         c.channel.empty() ? "-" : md_text(c.channel),
                         c.subject.empty() ? "-" : md_text(c.subject), md_text(check_actual(c)),
                         md_text(check_value(c.limit, c.unit)),
                         c.no_data ? "no data"
                         : c.held  ? "held"
                                   : "**breached**");
    }
  }

  // Failures, then the checks with nothing to measure, each with its sentence.
  const auto list = [&](std::string_view title, auto wanted) {
    bool any = false;
    std::vector<std::string> said;  // a fault's MTTR can fail two tiers for one reason
    for (const TierVerdict& t : score.tiers) {
      for (const TierCheck& c : t.checks) {
        if (!wanted(c)) continue;
        if (!any) out += fmt::format("\n### {}\n\n", title);
        any = true;
        std::string reason = c.reason.empty() ? "over its limit" : c.reason;
        if (std::find(said.begin(), said.end(), reason) != said.end()) {
          reason = "as above";
        } else {
          said.push_back(reason);
        }
        out += fmt::format("- **{}** / {}: {} (actual {}, limit {})\n", md_text(t.tier),
                           md_text(check_label(c)), md_text(reason), md_text(check_actual(c)),
                           md_text(check_value(c.limit, c.unit)));
      }
    }
  };
  list("Failures", [](const TierCheck& c) { return !c.held; });
  list("No data", [](const TierCheck& c) { return c.no_data; });
}

// A fault's kind and cause for the tables; "?" when unknown.
struct FaultNames {
  std::string kind = "?";
  std::string cause = "?";
};

FaultNames scenario_names(const Scenario& scenario, const std::string& id) {
  const FaultSpec* spec = find_fault(scenario, id);
  if (spec == nullptr) return {};
  return {std::string(to_string(spec->kind)), std::string(to_string(spec->cause))};
}

// names_of(fault id): its kind and cause. empty: the sentence when there is no incident.
template <typename NamesOf>
void append_faults(std::string& out, const Score& score, NamesOf names_of, std::string_view empty) {
  out += "\n## Faults\n\n";
  if (score.incidents.empty()) {
    out += fmt::format("{}\n", empty);
    return;
  }
  out +=
      "| Fault | Kind | Cause | Onset | Detected (MTTD) | Acknowledged | Actions | Service "
      "restored | Damage repaired (MTTR) | Missed |\n";
  out += "|---|---|---|---:|---|---:|---|---:|---|---|\n";
  for (const FaultIncident& f : score.incidents) {
    const FaultNames names = names_of(f.fault_id);
    std::string detected = "-";
    if (f.detected) {
      detected = at(*f.detected);
      if (f.mttd) detected += fmt::format(" (MTTD {})", human_duration(*f.mttd));
      if (!f.detected_by.empty()) detected += " by " + md_text(joined(f.detected_by, ", "));
    }
    std::vector<std::string> actions;
    for (const ActionRecord& a : f.actions) {
      std::string text(to_string(a.kind));
      if (!a.target.empty()) text += " " + md_text(a.target);
      actions.push_back(text + " at " + at(a.at));
    }
    std::string recovered = "not recovered";
    if (f.recovered) {
      recovered = at(*f.recovered);
      if (f.mttr) recovered += fmt::format(" (MTTR {})", human_duration(*f.mttr));
    }
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", md_text(f.fault_id),
        md_text(names.kind), md_text(names.cause), at(f.onset), detected,
        f.acknowledged ? at(*f.acknowledged) : "-", actions.empty() ? "-" : joined(actions, "<br>"),
        f.restored ? at(*f.restored) : "not restored", recovered, f.missed() ? "**missed**" : "no");
  }
  bool any_note = false;
  for (const FaultIncident& f : score.incidents)
    any_note = any_note || !f.recovery_note.empty();
  if (!any_note) return;
  out += "\nNot recovered:\n\n";
  for (const FaultIncident& f : score.incidents) {
    if (!f.recovery_note.empty()) {
      out += fmt::format("- **{}**: {}\n", md_text(f.fault_id), md_text(f.recovery_note));
    }
  }
}

// Failures by cause: what each cause's faults did and the damage they left.
void append_causes(std::string& out, const Score& score, const std::string& currency) {
  if (score.causes.empty()) return;
  out += "\n## Failures by cause\n\n";
  out +=
      "| Cause | Faults | Touched | Orders missing (peak) | Orders duplicated | Oversold | Money "
      "|\n";
  out += "|---|---|---:|---:|---:|---:|---:|\n";
  for (const CauseSummary& c : score.causes) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", to_string(c.cause),
                       md_text(joined(c.faults, ", ")), grouped(c.errors),
                       grouped(c.orders_missing_peak), grouped(c.orders_duplicated),
                       grouped(c.orders_oversold), md_text(money_text(c.money_minor, currency)));
  }
}

void append_monitors(std::string& out, const Score& score) {
  out += "\n## Monitors\n\n";
  if (score.monitors.empty()) {
    out += "No monitors in the scenario.\n";
    return;
  }
  out += "| Monitor | Kind | Firings | Faults caught | False positives |\n";
  out += "|---|---|---:|---|---:|\n";
  for (const MonitorOutcome& m : score.monitors) {
    std::vector<std::string> caught;
    for (const MonitorFiring& firing : m.firings) {
      for (const std::string& fault : firing.attributed_to) {
        if (std::find(caught.begin(), caught.end(), fault) == caught.end()) {
          caught.push_back(fault);
        }
      }
    }
    out +=
        fmt::format("| {} | {} | {} | {} | {} |\n", md_text(m.name), to_string(m.kind),
                    grouped(m.firings.size()), caught.empty() ? "-" : md_text(joined(caught, ", ")),
                    grouped(m.false_positives));
  }
}

// The rows of the scorecard's "Business impact", as a table.
// r: nullptr for a live drill (its rows beyond the orders: not measured).
void append_impact(std::string& out, const Impact& i, const WorldResult* r,
                   const std::string& currency) {
  out += "\n## Business impact\n\n";
  out += "| Measure | Count | Note |\n";
  out += "|---|---:|---|\n";
  for (const ImpactRow& row : impact_rows(i, r, currency)) {
    out +=
        fmt::format("| {} | {} | {} |\n", row.measure, impact_count_text(row), md_text(row.note));
  }
}

}  // namespace

std::string report_markdown(const Scenario& scenario, const RunIdentity& id,
                            const WorldResult& result, const Score& score) {
  std::string out;
  append_header(out, scenario, id, result, score);
  append_warnings(out, score);
  append_tiers(out, score);
  append_faults(
      out, score, [&](const std::string& fault) { return scenario_names(scenario, fault); },
      scenario.faults.empty() ? "No faults injected." : "No fault incidents recorded.");
  append_monitors(out, score);
  append_impact(out, total_impact(result), &result, scenario.currency);
  append_causes(out, score, scenario.currency);
  out += fmt::format("\n---\nsyncdrill {}; simulated times since the start of the run.\n",
                     SYNCDRILL_VERSION);
  return out;
}

// ---- A live drill's report.md ---------------------------------------------------------------

namespace {

void append_live_header(std::string& out, const LiveResult& r) {
  out += fmt::format("# Live drill: {} — {}\n\n", md_text(r.scenario_name), live_verdict_text(r));
  out += fmt::format(
      "Served on `{}` at time scale {} for {} wall ({} of scenario time), ended by {}. Seed {}, "
      "scenario hash `{}`, syncdrill {}.\n",
      r.listen, plain_number(r.time_scale), plain_number(r.wall_s, 1) + " s",
      human_duration(Duration{static_cast<int64_t>(r.scenario_s * 1e6)}), r.ended_by, r.id.seed,
      r.id.scenario_hash, r.version);
}

// The live section: the drill's own checks, what the connector did, every fault's window and
// hits, and the acks.
void append_live_section(std::string& out, const LiveResult& r) {
  out += "\n## Live drill\n\n### Live drill checks\n\n";
  out += "| Check | Actual | Limit | Result | Reason |\n|---|---:|---:|---|---|\n";
  for (const TierCheck& c : r.live_checks) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", md_text(c.check), md_text(check_actual(c)),
                       md_text(check_value(c.limit, c.unit)),
                       c.no_data ? "no data"
                       : c.held  ? "held"
                                 : "**breached**",
                       c.reason.empty() ? "-" : md_text(c.reason));
  }
  for (const LiveSummaryTable& t : live_summary_tables(r)) {
    std::string head = "|", rule = "|", row = "|";
    for (const auto& [label, value] : t.cells) {
      head += " " + md_text(label) + " |";
      rule += "---|";
      row += " " + md_text(value) + " |";
    }
    out += fmt::format("\n### {}\n\n{}\n{}\n{}\n", t.title, head, rule, row);
  }
  out +=
      "\n### Fault windows\n\n| Fault | Kind | Targets | Window | Hits |\n|---|---|---|---|---:|\n";
  for (const LiveFaultOutcome& f : r.faults) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", md_text(f.id), md_text(f.kind),
                       md_text(joined(f.targets, ", ")), live_fault_window(f), grouped(f.hits));
  }
  out += "\n### Acknowledgements\n\n";
  if (r.acks.empty()) out += "None: no `POST /_drill/ack` came in.\n";
  for (const LiveAck& a : r.acks) {
    out += fmt::format("- at {} s: {}{}\n", plain_number(a.at.seconds(), 1), md_text(a.note),
                       a.fault_id.empty() ? "" : " (caught " + md_text(a.fault_id) + ")");
  }
}

}  // namespace

std::string live_report_markdown(const Scenario& scenario, const LiveResult& r) {
  std::string out;
  append_live_header(out, r);
  append_tiers(out, r.score,
               "No SLA tiers in the scenario: only the live drill's own checks were judged.");
  const auto names_of = [&](const std::string& id) {
    FaultNames names = scenario_names(scenario, id);
    for (const LiveFaultOutcome& f : r.faults) {
      if (f.id == id && !f.from_scenario) names = {f.kind, "-"};  // ad hoc: no cause
    }
    return names;
  };
  append_faults(out, r.score, names_of, "No fault acted in this drill.");
  append_impact(out, live_impact(r.orders), nullptr, scenario.currency);
  append_live_section(out, r);
  out += fmt::format(
      "\n---\nsyncdrill {}; scenario times since the start of the drill (wall time x the time "
      "scale).\n",
      r.version);
  return out;
}

}  // namespace syncdrill
