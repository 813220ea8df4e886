// Failures by cause (the playbook's release, third_party, data_model, capacity): per cause, its
// faults, what they acted on and the damage they left (FaultIncident::damage, measured between
// each fault's onset and its repair or the end). Faults that overlap each count what happened
// in their own window, so two causes can share an order.
#pragma once

#include <vector>

#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

// One summary per cause that has at least one fault, in FaultCause order.
std::vector<CauseSummary> summarize_causes(const Scenario& scenario, const WorldResult& result,
                                           const std::vector<FaultIncident>& incidents);

// What the run did that the drill should not rely on, in sentences: a connector the world never
// ran, a fault that acted on nothing, reconciliation dropping repair jobs on a full queue.
std::vector<std::string> run_warnings(const Scenario& scenario, const WorldResult& result);

}  // namespace syncdrill
