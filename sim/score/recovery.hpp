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
// those connectors serve is within the target. The fault has recovered at the first sample of
// the first run of healthy samples lasting response.stable_for, at or after it ended; it has
// not recovered when no such run fits before the end. MTTR = recovered - onset, measured on the
// series' 1-minute samples: it may be up to one sample late, never early.
//
// Response. A detected fault is acknowledged at the first acknowledgement at or after its
// detection, or at its detection when on-call had already acknowledged an incident still open;
// its actions are the runbook actions that ran from then until it recovered (or the end).
#pragma once

#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

// Fills recovered/mttr, acknowledged and actions of each incident (detection already scored).
void score_response(const Scenario& scenario, const WorldResult& result, Score& score);

}  // namespace syncdrill
