// ReplaySchedule: a traffic entry's order arrivals replayed from the times its scenario holds
// (ReplaySpec::times, parsed from the CSV by the loader: core/scenario/replay.hpp), instead of
// drawn from the Poisson model (ArrivalProcess).
//
// A cursor over those times: next() hands them out in order, equal times included (rows with
// one timestamp replay at one instant), until the horizon. It draws no randomness and does not
// own the times: the scenario must outlive it (as it outlives the world).
//
// Thread-compatible. Deterministic.
#pragma once

#include <cstddef>
#include <span>

#include "core/engine/time.hpp"
#include "sim/world/traffic/arrivals.hpp"

namespace syncdrill {

class ReplaySchedule {
 public:
  // REQUIRES: times non-decreasing and >= 0.
  explicit ReplaySchedule(std::span<const SimTime> times);

  std::span<const SimTime> times() const { return times_; }
  size_t size() const { return times_.size(); }

  // The next replay time if it is before `horizon`, else kArrivalsEnd from then on.
  SimTime next(SimTime horizon);

 private:
  std::span<const SimTime> times_;
  size_t cursor_ = 0;
};

}  // namespace syncdrill
