#include "core/engine/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "core/engine/check.hpp"

namespace syncdrill {

namespace {

// The 95th percentile of the standard normal distribution.
constexpr double kZ95 = 1.6448536269514722;

double standard_normal(RandomStream& rng) {
  // Box-Muller, using one of the pair: keeps the stream stateless between samples, so the
  // number of draws per sample is always exactly two.
  const double u1 = rng.uniform01_open_below();
  const double u2 = rng.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

Distribution Distribution::constant(double value) {
  return {Kind::constant, value, 0};
}

Distribution Distribution::uniform(double low, double high) {
  SD_CHECK(low <= high, "uniform needs low <= high");
  return {Kind::uniform, low, high};
}

Distribution Distribution::exponential(double mean) {
  SD_CHECK(mean > 0, "exponential needs a positive mean");
  return {Kind::exponential, mean, 0};
}

Distribution Distribution::normal(double mean, double stddev) {
  SD_CHECK(stddev >= 0, "normal needs stddev >= 0");
  return {Kind::normal, mean, stddev};
}

Distribution Distribution::lognormal_p50_p95(double p50, double p95) {
  SD_CHECK(p50 > 0 && p50 < p95, "lognormal needs 0 < p50 < p95");
  const double mu = std::log(p50);
  return {Kind::lognormal, mu, (std::log(p95) - mu) / kZ95};
}

Distribution Distribution::pareto(double scale, double shape) {
  SD_CHECK(scale > 0 && shape > 0, "pareto needs positive scale and shape");
  return {Kind::pareto, scale, shape};
}

Distribution Distribution::empirical(std::vector<double> points) {
  SD_CHECK(!points.empty(), "empirical needs at least one point");
  std::sort(points.begin(), points.end());
  Distribution d{Kind::empirical, 0, 0};
  d.points_ = std::move(points);
  return d;
}

double Distribution::sample(RandomStream& rng) const {
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::uniform:
      return a_ + (b_ - a_) * rng.uniform01();
    case Kind::exponential:
      return -a_ * std::log(rng.uniform01_open_below());
    case Kind::normal:
      return a_ + b_ * standard_normal(rng);
    case Kind::lognormal:
      return std::exp(a_ + b_ * standard_normal(rng));
    case Kind::pareto:
      return a_ / std::pow(rng.uniform01_open_below(), 1.0 / b_);
    case Kind::empirical:
      return quantile(rng.uniform01());
  }
  SD_CHECK(false, "unknown distribution kind");
}

Duration Distribution::sample_duration(RandomStream& rng) const {
  const double us = sample(rng);
  // 2^62 us is ~146,000 years; a heavy Pareto tail must not overflow int64.
  constexpr double kMaxUs = 4.6e18;
  if (!(us > 0)) return Duration{0};
  return Duration{static_cast<int64_t>(std::llround(std::min(us, kMaxUs)))};
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::uniform:
      return (a_ + b_) / 2;
    case Kind::exponential:
      return a_;
    case Kind::normal:
      return a_;
    case Kind::lognormal:
      return std::exp(a_ + b_ * b_ / 2);
    case Kind::pareto:
      return b_ <= 1 ? std::numeric_limits<double>::infinity() : b_ * a_ / (b_ - 1);
    case Kind::empirical: {
      // Mean of the piecewise-linear quantile function: trapezoids between the points.
      if (points_.size() == 1) return points_[0];
      double sum = 0;
      for (size_t i = 0; i + 1 < points_.size(); ++i)
        sum += (points_[i] + points_[i + 1]) / 2;
      return sum / static_cast<double>(points_.size() - 1);
    }
  }
  SD_CHECK(false, "unknown distribution kind");
}

double Distribution::quantile(double p) const {
  SD_CHECK(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1");
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::uniform:
      return a_ + (b_ - a_) * p;
    case Kind::exponential:
      return -a_ * std::log1p(-p);
    case Kind::normal:
      return a_ + b_ * standard_normal_quantile(p);
    case Kind::lognormal:
      return std::exp(a_ + b_ * standard_normal_quantile(p));
    case Kind::pareto:
      return a_ / std::pow(1 - p, 1.0 / b_);
    case Kind::empirical: {
      const double pos = p * static_cast<double>(points_.size() - 1);
      const auto i = static_cast<size_t>(pos);
      if (i + 1 >= points_.size()) return points_.back();
      const double frac = pos - static_cast<double>(i);
      return points_[i] + (points_[i + 1] - points_[i]) * frac;
    }
  }
  SD_CHECK(false, "unknown distribution kind");
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::constant:
      return fmt::format("constant({:g})", a_);
    case Kind::uniform:
      return fmt::format("uniform(min={:g}, max={:g})", a_, b_);
    case Kind::exponential:
      return fmt::format("exponential(mean={:g})", a_);
    case Kind::normal:
      return fmt::format("normal(mean={:g}, sd={:g})", a_, b_);
    case Kind::lognormal:
      return fmt::format("lognormal(p50={:g}, p95={:g})", quantile(0.5), quantile(0.95));
    case Kind::pareto:
      return fmt::format("pareto(scale={:g}, shape={:g})", a_, b_);
    case Kind::empirical:
      return fmt::format("empirical({} points)", points_.size());
  }
  SD_CHECK(false, "unknown distribution kind");
}

double standard_normal_quantile(double p) {
  SD_CHECK(p >= 0 && p <= 1, "standard_normal_quantile needs 0 <= p <= 1");
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  // Acklam's coefficients.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (p < p_low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley refinement step against the exact CDF.
  const double e = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

}  // namespace syncdrill
