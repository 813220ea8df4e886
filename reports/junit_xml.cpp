#include "reports/junit_xml.hpp"

#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/live_report.hpp"

namespace syncdrill {

using Suite = JunitSuite;

void add_junit_case(JunitSuite& suite, const std::string& classname, const std::string& name,
                    const std::string& child) {
  ++suite.tests;
  if (child.empty()) {
    suite.cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"/>\n",
                               xml_attr(classname), xml_attr(name));
    return;
  }
  suite.cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n{}",
                             xml_attr(classname), xml_attr(name), child);
  suite.cases += "    </testcase>\n";
}

namespace {

std::string failure(std::string_view type, const std::string& message, const std::string& body) {
  return fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_attr(message),
                     type, xml_text(body));
}

std::string system_out(const std::string& body) {
  return fmt::format("      <system-out>{}</system-out>\n", xml_text(body));
}

// A simulated instant, for people and exactly: "32m30s (1950 s)".
std::string at(SimTime t) {
  return fmt::format("{} ({})", human_duration(Duration{t.us}), seconds_text(Duration{t.us}));
}

std::string span(Duration d) {
  return fmt::format("{} ({})", human_duration(d), seconds_text(d));
}

// The incident's timeline, one line per step.
std::string timeline(const FaultIncident& f, const FaultSpec* spec) {
  std::string out;
  if (spec != nullptr) {
    out += fmt::format("fault {}: {}, cause {}, targets {}\n", f.fault_id, to_string(spec->kind),
                       to_string(spec->cause), joined(spec->targets, ", "));
  } else {
    out += fmt::format("fault {}\n", f.fault_id);
  }
  out += fmt::format("onset {}; window ended {}\n", at(f.onset), at(f.ended));
  if (f.detected) {
    out += fmt::format("detected {}", at(*f.detected));
    if (!f.detected_by.empty()) out += " by " + joined(f.detected_by, ", ");
    if (f.mttd) out += "; MTTD " + span(*f.mttd);
    out += '\n';
  } else {
    out += "not detected: missed\n";
  }
  out += f.acknowledged ? fmt::format("acknowledged {}\n", at(*f.acknowledged))
                        : std::string("not acknowledged\n");
  for (const ActionRecord& a : f.actions) {
    out += fmt::format("action {}{}{} at {}\n", to_string(a.kind), a.target.empty() ? "" : " ",
                       a.target, at(a.at));
  }
  if (f.recovered) {
    out += fmt::format("recovered {}", at(*f.recovered));
    if (f.mttr) out += "; MTTR " + span(*f.mttr);
    out += '\n';
  } else {
    out += "not recovered\n";
  }
  return out;
}

// One test case per check. scope: "tier <name>" or "live drill", for the failure's text; name_of:
// the test case's name of a check.
template <typename NameOf>
void add_checks(Suite& suite, const std::string& classname, const std::string& scope,
                const std::vector<TierCheck>& checks, NameOf name_of) {
  for (const TierCheck& c : checks) {
    const std::string name = name_of(c);
    const std::string where = c.channel.empty() ? "" : fmt::format(" on {}", c.channel);
    const std::string numbers =
        fmt::format("actual {}{}, limit {}", check_actual(c), where, check_value(c.limit, c.unit));
    if (c.no_data) {
      // Nothing to measure is no pass: CI shows it as skipped.
      ++suite.skipped;
      add_junit_case(suite, classname, name,
                     fmt::format("      <skipped message=\"{}\"/>\n",
                                 xml_attr(c.reason.empty() ? "no data" : "no data: " + c.reason)));
      continue;
    }
    if (c.held) {
      add_junit_case(suite, classname, name, system_out(numbers + ": held\n"));
      continue;
    }
    ++suite.failures;
    const std::string message = c.reason.empty() ? fmt::format("{}: {}", name, numbers) : c.reason;
    const std::string body = fmt::format("{}, {}: {}\n{}\n", scope, name, numbers,
                                         c.reason.empty() ? "breached" : c.reason);
    add_junit_case(suite, classname, name, failure("sla_breach", message, body));
  }
}

Suite tier_suite(const std::string& drill, const TierVerdict& t) {
  Suite suite;
  suite.name = "tier:" + t.tier;
  // The test case's name leaves out the worst channel, which can change from seed to seed: CI
  // keeps one history per check. The channel is in the text.
  add_checks(suite, fmt::format("syncdrill.{}.{}", drill, t.tier), "tier " + t.tier, t.checks,
             [](const TierCheck& c) {
               TierCheck unnamed = c;
               unnamed.channel.clear();
               return check_label(unnamed);
             });
  return suite;
}

Suite skipped_tiers_suite(const std::string& drill) {
  Suite suite;
  suite.name = "tiers";
  ++suite.skipped;
  add_junit_case(suite, fmt::format("syncdrill.{}.tiers", drill), "sla tiers",
                 "      <skipped message=\"no SLA tiers in the scenario\"/>\n");
  return suite;
}

// kind_of(fault id): its kind ("?" when unknown). missed_why: why a missed fault was missed.
template <typename KindOf>
Suite fault_suite(const Scenario& scenario, const Score& score, KindOf kind_of,
                  std::string_view missed_why) {
  Suite suite;
  suite.name = "faults";
  const std::string classname = fmt::format("syncdrill.{}.faults", scenario.name);
  for (const FaultIncident& f : score.incidents) {
    const FaultSpec* spec = find_fault(scenario, f.fault_id);
    const std::string kind = kind_of(f.fault_id);
    const std::string name = fmt::format("{} ({})", f.fault_id, kind);
    if (f.missed()) {
      ++suite.failures;
      const std::string message =
          fmt::format("fault {} ({}) was never detected: {}", f.fault_id, kind, missed_why);
      add_junit_case(suite, classname, name, failure("missed", message, timeline(f, spec)));
    } else {
      add_junit_case(suite, classname, name, system_out(timeline(f, spec)));
    }
  }
  return suite;
}

std::string scenario_kind(const Scenario& scenario, const std::string& id) {
  const FaultSpec* spec = find_fault(scenario, id);
  return spec != nullptr ? std::string(to_string(spec->kind)) : "?";
}

std::string properties_xml(const std::vector<std::pair<std::string_view, std::string>>& props) {
  std::string out = "    <properties>\n";
  for (const auto& [name, value] : props) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_attr(value));
  }
  return out + "    </properties>\n";
}

std::string properties(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                       const Score& score) {
  return properties_xml({
      {"drill", scenario.name},
      {"verdict", std::string(verdict_text(score))},
      {"scenario", scenario_file(id.scenario_path)},
      {"scenario_hash", id.scenario_hash},
      {"seed", std::to_string(id.seed)},
      {"replay", replay_command(id, scenario.overrides)},
      {"simulated_s", plain_number(result.simulated.seconds(), 6)},
      {"run_status", to_string(result.status)},
      {"syncdrill_version", SYNCDRILL_VERSION},
  });
}

}  // namespace

// The document: <testsuites> named `name` around every suite, each with the properties.
std::string junit_document(std::string_view name, const JunitParts& parts) {
  Suite total;
  for (const Suite& s : parts.suites) {
    total.tests += s.tests;
    total.failures += s.failures;
    total.skipped += s.skipped;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"0\">\n",
      name, total.tests, total.failures, total.skipped);
  out += junit_suites_xml(parts);
  out += "</testsuites>\n";
  return out;
}

std::string junit_suites_xml(const JunitParts& parts, std::string_view prefix) {
  std::string out;
  for (const Suite& s : parts.suites) {
    out += fmt::format(
        "  <testsuite name=\"{}{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
        "time=\"0\">\n",
        xml_attr(prefix), xml_attr(s.name), s.tests, s.failures, s.skipped);
    out += parts.properties;
    out += s.cases;
    out += "  </testsuite>\n";
  }
  return out;
}

std::string report_junit(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                         const Score& score) {
  return junit_document("syncdrill", report_junit_parts(scenario, id, result, score));
}

JunitParts report_junit_parts(const Scenario& scenario, const RunIdentity& id,
                              const WorldResult& result, const Score& score) {
  std::vector<Suite> suites;
  if (score.scored) {
    for (const TierVerdict& t : score.tiers)
      suites.push_back(tier_suite(scenario.name, t));
  } else {
    suites.push_back(skipped_tiers_suite(scenario.name));
  }
  suites.push_back(fault_suite(
      scenario, score, [&](const std::string& fault) { return scenario_kind(scenario, fault); },
      "no monitor fired for it"));
  return JunitParts{std::move(suites), properties(scenario, id, result, score)};
}

std::string live_report_junit(const Scenario& scenario, const LiveResult& r) {
  std::vector<Suite> suites;
  if (r.score.scored) {
    for (const TierVerdict& t : r.score.tiers)
      suites.push_back(tier_suite(scenario.name, t));
  }
  const auto kind_of = [&](const std::string& id) {
    for (const LiveFaultOutcome& f : r.faults) {
      if (f.id == id) return f.kind;
    }
    return std::string("?");
  };
  suites.push_back(fault_suite(scenario, r.score, kind_of, "no ack caught it"));
  Suite live;
  live.name = "live";
  add_checks(live, fmt::format("syncdrill.{}.live", scenario.name), "live drill", r.live_checks,
             [](const TierCheck& c) { return c.check; });
  suites.push_back(live);
  const std::string props = properties_xml({
      {"drill", scenario.name},
      {"mode", "live"},
      {"verdict", live_verdict_text(r)},
      {"scenario", scenario_file(r.id.scenario_path)},
      {"scenario_hash", r.id.scenario_hash},
      {"seed", std::to_string(r.id.seed)},
      {"listen", r.listen},
      {"time_scale", plain_number(r.time_scale)},
      {"wall_s", plain_number(r.wall_s, 3)},
      {"scenario_s", plain_number(r.scenario_s, 3)},
      {"ended_by", r.ended_by},
      {"syncdrill_version", r.version},
  });
  return junit_document("syncdrill live", JunitParts{std::move(suites), props});
}

}  // namespace syncdrill
