#include "sim/score/detection.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "sim/scenario/values.hpp"
#include "sim/score/recovery.hpp"
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

double seconds_of(const LatencyHistogram& h) {
  return h.empty() ? 0 : static_cast<double>(h.quantile(0.95)) / 1e6;
}

// Freshness p95 of a flow over every channel; none for flows without a sync delay.
std::optional<double> freshness_p95_s(const WorldResult& r, FlowKind flow) {
  LatencyHistogram merged;
  for (const ChannelOutcome& c : r.channels) {
    switch (flow) {
      case FlowKind::order_ingest:
        merged.merge(c.ingest_delay_us);
        break;
      case FlowKind::stock_sync:
        merged.merge(c.stock_sync_delay_us);
        break;
      case FlowKind::price_sync:
        merged.merge(c.price_sync_delay_us);
        break;
      case FlowKind::fulfillment:
        merged.merge(c.status_sync_delay_us);
        break;
      default:
        return std::nullopt;
    }
  }
  return seconds_of(merged);
}

// Attempts failed / attempts, over the flow's connectors; none when they made no attempt.
std::optional<double> error_ratio(const WorldResult& r, FlowKind flow) {
  uint64_t ok = 0;
  uint64_t failed = 0;
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.flow != flow) continue;
    ok += c.stats.attempts_ok;
    failed += c.stats.attempts_failed();
  }
  if (ok + failed == 0) return std::nullopt;
  return static_cast<double>(failed) / static_cast<double>(ok + failed);
}

std::optional<uint64_t> data_lost(const WorldResult& r, FlowKind flow) {
  uint64_t n = 0;
  for (const ChannelOutcome& c : r.channels) {
    if (flow == FlowKind::order_ingest) n += c.lost;
    if (flow == FlowKind::returns) n += c.returns_requested - c.returns_synced;
  }
  if (flow != FlowKind::order_ingest && flow != FlowKind::returns) return std::nullopt;
  return n;
}

bool fault_touches_flow(const Scenario& s, const WorldResult& r, size_t fault, FlowKind flow) {
  if (fault >= r.fault_connectors.size()) return false;
  for (const std::string& name : r.fault_connectors[fault]) {
    const ConnectorSpec* c = find_connector(s, name);
    if (c != nullptr && c->flow == flow) return true;
  }
  return false;
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
  for (FaultIncident& incident : score.incidents) {
    if (incident.detected) incident.mttd = *incident.detected - incident.onset;
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

TierCheck check(std::string name, FlowKind flow, double actual, double limit, std::string unit) {
  TierCheck c;
  c.check = std::move(name);
  c.flow = flow;
  c.actual = actual;
  c.limit = limit;
  c.unit = std::move(unit);
  c.held = actual <= limit;
  return c;
}

void judge_tiers(const Scenario& s, const WorldResult& r, Score& score) {
  for (const SlaTierSpec& tier : s.sla_tiers) {
    TierVerdict verdict;
    verdict.tier = tier.name;
    for (FlowKind flow : tier.flows) {
      const std::string_view flow_name = to_string(flow);
      if (tier.freshness_p95) {
        if (const auto p95 = freshness_p95_s(r, flow)) {
          TierCheck c = check("freshness_p95", flow, *p95, tier.freshness_p95->seconds(), "s");
          if (!c.held) {
            c.reason = fmt::format("{} freshness p95 was {:.3f} s, over the {:.3f} s target",
                                   flow_name, *c.actual, c.limit);
          }
          verdict.checks.push_back(c);
        }
      }
      if (tier.error_rate_max) {
        if (const auto ratio = error_ratio(r, flow)) {
          TierCheck c = check("error_rate", flow, *ratio, *tier.error_rate_max, "ratio");
          if (!c.held) {
            c.reason = fmt::format("{} connectors failed {:.4f}% of their attempts, over {:.4f}%",
                                   flow_name, *c.actual * 100, c.limit * 100);
          }
          verdict.checks.push_back(c);
        }
      }
      if (tier.data_loss_max) {
        if (const auto lost = data_lost(r, flow)) {
          TierCheck c = check("data_loss", flow, static_cast<double>(*lost),
                              static_cast<double>(*tier.data_loss_max), "entities");
          if (!c.held) {
            c.reason = fmt::format("{} lost {} entities, over the limit of {}", flow_name, *lost,
                                   *tier.data_loss_max);
          }
          verdict.checks.push_back(c);
        }
      }
      if (tier.mttd_max) {
        for (size_t f = 0; f < score.incidents.size(); ++f) {
          if (!fault_touches_flow(s, r, f, flow)) continue;
          const FaultIncident& incident = score.incidents[f];
          const double limit = tier.mttd_max->seconds();
          TierCheck c;
          if (incident.mttd) {
            c = check("mttd", flow, incident.mttd->seconds(), limit, "s");
            if (!c.held) {
              c.reason = fmt::format("fault {} was detected after {}, over the {} target",
                                     incident.fault_id, scenario::format_duration(*incident.mttd),
                                     scenario::format_duration(*tier.mttd_max));
            }
          } else {
            c = check("mttd", flow, 0, limit, "s");
            c.actual.reset();
            c.held = false;
            c.reason = fmt::format("fault {} was never detected (no monitor caught it)",
                                   incident.fault_id);
          }
          c.subject = incident.fault_id;
          verdict.checks.push_back(c);
        }
      }
    }
    score.tiers.push_back(std::move(verdict));
  }
}

// MTTR per fault touching each flow of each tier that sets mttr_max (after score_response).
void judge_recovery(const Scenario& s, const WorldResult& r, Score& score) {
  for (size_t t = 0; t < s.sla_tiers.size() && t < score.tiers.size(); ++t) {
    const SlaTierSpec& tier = s.sla_tiers[t];
    if (!tier.mttr_max) continue;
    for (FlowKind flow : tier.flows) {
      for (size_t f = 0; f < score.incidents.size(); ++f) {
        if (!fault_touches_flow(s, r, f, flow)) continue;
        const FaultIncident& incident = score.incidents[f];
        const double limit = tier.mttr_max->seconds();
        TierCheck c;
        if (incident.mttr) {
          c = check("mttr", flow, incident.mttr->seconds(), limit, "s");
          if (!c.held) {
            c.reason = fmt::format("fault {} took {} to recover, over the {} target",
                                   incident.fault_id, scenario::format_duration(*incident.mttr),
                                   scenario::format_duration(*tier.mttr_max));
          }
        } else {
          c = check("mttr", flow, 0, limit, "s");
          c.actual.reset();
          c.held = false;
          c.reason = fmt::format(
              "fault {} never recovered: its flows were not back inside their targets, with "
              "backlogs and dead letters cleared, for a stable period before the run ended",
              incident.fault_id);
        }
        c.subject = incident.fault_id;
        score.tiers[t].checks.push_back(c);
      }
    }
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
  judge_recovery(scenario, result, score);
  return score;
}

}  // namespace syncdrill
