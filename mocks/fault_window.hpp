// When a fault is in force: inside its window [at, at + for) and, when it flaps, inside an "on"
// phase (on for `on`, off for `off`, repeating from `at`).
#pragma once

#include <algorithm>
#include <optional>

#include "core/engine/check.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

// The loader's guarantees these rely on: a window of positive length, flap phases above 0.
inline void check_fault_window(const FaultSpec& fault) {
  SD_CHECK(fault.length > Duration{}, "a fault's window has a positive length");
  SD_CHECK(!fault.flap || (fault.flap->on > Duration{} && fault.flap->off > Duration{}),
           "a flapping fault's on and off phases are positive");
}

inline bool fault_active(const FaultSpec& fault, SimTime t) {
  const Duration since = t - (SimTime{} + fault.at);
  if (since < Duration{} || since >= fault.length) return false;
  if (!fault.flap) return true;
  check_fault_window(fault);
  const int64_t cycle_us = fault.flap->on.us + fault.flap->off.us;
  return since.us % cycle_us < fault.flap->on.us;
}

// The first time after `t` at which fault_active(fault, .) changes, or none when it never does
// again. Before the window that is the onset; a flapping fault changes at each phase boundary;
// the window's end is the last edge.
inline std::optional<SimTime> next_fault_edge(const FaultSpec& fault, SimTime t) {
  const SimTime start = SimTime{} + fault.at;
  const SimTime stop = start + fault.length;
  if (t < start) return start;
  if (t >= stop) return std::nullopt;
  if (!fault.flap) return stop;
  check_fault_window(fault);
  const int64_t cycle_us = fault.flap->on.us + fault.flap->off.us;
  const int64_t phase_us = (t - start).us % cycle_us;
  if (phase_us < fault.flap->on.us) {
    return std::min(t + microseconds(fault.flap->on.us - phase_us), stop);
  }
  // Off: the next change is the next on phase, if it starts inside the window at all.
  const SimTime next_on = t + microseconds(cycle_us - phase_us);
  if (next_on >= stop) return std::nullopt;
  return next_on;
}

}  // namespace syncdrill
