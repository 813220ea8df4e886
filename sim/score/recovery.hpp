// Recovery and response per fault, from a finished run's series and response log.
//
// Recovery. After the fault ends (its window, or a rollback), a sample interval of the run's
// series (1 minute) is healthy for the fault when every connector it touches
//   - has its backlog drained: queue depth at most the largest it had in the 10 samples before
//     the onset;
//   - dead-letters nothing new, and holds no more dead letters than before the onset (what the
//     fault dead-lettered was replayed: the drift is cleared);
//   - fails at most its flow's tier error_rate_max of its attempts in the interval (without a
//     tier target: at most its own failure ratio over the 10 samples before the onset, plus 0.5
//     percentage point);
// and, for flows whose tier sets freshness_p95, the p95 sync delay delivered on the channels
// those connectors serve is within the target. Service is *restored* at the first sample of the
// first run of healthy samples lasting response.stable_for, at or after the fault ended.
//
// Damage. The fault's damage is *repaired* at the first sample at or after the restoration that
// starts a run of response.stable_for samples in which the damage of the flows it touched
// (WorldResult::damage) is no worse than before the onset (the 10 samples before it):
//   order_ingest, reconciliation   orders missing from the OMS, duplicate OMS orders not
//                                  cancelled: at most their most before the onset;
//   returns                        returns not synced: likewise;
//   stock_sync, price_sync,        oversells, stale-price lines, unmapped states (running
//   fulfillment                    totals): risen per sample at most as much as before.
// Whatever repaired it counts: reconciliation, a runbook action, the connectors' own retries.
// Reconciliation's unmatched count is not used: it is refreshed only when reconciliation runs,
// and would hold the repair back to its next run.
//
// The fault has recovered when its damage is repaired; MTTR = repaired - onset, measured on the
// series' 1-minute samples: it may be up to one sample late, never early. A fault that never
// recovered gets a recovery_note saying what was still wrong at the end. Its damage
// (FaultIncident::damage) is measured from the onset to the repair, or to the end.
//
// Response. A detected fault is acknowledged at the first acknowledgement at or after its
// detection, or at its detection when on-call had already acknowledged an incident still open;
// its actions are the runbook actions that ran from then until it recovered (or the end).
#pragma once

#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

// Fills restored, repaired, recovered/mttr, recovery_note, damage, acknowledged and actions of
// each incident (detection already scored).
void score_response(const Scenario& scenario, const WorldResult& result, Score& score);

}  // namespace syncdrill
