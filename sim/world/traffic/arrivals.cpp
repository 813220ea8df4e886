#include "sim/world/traffic/arrivals.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/check.hpp"

namespace syncdrill {

ArrivalProcess::ArrivalProcess(double orders_per_s, std::span<const ShapePoint> shape,
                               SimTime horizon)
    : horizon_us_(horizon.us) {
  SD_CHECK(std::isfinite(orders_per_s) && orders_per_s >= 0, "an arrival rate must be >= 0");
  SD_CHECK(horizon.us >= 0, "an arrival horizon cannot be negative");
  for (size_t i = 0; i < shape.size(); ++i) {
    SD_CHECK(shape[i].at.us >= 0, "shape points start at or after the run start");
    SD_CHECK(std::isfinite(shape[i].multiplier) && shape[i].multiplier >= 0,
             "a shape multiplier must be >= 0");
    SD_CHECK(i == 0 || shape[i - 1].at < shape[i].at, "shape point times must increase");
  }
  const double per_us = orders_per_s / 1e6;
  const auto end = static_cast<double>(horizon.us);
  if (shape.empty()) {
    add_piece(0, end, per_us, per_us);
    return;
  }
  const auto at = [&](size_t i) { return static_cast<double>(shape[i].at.us); };
  add_piece(0, at(0), per_us * shape[0].multiplier, per_us * shape[0].multiplier);
  for (size_t i = 0; i + 1 < shape.size(); ++i) {
    add_piece(at(i), at(i + 1), per_us * shape[i].multiplier, per_us * shape[i + 1].multiplier);
  }
  const double last = per_us * shape.back().multiplier;
  add_piece(at(shape.size() - 1), end, last, last);
}

ArrivalProcess::ArrivalProcess(const TrafficSpec& spec, SimTime horizon)
    : ArrivalProcess(spec.orders_per_s, spec.shape, horizon) {}

void ArrivalProcess::add_piece(double begin_us, double end_us, double rate0_per_us,
                               double rate1_per_us) {
  // Clip to [0, horizon): pieces past the horizon never produce arrivals.
  const double horizon = static_cast<double>(horizon_us_);
  const double clipped_end = std::min(end_us, horizon);
  if (clipped_end <= begin_us) return;
  const double slope = (rate1_per_us - rate0_per_us) / (end_us - begin_us);
  pieces_.push_back(Piece{begin_us, clipped_end, rate0_per_us, slope,
                          std::max(rate0_per_us, rate1_per_us), rate0_per_us == rate1_per_us});
}

SimTime ArrivalProcess::next(RandomStream& rng) {
  while (piece_ < pieces_.size()) {
    const Piece& p = pieces_[piece_];
    if (p.envelope_per_us <= 0) {
      clock_us_ = p.end_us;
      ++piece_;
      continue;
    }
    clock_us_ += -std::log(rng.uniform01_open_below()) / p.envelope_per_us;
    if (clock_us_ >= p.end_us) {
      clock_us_ = p.end_us;  // memoryless: restart the envelope process at the boundary
      ++piece_;
      continue;
    }
    if (!p.flat) {
      const double rate = p.rate0_per_us + p.slope_per_us2 * (clock_us_ - p.begin_us);
      if (rng.uniform01() * p.envelope_per_us >= rate) continue;
    }
    const int64_t at_us = std::max(static_cast<int64_t>(std::ceil(clock_us_)), last_us_ + 1);
    if (at_us >= horizon_us_) break;
    last_us_ = at_us;
    return SimTime{at_us};
  }
  piece_ = pieces_.size();
  return kArrivalsEnd;
}

double ArrivalProcess::rate_per_s_at(double t_us) const {
  for (const Piece& p : pieces_) {
    if (t_us >= p.begin_us && t_us < p.end_us)
      return (p.rate0_per_us + p.slope_per_us2 * (t_us - p.begin_us)) * 1e6;
  }
  return 0;
}

double ArrivalProcess::expected_count() const {
  double total = 0;
  for (const Piece& p : pieces_) {
    const double rate1 = p.rate0_per_us + p.slope_per_us2 * (p.end_us - p.begin_us);
    total += (p.rate0_per_us + rate1) / 2 * (p.end_us - p.begin_us);
  }
  return total;
}

}  // namespace syncdrill
