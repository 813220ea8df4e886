// A traffic shape: the multiplier on a baseline rate over simulated time.
//
// Points (at, multiplier) are joined by straight lines, so a ramp is two points, a hold is two
// points with the same multiplier and a flash spike is a narrow triangle. Before the first point
// the first multiplier holds; after the last point the last one holds. No points means a flat 1.
#pragma once

#include <utility>
#include <vector>

#include "core/engine/time.hpp"

namespace syncdrill {

class RateShape {
 public:
  RateShape() = default;
  // REQUIRES: point times strictly increasing, multipliers >= 0.
  explicit RateShape(std::vector<std::pair<Duration, double>> points);

  double multiplier_at(SimTime t) const;
  // The largest multiplier anywhere: the envelope for thinning.
  double max_multiplier() const { return max_multiplier_; }
  // The integral of the multiplier over [0, end), in seconds: expected arrivals per unit rate.
  double integral_seconds(SimTime end) const;

 private:
  std::vector<std::pair<Duration, double>> points_;
  double max_multiplier_ = 1.0;
};

}  // namespace syncdrill
