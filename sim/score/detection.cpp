#include "sim/score/detection.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "core/scenario/values.hpp"
#include "sim/score/causes.hpp"
#include "sim/score/recovery.hpp"
#include "sim/score/tier_checks.hpp"
#include "sim/world/fault_reach.hpp"

namespace syncdrill {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The connectors a monitor is answerable for: one rule for scoring and the load-time warnings
// (monitor_watched, sim/world/fault_reach.hpp).
std::vector<std::string> watched(const Scenario& s, const MonitorSpec& spec) {
  return monitor_watched(s, spec);
}

Duration grace_of(const Scenario& s, const MonitorSpec& spec) {
  if (spec.kind != MonitorKind::reconciliation) return kDetectionGrace;
  Duration grace = kDetectionGrace;
  for (const ConnectorSpec& c : s.connectors) {
    if (c.flow == FlowKind::reconciliation && c.interval) grace = std::max(grace, *c.interval);
  }
  return grace;
}

SimTime fault_end(const Scenario& s, const FaultSpec& f) {
  return SimTime{} + std::min(s.duration, f.at + f.length);
}

void attribute(const Scenario& s, const WorldResult& r, Score& score) {
  for (size_t f = 0; f < s.faults.size(); ++f) {
    FaultIncident incident;
    incident.fault_id = s.faults[f].id;
    incident.onset = SimTime{} + s.faults[f].at;
    incident.ended = fault_end(s, s.faults[f]);
    score.incidents.push_back(incident);
  }
  for (size_t m = 0; m < r.monitors.size() && m < s.monitors.size(); ++m) {
    const MonitorSpec& spec = s.monitors[m];
    const MonitorRun& run = r.monitors[m];
    const std::vector<std::string> scope = watched(s, spec);
    const Duration grace = grace_of(s, spec);
    MonitorOutcome out;
    out.name = run.name;
    out.kind = spec.kind;
    for (const Firing& firing : run.firings) {
      MonitorFiring mf{firing.start, firing.end, firing.value, {}};
      for (size_t f = 0; f < s.faults.size() && f < r.fault_connectors.size(); ++f) {
        FaultIncident& incident = score.incidents[f];
        if (firing.start < incident.onset || firing.start > incident.ended + grace) continue;
        const auto& touched = r.fault_connectors[f];
        const bool shared = std::any_of(touched.begin(), touched.end(),
                                        [&](const std::string& c) { return contains(scope, c); });
        if (!shared) continue;
        mf.attributed_to.push_back(incident.fault_id);
        if (!incident.detected || firing.start < *incident.detected) {
          incident.detected = firing.start;
        }
        if (!contains(incident.detected_by, run.name)) incident.detected_by.push_back(run.name);
      }
      if (mf.attributed_to.empty()) ++out.false_positives;
      out.firings.push_back(std::move(mf));
    }
    score.monitors.push_back(std::move(out));
  }
  SD_CHECK(score.incidents.size() == s.faults.size(), "one incident per fault, in fault order");
  for (FaultIncident& incident : score.incidents) {
    if (incident.detected) {
      SD_CHECK(*incident.detected >= incident.onset, "a fault is detected after its onset");
      incident.mttd = *incident.detected - incident.onset;
    }
    // First detector first: order the monitors by their first attributed firing.
    std::stable_sort(incident.detected_by.begin(), incident.detected_by.end(),
                     [&](const std::string& a, const std::string& b) {
                       auto first = [&](const std::string& name) {
                         for (const MonitorOutcome& m : score.monitors) {
                           if (m.name != name) continue;
                           for (const MonitorFiring& f : m.firings) {
                             if (contains(f.attributed_to, incident.fault_id)) return f.start;
                           }
                         }
                         return SimTime{std::numeric_limits<int64_t>::max()};
                       };
                       return first(a) < first(b);
                     });
  }
}

}  // namespace

Score score_run(const Scenario& scenario, const WorldResult& result) {
  Score score;
  score.scored = !scenario.sla_tiers.empty();
  for (std::string& w : observability_warnings(scenario))
    score.warnings.push_back(std::move(w));
  attribute(scenario, result, score);
  score_response(scenario, result, score);
  judge_tiers(scenario, result, score);
  for (std::string& w : run_warnings(scenario, result))
    score.warnings.push_back(std::move(w));
  score.causes = summarize_causes(scenario, result, score.incidents);
  return score;
}

}  // namespace syncdrill
