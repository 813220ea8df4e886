// ArrivalProcess tests: arrival counts from fixed seeds in windows of simulated time against the
// integral of the rate (RateShape, computed independently), each within 5 Poisson standard
// errors sqrt(expected); the index of dispersion of flat-rate counts against 1 (Poisson); and
// the contract on times (strictly increasing, before the horizon, then the end marker).
#include "sim/world/traffic/arrivals.hpp"

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "sim/world/rate_shape.hpp"

namespace syncdrill {
namespace {

constexpr double kMaxZ = 5.0;

std::vector<SimTime> all_arrivals(ArrivalProcess& p, RandomStream& rng) {
  std::vector<SimTime> out;
  for (SimTime t = p.next(rng); t != kArrivalsEnd; t = p.next(rng))
    out.push_back(t);
  return out;
}

RateShape rate_shape(const std::vector<ShapePoint>& points) {
  std::vector<std::pair<Duration, double>> pairs;
  for (const ShapePoint& p : points)
    pairs.emplace_back(p.at, p.multiplier);
  return RateShape(std::move(pairs));
}

int64_t count_in(const std::vector<SimTime>& times, SimTime begin, SimTime end) {
  int64_t n = 0;
  for (const SimTime t : times)
    n += (t >= begin && t < end) ? 1 : 0;
  return n;
}

TEST_CASE("flat-rate arrival counts are Poisson with mean rate x window") {
  constexpr double kRate = 50;
  constexpr int kWindows = 1000;  // one second each
  ArrivalProcess p(kRate, {}, SimTime{} + seconds(kWindows));
  RandomStream rng(1, "arrivals/flat");
  const auto times = all_arrivals(p, rng);
  std::vector<double> counts(kWindows, 0);
  for (const SimTime t : times)
    counts[static_cast<size_t>(t.us / 1'000'000)] += 1;
  const double expected_total = kRate * kWindows;
  CHECK(std::abs(static_cast<double>(times.size()) - expected_total) <
        kMaxZ * std::sqrt(expected_total));
  // Index of dispersion (variance / mean) is 1 for Poisson counts; its standard error over W
  // windows is about sqrt(2 / (W - 1)).
  double mean = 0;
  for (const double c : counts)
    mean += c / kWindows;
  double variance = 0;
  for (const double c : counts)
    variance += (c - mean) * (c - mean) / (kWindows - 1);
  CHECK(std::abs(variance / mean - 1) < kMaxZ * std::sqrt(2.0 / (kWindows - 1)));
}

TEST_CASE("shaped arrival counts match the integral of the rate in every window") {
  // A campaign: ramp from 0.5x to 4x, hold, a 20x flash spike, decay to 1x, then flat.
  const std::vector<ShapePoint> shape{{seconds(0), 0.5},  {seconds(600), 4}, {seconds(700), 4},
                                      {seconds(710), 20}, {seconds(720), 4}, {seconds(1800), 1}};
  constexpr double kRate = 10;
  const SimTime horizon = SimTime{} + seconds(3600);
  const RateShape reference = rate_shape(shape);
  ArrivalProcess p(kRate, shape, horizon);
  CHECK(p.expected_count() ==
        doctest::Approx(kRate * reference.integral_seconds(horizon)).epsilon(1e-9));
  RandomStream rng(2, "arrivals/shaped");
  const auto times = all_arrivals(p, rng);
  const std::vector<int64_t> cuts_s{0, 300, 600, 700, 705, 710, 715, 720, 1200, 1800, 3600};
  for (size_t i = 0; i + 1 < cuts_s.size(); ++i) {
    const SimTime a = SimTime{} + seconds(cuts_s[i]);
    const SimTime b = SimTime{} + seconds(cuts_s[i + 1]);
    const double expected = kRate * (reference.integral_seconds(b) - reference.integral_seconds(a));
    const auto observed = static_cast<double>(count_in(times, a, b));
    CAPTURE(cuts_s[i]);
    CAPTURE(expected);
    CHECK(std::abs(observed - expected) < kMaxZ * std::sqrt(expected));
  }
}

TEST_CASE("the modelled arrival rate is the rate shape times the baseline") {
  const std::vector<ShapePoint> shape{{seconds(10), 2}, {seconds(20), 0}, {seconds(35), 3}};
  const RateShape reference = rate_shape(shape);
  const ArrivalProcess p(4, shape, SimTime{} + seconds(60));
  for (int64_t t_ms = 0; t_ms < 60'000; t_ms += 250) {
    const SimTime t{t_ms * 1000};
    CAPTURE(t_ms);
    CHECK(p.rate_per_s_at(static_cast<double>(t.us)) ==
          doctest::Approx(4 * reference.multiplier_at(t)).epsilon(1e-12));
  }
  CHECK(p.rate_per_s_at(60e6) == 0);
}

TEST_CASE("arrival times strictly increase, stay before the horizon, then end for good") {
  const SimTime horizon = SimTime{} + seconds(1);
  // 300,000 per second: about a quarter of arrivals share a microsecond with the one before
  // and must be nudged apart.
  ArrivalProcess p(3e5, {}, horizon);
  RandomStream rng(3, "arrivals/strict");
  SimTime last{-1};
  int64_t n = 0;
  for (SimTime t = p.next(rng); t != kArrivalsEnd; t = p.next(rng)) {
    REQUIRE(t > last);
    REQUIRE(t < horizon);
    last = t;
    ++n;
  }
  // Nudges only delay arrivals (a few spill past the horizon), never drop or add any.
  CHECK(n > 300'000 - 5 * std::sqrt(300'000.0) - 10);
  CHECK(n < 300'000 + 5 * std::sqrt(300'000.0));
  CHECK(p.next(rng) == kArrivalsEnd);
  CHECK(p.next(rng) == kArrivalsEnd);
}

TEST_CASE("no arrivals where the shape is zero or the rate is zero") {
  // Zero before 100 s and after 300 s.
  const std::vector<ShapePoint> shape{{seconds(100), 0}, {seconds(200), 5}, {seconds(300), 0}};
  ArrivalProcess p(2, shape, SimTime{} + seconds(1000));
  RandomStream rng(4, "arrivals/zero");
  const auto times = all_arrivals(p, rng);
  CHECK(!times.empty());
  for (const SimTime t : times) {
    REQUIRE(t > SimTime{} + seconds(100));
    REQUIRE(t < SimTime{} + seconds(300));
  }
  ArrivalProcess idle(0, {}, SimTime{} + hours(1));
  CHECK(idle.next(rng) == kArrivalsEnd);
  CHECK(idle.expected_count() == 0);
  ArrivalProcess no_time(100, {}, SimTime{});
  CHECK(no_time.next(rng) == kArrivalsEnd);
}

TEST_CASE("arrival processes from a traffic spec replay exactly from the same seed") {
  TrafficSpec spec;
  spec.orders_per_s = 25;
  spec.shape = {{minutes(1), 1}, {minutes(2), 6}, {minutes(3), 1}};
  const SimTime horizon = SimTime{} + minutes(10);
  ArrivalProcess a(spec, horizon);
  ArrivalProcess b(spec, horizon);
  RandomStream r1(5, "traffic/shop");
  RandomStream r2(5, "traffic/shop");
  const auto ta = all_arrivals(a, r1);
  const auto tb = all_arrivals(b, r2);
  CHECK(ta == tb);
  CHECK(ta.size() > 10'000);
}

}  // namespace
}  // namespace syncdrill
