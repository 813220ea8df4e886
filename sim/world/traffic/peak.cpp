#include "sim/world/traffic/peak.hpp"

#include <algorithm>
#include <vector>

#include "mocks/fault_window.hpp"

namespace syncdrill {

namespace {

// The replay's mean rate in orders per second over the fault's window inside the run.
double replay_rate_per_s(const ReplaySpec& replay, const FaultSpec& peak, SimTime horizon) {
  const SimTime start = SimTime{} + peak.at;
  const SimTime stop = std::min(start + peak.length, horizon);
  if (stop <= start) return 0;
  const auto first = std::lower_bound(replay.times.begin(), replay.times.end(), start);
  const auto last = std::lower_bound(replay.times.begin(), replay.times.end(), stop);
  return static_cast<double>(last - first) / (stop - start).seconds();
}

}  // namespace

ArrivalProcess peak_arrivals(const TrafficSpec& spec, const FaultSpec& peak, SimTime horizon) {
  const double extra = peak.settings_as<PeakTrafficSettings>().multiplier - 1;
  std::vector<ShapePoint> shape;
  double base_per_s = 0;
  std::optional<ArrivalProcess> base;
  if (spec.replay) {
    base_per_s = replay_rate_per_s(*spec.replay, peak, horizon);
  } else {
    base.emplace(spec, horizon);
  }
  // The entry's rate at t, in orders per second.
  auto rate_at = [&](SimTime t) {
    return base ? base->rate_per_s_at(static_cast<double>(t.us)) : base_per_s;
  };
  auto add = [&](SimTime t, double per_s) {
    if (!shape.empty() && shape.back().at >= t - SimTime{}) return;
    shape.push_back(ShapePoint{t - SimTime{}, per_s});
  };
  const SimTime stop = SimTime{} + peak.at + peak.length;
  std::optional<SimTime> on = SimTime{} + peak.at;
  while (on && *on < stop && *on < horizon) {
    const std::optional<SimTime> off = next_fault_edge(peak, *on);
    const SimTime end = off ? *off : stop;
    if (*on > SimTime{}) add(*on - microseconds(1), 0);
    add(*on, extra * rate_at(*on));
    // The entry's own shape points inside the phase keep the extra rate proportional.
    for (const ShapePoint& p : spec.shape) {
      const SimTime t = SimTime{} + p.at;
      if (t > *on && t < end - microseconds(1)) add(t, extra * rate_at(t));
    }
    add(end - microseconds(1), extra * rate_at(end - microseconds(1)));
    add(end, 0);
    on = off ? next_fault_edge(peak, *off) : std::nullopt;
  }
  if (shape.empty()) shape.push_back(ShapePoint{Duration{}, 0});
  return ArrivalProcess(1.0, shape, horizon);
}

}  // namespace syncdrill
