// Stalls and retry storms: what each does to its connector at its edges, and its hits.
#include "sim/world/connector_faults.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/check.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "mocks/fault_window.hpp"

namespace syncdrill::world {

namespace {

// The policy a bad release turns a connector's into: many attempts, at once, whatever the
// server says.
PolicySpec storm_policy(const PolicySpec& base, uint32_t max_attempts) {
  PolicySpec p = base;
  p.retry.max_attempts = max_attempts;
  p.retry.backoff = BackoffKind::none;
  p.retry.base = Duration{};
  p.retry.honour_retry_after = false;
  p.budget.reset();
  p.breaker.reset();
  return p;
}

// What a stall or storm counts as hits: the jobs offered to a stalled connector, the attempts
// of a storming one.
uint64_t fault_counter(const ConnectorFault& b) {
  const ConnectorStats& s = b.connector->stats();
  return b.fault->kind == FaultKind::consumer_stall ? s.jobs_offered : s.attempts;
}

}  // namespace

ConnectorFault& ConnectorFaults::add(const FaultSpec* fault, uint64_t* hits, Connector* connector,
                                     const PolicySpec* base_policy) {
  SD_CHECK(fault != nullptr && hits != nullptr && connector != nullptr && base_policy != nullptr,
           "a connector fault has its fault, hit counter, connector and base policy");
  SD_CHECK(fault->kind == FaultKind::consumer_stall || fault->kind == FaultKind::retry_storm,
           "only stalls and storms act through a connector's edges");
  entries_.push_back(ConnectorFault{fault, hits, connector, base_policy, 0, false});
  return entries_.back();
}

void ConnectorFaults::edge(ConnectorFault& entry, SimTime now) {
  tally(entry, now);
  if (entry.fault->kind == FaultKind::consumer_stall) {
    update_stall(entry.connector, now);
  } else {
    update_storm(entry.connector, entry.base_policy, now);
  }
}

void ConnectorFaults::policy_switched(const Connector& connector, const PolicySpec* policy) {
  SD_CHECK(policy != nullptr, "a switched policy");
  for (ConnectorFault& b : entries_) {
    if (b.connector == &connector) b.base_policy = policy;
  }
}

// At an edge: an onset marks the counter, an end adds what it counted since. Driven by the
// entry's own on/off state, so an edge that changes nothing (the scheduled end of a window a
// rollback already closed) counts nothing.
void ConnectorFaults::tally(ConnectorFault& b, SimTime now) {
  const bool active = fault_active(*b.fault, now);
  if (active && !b.on) {
    b.mark = fault_counter(b);
    b.on = true;
  } else if (!active && b.on) {
    SD_CHECK(fault_counter(b) >= b.mark, "a connector's counters only grow");
    *b.hits += fault_counter(b) - b.mark;
    b.on = false;
  }
}

// The stalls in force on the connector stop the largest share of its workers any one asks for.
void ConnectorFaults::update_stall(Connector* connector, SimTime now) {
  const uint32_t workers = connector->spec().workers;
  uint32_t stopped = 0;
  for (const ConnectorFault& b : entries_) {
    if (b.connector != connector || b.fault->kind != FaultKind::consumer_stall) continue;
    if (!fault_active(*b.fault, now)) continue;
    // The epsilon keeps 7% of 100 at 7 (7.000000000000001 in binary floating point).
    const auto share =
        static_cast<uint32_t>(std::ceil(b.fault->intensity * static_cast<double>(workers) - 1e-9));
    stopped = std::max(stopped, std::min(share, workers));
  }
  SD_CHECK(stopped <= workers, "a stall stops at most every worker");
  connector->set_worker_cap(workers - stopped);
}

// While any storm is in force the connector runs the most aggressive of them; after, its own.
void ConnectorFaults::update_storm(Connector* connector, const PolicySpec* base_policy,
                                   SimTime now) {
  uint32_t attempts = 0;
  for (const ConnectorFault& b : entries_) {
    if (b.connector != connector || b.fault->kind != FaultKind::retry_storm) continue;
    if (!fault_active(*b.fault, now)) continue;
    attempts = std::max(attempts, b.fault->settings_as<RetryStormSettings>().max_attempts);
  }
  SD_CHECK(base_policy != nullptr, "a storm restores the connector's own policy");
  connector->set_policy(attempts > 0 ? storm_policy(*base_policy, attempts) : *base_policy);
}

void ConnectorFaults::close() {
  for (ConnectorFault& b : entries_) {
    if (!b.on) continue;
    SD_CHECK(fault_counter(b) >= b.mark, "a connector's counters only grow");
    *b.hits += fault_counter(b) - b.mark;
    b.mark = fault_counter(b);
  }
}

}  // namespace syncdrill::world
