#include "sim/score/causes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/engine/saturating.hpp"
#include "sim/score/tier_checks.hpp"

namespace syncdrill {

std::vector<CauseSummary> summarize_causes(const Scenario& s, const WorldResult& r,
                                           const std::vector<FaultIncident>& incidents) {
  std::vector<CauseSummary> out;
  for (FaultCause cause : {FaultCause::release, FaultCause::third_party, FaultCause::data_model,
                           FaultCause::capacity}) {
    CauseSummary sum;
    sum.cause = cause;
    for (size_t f = 0; f < s.faults.size() && f < incidents.size(); ++f) {
      if (s.faults[f].cause != cause) continue;
      const FaultDamage& d = incidents[f].damage;
      sum.faults.push_back(s.faults[f].id);
      sum.errors += f < r.fault_hits.size() ? r.fault_hits[f] : 0;
      sum.orders_missing_peak += d.orders_missing;
      sum.orders_duplicated += d.extra_oms_orders;
      sum.orders_oversold += d.oversold;
      sum.stale_price_lines += d.stale_price_lines;
      sum.money_minor = add_saturating(sum.money_minor, d.money_minor);
    }
    if (!sum.faults.empty()) out.push_back(std::move(sum));
  }
  return out;
}

std::vector<std::string> run_warnings(const Scenario& s, const WorldResult& r) {
  std::vector<std::string> out;
  for (const ConnectorSpec& spec : s.connectors) {
    const bool built = std::any_of(r.connectors.begin(), r.connectors.end(),
                                   [&](const ConnectorOutcome& c) { return c.name == spec.name; });
    if (built) continue;
    out.push_back(fmt::format(
        "connector {} ({}) never ran: a scenario runs one fulfillment and one reconciliation "
        "connector (the first), and a flow needs its channel and the systems it calls; its "
        "faults and checks have nothing to act on",
        spec.name, to_string(spec.flow)));
  }
  for (size_t f = 0; f < s.faults.size() && f < r.fault_hits.size(); ++f) {
    if (r.fault_hits[f] > 0) continue;
    const FaultSpec& fault = s.faults[f];
    std::string targets;
    for (const std::string& t : fault.targets)
      targets += (targets.empty() ? "" : ", ") + t;
    out.push_back(fmt::format(
        "fault {} ({} on {}) acted on nothing in its window: nothing it targets was called, "
        "delivered or queued then, so it rehearses nothing (check its target and window)",
        fault.id, to_string(fault.kind), targets));
  }
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.flow != FlowKind::reconciliation || c.stats.jobs_dropped_queue_full == 0) continue;
    const ConnectorSpec* spec = find_connector(s, c.name);
    out.push_back(fmt::format(
        "reconciliation connector {} dropped {} repair jobs on a full queue (queue_max {}): "
        "those repairs were never made; raise its queue_max or lower its repair_rate",
        c.name, count_text(c.stats.jobs_dropped_queue_full),
        spec != nullptr ? count_text(spec->queue_max) : "?"));
  }
  return out;
}

}  // namespace syncdrill
