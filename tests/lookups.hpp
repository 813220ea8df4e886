// Test lookups by name in a run's result (WorldResult) and its score (Score): the connector, the
// channel, the port, the monitor, the tier, the fault's incident and a tier's check. A lookup that
// finds nothing fails the test, naming what it looked for.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill::testing {

// The first item of `items` whose `key` is `name`; `what` names the kind of item in the failure.
template <class Item>
const Item& named(const std::vector<Item>& items, std::string Item::*key, const std::string& name,
                  const char* what) {
  for (const Item& item : items) {
    if (item.*key == name) return item;
  }
  FAIL("no " << what << " " << name);
  return items.front();  // not reached: FAIL throws
}

inline const ConnectorOutcome& connector(const WorldResult& r, const std::string& name) {
  return named(r.connectors, &ConnectorOutcome::name, name, "connector");
}

inline const ChannelOutcome& channel(const WorldResult& r, const std::string& name) {
  return named(r.channels, &ChannelOutcome::channel, name, "channel");
}

inline const PortOutcome& port(const WorldResult& r, const std::string& name) {
  return named(r.ports, &PortOutcome::name, name, "port");
}

// A monitor's run in the world: its values and firings.
inline const MonitorRun& monitor(const WorldResult& r, const std::string& name) {
  return named(r.monitors, &MonitorRun::name, name, "monitor");
}

// A monitor's outcome in the score.
inline const MonitorOutcome& monitor(const Score& s, const std::string& name) {
  return named(s.monitors, &MonitorOutcome::name, name, "monitor");
}

inline const TierVerdict& tier(const Score& s, const std::string& name) {
  return named(s.tiers, &TierVerdict::tier, name, "tier");
}

// The incident of the fault with this id.
inline const FaultIncident& incident(const Score& s, const std::string& fault_id) {
  return named(s.incidents, &FaultIncident::fault_id, fault_id, "fault");
}

// The check `check` of a tier on `flow` (not mttd or mttr: those come once per fault).
inline const TierCheck& tier_check(const TierVerdict& t, const std::string& check, FlowKind flow) {
  for (const TierCheck& c : t.checks) {
    if (c.check == check && c.flow == flow) return c;
  }
  FAIL("no " << check << " check for " << to_string(flow) << " in tier " << t.tier);
  return t.checks.front();  // not reached
}

// The check `check` of a tier about `subject`: a fault id for mttd and mttr, else empty.
inline const TierCheck& tier_check(const TierVerdict& t, const std::string& check,
                                   const std::string& subject = "") {
  for (const TierCheck& c : t.checks) {
    if (c.check == check && c.subject == subject) return c;
  }
  FAIL("no " << check << " check " << subject << " in tier " << t.tier);
  return t.checks.front();  // not reached
}

}  // namespace syncdrill::testing
