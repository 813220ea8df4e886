#include "sim/world/rate_shape.hpp"

#include <algorithm>

#include "core/engine/check.hpp"

namespace syncdrill {

RateShape::RateShape(std::vector<std::pair<Duration, double>> points) : points_(std::move(points)) {
  for (size_t i = 1; i < points_.size(); ++i) {
    SD_CHECK(points_[i - 1].first < points_[i].first, "shape point times must increase");
  }
  if (points_.empty()) return;
  max_multiplier_ = 0;
  for (const auto& [at, m] : points_) {
    SD_CHECK(m >= 0, "a shape multiplier cannot be negative");
    max_multiplier_ = std::max(max_multiplier_, m);
  }
}

double RateShape::multiplier_at(SimTime t) const {
  if (points_.empty()) return 1.0;
  if (t.us <= points_.front().first.us) return points_.front().second;
  if (t.us >= points_.back().first.us) return points_.back().second;
  // First point strictly after t; the segment is [it - 1, it].
  const auto it = std::upper_bound(points_.begin(), points_.end(), t.us,
                                   [](int64_t us, const auto& p) { return us < p.first.us; });
  const auto& [t1, m1] = *it;
  const auto& [t0, m0] = *(it - 1);
  const double span = static_cast<double>(t1.us - t0.us);
  return m0 + (m1 - m0) * static_cast<double>(t.us - t0.us) / span;
}

double RateShape::integral_seconds(SimTime end) const {
  if (points_.empty()) return end.seconds();
  // Trapezoids between breakpoints clipped to [0, end), plus the flat parts before and after.
  std::vector<int64_t> cuts{0, end.us};
  for (const auto& p : points_) {
    if (p.first.us > 0 && p.first.us < end.us) cuts.push_back(p.first.us);
  }
  std::sort(cuts.begin(), cuts.end());
  double total = 0;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double m0 = multiplier_at(SimTime{cuts[i]});
    const double m1 = multiplier_at(SimTime{cuts[i + 1]});
    total += (m0 + m1) / 2 * static_cast<double>(cuts[i + 1] - cuts[i]) / 1e6;
  }
  return total;
}

}  // namespace syncdrill
