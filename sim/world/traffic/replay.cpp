#include "sim/world/traffic/replay.hpp"

#include "core/engine/check.hpp"

namespace syncdrill {

ReplaySchedule::ReplaySchedule(std::span<const SimTime> times) : times_(times) {
  for (size_t i = 0; i < times_.size(); ++i) {
    SD_CHECK(times_[i].us >= 0, "replay times cannot be negative");
    SD_CHECK(i == 0 || times_[i - 1] <= times_[i], "replay times must not decrease");
  }
}

SimTime ReplaySchedule::next(SimTime horizon) {
  if (cursor_ < times_.size() && times_[cursor_] < horizon) return times_[cursor_++];
  cursor_ = times_.size();
  return kArrivalsEnd;
}

}  // namespace syncdrill
