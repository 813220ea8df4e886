// When a fault is in force: inside its window [at, at + for) and, when it flaps, inside an "on"
// phase (on for `on`, off for `off`, repeating from `at`).
#pragma once

#include "sim/engine/time.hpp"
#include "sim/scenario/scenario.hpp"

namespace syncdrill {

inline bool fault_active(const FaultSpec& fault, SimTime t) {
  const Duration since = t - (SimTime{} + fault.at);
  if (since < Duration{} || since >= fault.length) return false;
  if (!fault.flap) return true;
  const int64_t cycle_us = fault.flap->on.us + fault.flap->off.us;
  return since.us % cycle_us < fault.flap->on.us;
}

}  // namespace syncdrill
