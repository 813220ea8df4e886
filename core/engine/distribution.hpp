// Probability distributions sampled from a RandomStream.
//
// These are our own formulas on our own generator: standard-library distributions differ between
// implementations and would break replay. A Distribution is a small value built once (when a
// scenario loads) and sampled on the hot path without allocating.
//
// Values are plain doubles in the unit of the quantity they describe; durations are in
// microseconds (see sample_duration). Parameters are validated by the factory functions' callers
// (the scenario loader reports bad ones to the user); the factories only SD_CHECK them.
#pragma once

#include <string>
#include <vector>

#include "core/engine/random.hpp"
#include "core/engine/time.hpp"

namespace syncdrill {

class Distribution {
 public:
  enum class Kind { constant, uniform, exponential, normal, lognormal, pareto, empirical };

  // Always `value`.
  static Distribution constant(double value);
  // Uniform on [low, high). REQUIRES: low <= high.
  static Distribution uniform(double low, double high);
  // Exponential with the given mean. REQUIRES: mean > 0.
  static Distribution exponential(double mean);
  // Normal (Gaussian). REQUIRES: stddev >= 0.
  static Distribution normal(double mean, double stddev);
  // Lognormal given by its median and 95th percentile, the way people describe latency.
  // REQUIRES: 0 < p50 < p95.
  static Distribution lognormal_p50_p95(double p50, double p95);
  // Pareto (type I) with minimum `scale` and tail index `shape`. REQUIRES: scale > 0, shape > 0.
  static Distribution pareto(double scale, double shape);
  // Piecewise-linear inverse CDF through the given points, taken as evenly spaced quantiles
  // (the smallest is the 0th percentile, the largest the 100th). REQUIRES: at least one point.
  static Distribution empirical(std::vector<double> points);

  double sample(RandomStream& rng) const;

  // A sampled duration, rounded to whole microseconds and never negative (a normal latency can
  // otherwise dip below zero).
  Duration sample_duration(RandomStream& rng) const;

  // The theoretical mean; infinity for a Pareto with shape <= 1.
  double mean() const;
  // The theoretical p-quantile, 0 <= p <= 1 (p < 1 for unbounded kinds).
  double quantile(double p) const;

  Kind kind() const { return kind_; }
  // A canonical spelling, e.g. "lognormal(p50=200ms, p95=2s)" in microsecond units as numbers.
  std::string describe() const;

 private:
  Distribution(Kind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}

  Kind kind_;
  // Meaning by kind: constant(a), uniform(a=low, b=high), exponential(a=mean),
  // normal(a=mean, b=stddev), lognormal(a=mu, b=sigma of the underlying normal),
  // pareto(a=scale, b=shape), empirical(points_).
  double a_ = 0;
  double b_ = 0;
  std::vector<double> points_;
};

// The standard normal quantile function (inverse CDF), accurate to about 1e-9 (Acklam's
// rational approximation refined by one Halley step). Used for lognormal parameters and tests.
double standard_normal_quantile(double p);

}  // namespace syncdrill
