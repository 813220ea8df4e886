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

#include "sim/engine/time.hpp"
#include "sim/scenario/scenario.hpp"

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

// One fault's incident timeline.
struct FaultIncident {
  std::string fault_id;
  SimTime onset;
  SimTime ended;                         // the window's end (or a rollback's time)
  std::optional<SimTime> detected;       // first attributed firing
  std::vector<std::string> detected_by;  // monitors with an attributed firing, first first
  std::optional<SimTime> acknowledged;
  std::vector<ActionRecord> actions;
  std::optional<SimTime> recovered;  // flows back inside their targets, held stable
  std::optional<Duration> mttd;      // detected - onset
  std::optional<Duration> mttr;      // recovered - onset
  bool missed() const { return !detected.has_value(); }
};

// One target of one tier for one flow, e.g. freshness p95 of stock_sync <= 60 s.
struct TierCheck {
  std::string check;  // "freshness_p95", "error_rate", "mttd", "mttr", "data_loss"
  FlowKind flow = FlowKind::order_ingest;
  std::string subject;  // a fault id for mttd/mttr checks, else empty
  double actual = 0;    // seconds for times, a fraction for error rates, a count for losses
  double limit = 0;     // same unit
  std::string unit;     // "s", "ratio", "entities"
  bool held = true;
  std::string reason;  // why it failed, in a sentence; empty when held
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
};

struct Score {
  std::vector<MonitorOutcome> monitors;
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
