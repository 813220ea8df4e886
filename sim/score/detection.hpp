// Detection scoring: which fault each monitor firing belongs to, each fault's MTTD (or that it
// was missed), false positives, and the SLA tier checks a finished run can decide.
//
// Attribution. A firing is attributed to every fault that
//   - touches a connector the monitor watches (WorldResult::fault_connectors and
//     monitor_watched in sim/world/fault_reach.hpp: the connectors it reads, following the call
//     graph; a reconciliation monitor also watches the data the order ingest and returns
//     connectors write, so it shares their faults), and
//   - was in its window when the firing started, or had ended at most a grace period before:
//     kDetectionGrace, or for a reconciliation monitor its connector's interval (the drift a
//     fault left is found by the next run).
// MTTD = the first attributed firing's start - the fault's onset. A firing with no fault to
// blame is a false positive; a fault with no attributed firing is missed.
//
// Warnings: Score::warnings gets observability_warnings (sim/world/fault_reach.hpp), the faults
// no monitor can see and the monitors that watch nothing.
//
// Then recovery (recovery.hpp), the tier checks (tier_checks.hpp), the run's warnings and the
// failures by cause (causes.hpp).
#pragma once

#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

inline constexpr Duration kDetectionGrace = minutes(5);

Score score_run(const Scenario& scenario, const WorldResult& result);

}  // namespace syncdrill
