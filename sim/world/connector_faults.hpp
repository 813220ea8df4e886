// ConnectorFaults: the faults that act on a connector through their on/off edges (consumer_stall
// stops some of its workers, retry_storm swaps in an aggressive retry policy), and the hits each
// counts while in force.
//
// Invariants:
// - Each entry is a consumer_stall or a retry_storm on one connector the world built, with its
//   hit counter and the connector's own policy (base_policy, never null); entries are only
//   added, and their addresses never change (the world's edge events point at them).
// - An entry's `on` is true exactly between an onset edge it saw and the next end edge (or a
//   rollback's early end), and `mark` is the connector's counter at that onset: jobs offered for
//   a stall, attempts for a storm. Those counters only grow (checked), so the hits added at an
//   end are what the fault held while it was on, counted once.
// - After each edge, the connector's worker cap is its workers less the largest share any
//   stall in force asks for, and its policy is the most aggressive storm in force, or its own.
#pragma once

#include <cstdint>
#include <deque>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/connector.hpp"

namespace syncdrill::world {

// A fault acting on one connector through its on/off edges.
struct ConnectorFault {
  const FaultSpec* fault = nullptr;
  uint64_t* hits = nullptr;
  Connector* connector = nullptr;
  const PolicySpec* base_policy = nullptr;  // the connector's own policy
  uint64_t mark = 0;  // the connector's counter at the last onset (jobs offered, attempts)
  bool on = false;    // counting: between an onset and the end that follows it
};

class ConnectorFaults {
 public:
  // A stall or storm `fault` on `connector`, whose own policy is `base_policy`; returns the
  // entry, to pass to edge(). REQUIRES: a connector-family fault, all pointers set.
  ConnectorFault& add(const FaultSpec* fault, uint64_t* hits, Connector* connector,
                      const PolicySpec* base_policy);
  // At an on/off edge of the entry's fault (or a rollback ending it early): counts, then sets
  // the connector's worker cap or policy from every fault in force on it at `now`.
  void edge(ConnectorFault& entry, SimTime now);
  // A runbook switched the connector's policy: a storm in force gives way to `policy` at its end.
  void policy_switched(const Connector& connector, const PolicySpec* policy);
  // The run ended: faults still in force count what they held until then.
  void close();

 private:
  void tally(ConnectorFault& entry, SimTime now);
  void update_stall(Connector* connector, SimTime now);
  void update_storm(Connector* connector, const PolicySpec* base_policy, SimTime now);

  std::deque<ConnectorFault> entries_;  // a deque: stable addresses
};

}  // namespace syncdrill::world
