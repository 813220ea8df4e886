// The extra customers of a peak_traffic fault, as a Poisson process of their own superposed on
// the traffic entry's: at rate (multiplier - 1) x the entry's rate while the fault is on, 0 when
// it is off. Superposition keeps the entry's own arrivals untouched (common random numbers), and
// the sum is the Poisson process at multiplier x the rate that the fault describes.
//
// The on phases become steps in the shape, 1 us wide (shape times must strictly increase); the
// caller skips arrivals that fall outside an on phase, so the rounding never adds an order.
// A replayed entry has no model rate: the extra process runs at the replay's mean rate inside
// the fault's window.
#pragma once

#include "core/scenario/scenario.hpp"
#include "sim/world/traffic/arrivals.hpp"

namespace syncdrill {

ArrivalProcess peak_arrivals(const TrafficSpec& spec, const FaultSpec& peak, SimTime horizon);

}  // namespace syncdrill
