// The drill's verdict: what the monitors caught, how the response went, and whether each SLA
// tier held. Computed from a run (sim/score, issue 5) and read by every report writer.
//
// Times are simulated; durations in microseconds. Optional fields are empty when the thing did
// not happen (a fault nobody detected has no `detected`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

// One alert episode of a monitor: it started firing at `start` and stopped at `end` (none: still
// firing when the run ended).
struct MonitorFiring {
  SimTime start;
  std::optional<SimTime> end;
  double value = 0;                        // the signal's value at the first firing tick
  std::vector<std::string> attributed_to;  // fault ids; empty = a false positive
};

struct MonitorOutcome {
  std::string name;
  MonitorKind kind = MonitorKind::threshold;
  std::vector<MonitorFiring> firings;
  uint64_t false_positives = 0;  // firings with no fault to blame
};

// A runbook action as it ran.
struct ActionRecord {
  ActionKind kind = ActionKind::run_reconciliation;
  std::string target;
  SimTime at;
  int32_t action = -1;  // index in scenario.response.runbook
};

// What a fault left behind: the damage outstanding in the flows it touched, measured on the
// run's damage series (WorldResult::damage_series) between its onset and its repair (or the end).
struct FaultDamage {
  uint64_t orders_missing = 0;    // channel orders not in the OMS (older than the grace), peak rise
  uint64_t extra_oms_orders = 0;  // duplicate OMS orders not cancelled, peak rise
  uint64_t oversold = 0;          // orders cancelled as oversold in the window
  uint64_t returns_out_of_sync = 0;  // returns not synced (older than the grace), peak rise
  uint64_t unmatched_entries = 0;    // reconciliation's unmatched entries, peak rise
  uint64_t stale_price_lines = 0;    // order lines sold at a stale price in the window
  uint64_t unmapped_states = 0;      // shipment states the mapping could not translate, likewise
  // The value of the missing, duplicated and oversold orders, plus what the stale-price lines
  // were off by (cents).
  int64_t money_minor = 0;
  // Outstanding at the end of the run (what was never repaired), in the same classes.
  uint64_t orders_missing_at_end = 0;
  uint64_t extra_oms_orders_at_end = 0;
  uint64_t returns_out_of_sync_at_end = 0;
  uint64_t unmatched_entries_at_end = 0;
};

// One fault's incident timeline.
struct FaultIncident {
  std::string fault_id;
  SimTime onset;
  SimTime ended;                         // the window's end (or a rollback's time)
  std::optional<SimTime> detected;       // first attributed firing
  std::vector<std::string> detected_by;  // monitors with an attributed firing, first first
  std::optional<SimTime> acknowledged;
  std::vector<ActionRecord> actions;
  // Recovery in two steps (sim/score/recovery.hpp): service restored (the connectors it touched
  // are healthy, held stable), then damage repaired (what it lost, duplicated, oversold or left
  // unmatched is back to the level before the onset). `recovered` is the repair.
  std::optional<SimTime> restored;
  std::optional<SimTime> repaired;
  std::optional<SimTime> recovered;  // == repaired
  std::optional<Duration> mttd;      // detected - onset
  std::optional<Duration> mttr;      // recovered - onset
  std::string recovery_note;         // why it has not recovered, from the data; empty otherwise
  FaultDamage damage;
  bool missed() const { return !detected.has_value(); }
};

// One target of one tier for one flow (and, for per-channel checks, the channel that decided
// it), e.g. freshness p95 of stock_sync on amazon-us <= 600 s.
struct TierCheck {
  // "freshness_p95", "error_rate", "mttd", "mttr", "data_loss", "duplicated", "oversold",
  // "stale_price_lines", "stale_price_amount", "unmapped_rate", "unmatched_end",
  // "unmatched_peak", "dropped" (docs/scenario-format.md, sla_tiers).
  std::string check;
  FlowKind flow = FlowKind::order_ingest;
  std::string channel;  // per-channel checks: the worst channel; empty: the flow as a whole
  std::string subject;  // a fault id for mttd/mttr checks, else empty
  // Seconds for times, a fraction for rates, a count, or money in major units. None: nothing to
  // measure (no_data), or a fault that was missed or never recovered (held is false).
  std::optional<double> actual;
  std::optional<double> merged;  // per-channel checks: the same figure over every channel
  double limit = 0;              // same unit
  std::string unit;              // "s", "ratio", "entities", "orders", "lines", a currency code
  bool held = true;              // true for no_data: a check with nothing to measure is no breach
  bool no_data = false;          // nothing to measure: neither held nor breached
  std::string reason;            // why it failed, or why there is no data; empty when held
};

struct TierVerdict {
  std::string tier;
  std::vector<TierCheck> checks;
  bool held() const {
    for (const TierCheck& c : checks) {
      if (!c.held) return false;
    }
    return true;
  }
  // Every check lacked data (or there is none): the tier held nothing to account for.
  bool no_data() const {
    for (const TierCheck& c : checks) {
      if (!c.no_data) return false;
    }
    return true;
  }
};

// Per fault cause (release, third_party, data_model, capacity): what the faults of that cause
// did, summed over them (sim/score/causes.cpp).
struct CauseSummary {
  FaultCause cause = FaultCause::third_party;
  std::vector<std::string> faults;   // fault ids, scenario order
  uint64_t errors = 0;               // requests, deliveries, events, jobs the faults acted on
  uint64_t orders_missing_peak = 0;  // orders missing from the OMS at once (lost or held up)
  uint64_t orders_duplicated = 0;    // peak extra OMS orders
  uint64_t orders_oversold = 0;
  uint64_t stale_price_lines = 0;
  // The value of those orders and what the stale-price lines were off by (cents of the
  // scenario's currency).
  int64_t money_minor = 0;
};

struct Score {
  std::vector<MonitorOutcome> monitors;
  // What the drill cannot see or did not do, in sentences: a fault no monitor can observe, a
  // monitor with nothing in its scope, reconciliation dropping work on a full queue.
  std::vector<std::string> warnings;
  std::vector<CauseSummary> causes;      // one per cause with at least one fault, enum order
  std::vector<FaultIncident> incidents;  // one per scenario fault, in scenario order
  std::vector<TierVerdict> tiers;        // one per scenario tier, in scenario order
  bool scored = false;                   // false: the scenario has no tiers (verdict not_scored)
  bool held() const {
    for (const TierVerdict& t : tiers) {
      if (!t.held()) return false;
    }
    return true;
  }
};

}  // namespace syncdrill
