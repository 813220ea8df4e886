// Distribution tests: theoretical mean() and quantile() against closed forms, and samples from
// fixed seeds against theory, each within 5 standard errors computed from the sample size.
//
// Why 5 standard errors: every statistic checked here (a sample mean, a sample variance, a sample
// quantile) is asymptotically normal at 200,000 samples, so a correct sampler lands outside
// +-5 SE with probability about 6e-7 per check; the seeds are fixed, so a run either always
// passes or always fails. At this size 5 SE is still tight enough to catch real mistakes: the
// "negative controls" test below shows a 2% error in a mean or a 3% error in a p95 failing.
#include "core/engine/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr size_t kSamples = 200'000;
constexpr double kMaxZ = 5.0;
// Standard normal quantiles, computed independently to 30 digits (mpmath: sqrt(2) erfinv(2p-1)).
constexpr double kZ50 = 0.0;
constexpr double kZ95 = 1.6448536269514727;

double normal_pdf(double z) {
  return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi);
}
double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

struct SampleStats {
  std::vector<double> sorted;
  double mean = 0;
  double variance = 0;  // with divisor n; the 1/n bias is far below the tolerance
  double m4 = 0;        // fourth central moment
  size_t n() const { return sorted.size(); }
  // The order statistic at rank floor(p (n-1)): within 1/n in probability of the p-quantile.
  double quantile(double p) const {
    return sorted[static_cast<size_t>(p * static_cast<double>(sorted.size() - 1))];
  }
};

SampleStats draw(const Distribution& d, const char* stream_name, size_t n = kSamples) {
  RandomStream rng(20240601, stream_name);
  SampleStats s;
  s.sorted.reserve(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    s.sorted.push_back(d.sample(rng));
    sum += s.sorted.back();
  }
  s.mean = sum / static_cast<double>(n);
  double sum2 = 0;
  double sum4 = 0;
  for (const double x : s.sorted) {
    const double d2 = (x - s.mean) * (x - s.mean);
    sum2 += d2;
    sum4 += d2 * d2;
  }
  s.variance = sum2 / static_cast<double>(n);
  s.m4 = sum4 / static_cast<double>(n);
  std::sort(s.sorted.begin(), s.sorted.end());
  return s;
}

// The sample mean has standard error sqrt(sigma^2 / n) (needs a finite variance).
double mean_z(const SampleStats& s, double mean, double variance) {
  return (s.mean - mean) / std::sqrt(variance / static_cast<double>(s.n()));
}

// The sample variance has standard error sqrt((mu4 - sigma^4) / n) (needs a finite fourth
// moment); mu4 and sigma^4 are estimated from the sample itself.
double variance_z(const SampleStats& s, double variance) {
  return (s.variance - variance) /
         std::sqrt((s.m4 - s.variance * s.variance) / static_cast<double>(s.n()));
}

// A sample p-quantile has standard error sqrt(p (1 - p) / n) / f(q_p), f the density at q_p.
double quantile_z(const SampleStats& s, double p, double q, double density) {
  const double se = std::sqrt(p * (1 - p) / static_cast<double>(s.n())) / density;
  return (s.quantile(p) - q) / se;
}

// What theory says about a distribution. A NaN variance means "do not test the variance".
struct Theory {
  double mean;
  double variance;
  double q50;
  double density_at_q50;
  double q95;
  double density_at_q95;
};

void check_against_theory(const Distribution& d, const Theory& t, const char* stream_name) {
  // quantile() and mean() are the closed forms...
  CHECK(d.quantile(0.5) == doctest::Approx(t.q50).epsilon(1e-12));
  CHECK(d.quantile(0.95) == doctest::Approx(t.q95).epsilon(1e-12));
  CHECK(d.mean() == doctest::Approx(t.mean).epsilon(1e-12));
  // ...and sample() draws from them.
  const SampleStats s = draw(d, stream_name);
  const double z_mean = mean_z(s, t.mean, t.variance);
  CAPTURE(s.mean);
  CHECK(std::abs(z_mean) < kMaxZ);
  if (!std::isnan(t.variance)) {
    const double z_variance = variance_z(s, t.variance);
    CAPTURE(s.variance);
    CHECK(std::abs(z_variance) < kMaxZ);
  }
  const double z_q50 = quantile_z(s, 0.5, t.q50, t.density_at_q50);
  const double z_q95 = quantile_z(s, 0.95, t.q95, t.density_at_q95);
  CAPTURE(s.quantile(0.5));
  CAPTURE(s.quantile(0.95));
  CHECK(std::abs(z_q50) < kMaxZ);
  CHECK(std::abs(z_q95) < kMaxZ);
}

TEST_CASE("constant always gives its value") {
  const Distribution d = Distribution::constant(3.25);
  RandomStream rng(1, "constant");
  for (int i = 0; i < 100; ++i)
    CHECK(d.sample(rng) == 3.25);
  CHECK(d.mean() == 3.25);
  CHECK(d.quantile(0.0) == 3.25);
  CHECK(d.quantile(0.95) == 3.25);
  CHECK(d.kind() == Distribution::Kind::constant);
}

TEST_CASE("uniform samples match its mean, variance and quantiles") {
  // U(2, 10): mean 6, variance 8^2 / 12, q_p = 2 + 8p, density 1/8 everywhere.
  const Distribution d = Distribution::uniform(2, 10);
  check_against_theory(d, {6.0, 64.0 / 12, 6.0, 1.0 / 8, 9.6, 1.0 / 8}, "uniform");
  const SampleStats s = draw(d, "uniform.range");
  CHECK(s.sorted.front() >= 2.0);
  CHECK(s.sorted.back() < 10.0);
}

TEST_CASE("exponential samples match its mean, variance and quantiles") {
  // Mean m: variance m^2, q_p = -m ln(1 - p), density at q_p = (1 - p) / m.
  constexpr double m = 250;
  const Distribution d = Distribution::exponential(m);
  check_against_theory(d, {m, m * m, m * std::numbers::ln2, 0.5 / m, m * std::log(20.0), 0.05 / m},
                       "exponential");
}

TEST_CASE("normal samples match its mean, variance and quantiles") {
  // N(100, 15^2): q_p = 100 + 15 z_p, density at q_p = phi(z_p) / 15.
  const Distribution d = Distribution::normal(100, 15);
  check_against_theory(
      d, {100, 225, 100 + 15 * kZ50, normal_pdf(kZ50) / 15, 100 + 15 * kZ95, normal_pdf(kZ95) / 15},
      "normal");
}

TEST_CASE("lognormal_p50_p95 has exactly the requested p50 and p95") {
  // A latency-like shape (p95 ten times p50, in microseconds).
  const Distribution d = Distribution::lognormal_p50_p95(200'000, 2'000'000);
  CHECK(d.quantile(0.5) == doctest::Approx(200'000).epsilon(1e-12));
  CHECK(d.quantile(0.95) == doctest::Approx(2'000'000).epsilon(1e-12));
  // mu = ln p50 and sigma = ln(p95 / p50) / z95, so the mean is exp(mu + sigma^2 / 2).
  const double sigma = std::log(10.0) / kZ95;
  const double mean = 200'000 * std::exp(sigma * sigma / 2);
  const double variance = (std::exp(sigma * sigma) - 1) * mean * mean;
  CHECK(d.mean() == doctest::Approx(mean).epsilon(1e-12));
  // Samples: the fraction at or below p50 (p95) is binomial with standard error
  // sqrt(p (1 - p) / n). The variance is finite but its estimator converges too slowly at
  // sigma = 1.4 (kurtosis about 3,400) to be a useful check here; the next test covers it.
  const SampleStats s = draw(d, "lognormal.latency");
  const double n = static_cast<double>(s.n());
  for (const double p : {0.5, 0.95}) {
    const auto below = std::upper_bound(s.sorted.begin(), s.sorted.end(), d.quantile(p));
    const double fraction = static_cast<double>(below - s.sorted.begin()) / n;
    CAPTURE(p);
    CAPTURE(fraction);
    CHECK(std::abs(fraction - p) < kMaxZ * std::sqrt(p * (1 - p) / n));
  }
  CHECK(std::abs(mean_z(s, mean, variance)) < kMaxZ);
}

TEST_CASE("lognormal samples match its mean, variance and quantiles") {
  // p50 = 100, p95 = 300: sigma = ln 3 / z95 = 0.668, variance (e^{sigma^2} - 1) mean^2; the
  // density at q_p is phi(z_p) / (q_p sigma).
  const Distribution d = Distribution::lognormal_p50_p95(100, 300);
  const double sigma = std::log(3.0) / kZ95;
  const double mean = 100 * std::exp(sigma * sigma / 2);
  check_against_theory(d,
                       {mean, (std::exp(sigma * sigma) - 1) * mean * mean, 100,
                        normal_pdf(kZ50) / (100 * sigma), 300, normal_pdf(kZ95) / (300 * sigma)},
                       "lognormal");
}

TEST_CASE("pareto samples match its mean and quantiles") {
  // Scale x_m, shape a: q_p = x_m (1 - p)^(-1/a), density at q_p = a (1 - p) / q_p,
  // mean a x_m / (a - 1), variance x_m^2 a / ((a - 1)^2 (a - 2)).
  SUBCASE("a heavy tail (shape 3): the variance is finite, so the mean is checked") {
    // The fourth moment is infinite for shape <= 4, so the sample variance has no standard
    // error and is not checked.
    const Distribution d = Distribution::pareto(2, 3);
    const double q50 = 2 * std::pow(0.5, -1.0 / 3);
    const double q95 = 2 * std::pow(0.05, -1.0 / 3);
    check_against_theory(d, {3.0, 4.0 * 3 / (4 * 1), q50, 3 * 0.5 / q50, q95, 3 * 0.05 / q95},
                         "pareto.3");
  }
  SUBCASE("a light tail (shape 10): the variance is checked too") {
    const Distribution d = Distribution::pareto(1, 10);
    const double q50 = std::pow(0.5, -0.1);
    const double q95 = std::pow(0.05, -0.1);
    check_against_theory(d, {10.0 / 9, 10.0 / (81 * 8), q50, 10 * 0.5 / q50, q95, 10 * 0.05 / q95},
                         "pareto.10");
  }
  const SampleStats s = draw(Distribution::pareto(2, 3), "pareto.min");
  CHECK(s.sorted.front() >= 2.0);
}

TEST_CASE("a pareto with shape at most 1 has an infinite mean") {
  CHECK(std::isinf(Distribution::pareto(1, 1).mean()));
  CHECK(std::isinf(Distribution::pareto(5, 0.5).mean()));
  CHECK(Distribution::pareto(1, 1).mean() > 0);
  CHECK(Distribution::pareto(2, 1.5).mean() == doctest::Approx(6.0).epsilon(1e-12));
  // Quantiles stay finite below p = 1 even though the mean is not.
  CHECK(Distribution::pareto(1, 0.5).quantile(0.95) == doctest::Approx(400).epsilon(1e-12));
}

TEST_CASE("empirical interpolates linearly between its points, given in any order") {
  // Five points are the 0th, 25th, 50th, 75th and 100th percentiles.
  const Distribution d = Distribution::empirical({80, 10, 160, 40, 20});
  CHECK(d.quantile(0.0) == 10);
  CHECK(d.quantile(0.25) == 20);
  CHECK(d.quantile(0.5) == 40);
  CHECK(d.quantile(0.75) == 80);
  CHECK(d.quantile(1.0) == 160);
  CHECK(d.quantile(0.125) == doctest::Approx(15).epsilon(1e-12));  // halfway from 10 to 20
  CHECK(d.quantile(0.6) == doctest::Approx(56).epsilon(1e-12));    // 40% of the way to 80
  CHECK(d.quantile(0.95) == doctest::Approx(144).epsilon(1e-12));  // 80% of the way to 160
  CHECK(d.quantile(0.999) == doctest::Approx(159.68).epsilon(1e-12));
  // The mean of a piecewise-linear quantile function: the average of segment midpoints.
  CHECK(d.mean() == doctest::Approx((15 + 30 + 60 + 120) / 4.0).epsilon(1e-12));
}

TEST_CASE("empirical samples match its mean, variance and quantiles") {
  // Each of the 4 segments [a, b] holds probability 1/4 spread uniformly, so
  // E[X^2] = sum over segments of (a^2 + ab + b^2) / 12 and the density on it is 1 / (4 (b - a)).
  // The median 40 is a knot where the density jumps from 1/80 to 1/160; the lower one gives the
  // wider (conservative) tolerance.
  const Distribution d = Distribution::empirical({10, 20, 40, 80, 160});
  const double knots[] = {10, 20, 40, 80, 160};
  double second_moment = 0;
  for (int i = 0; i < 4; ++i) {
    const double a = knots[i];
    const double b = knots[i + 1];
    second_moment += (a * a + a * b + b * b) / 12;
  }
  const double mean = 56.25;
  check_against_theory(d, {mean, second_moment - mean * mean, 40, 1.0 / 160, 144, 1.0 / 320},
                       "empirical");
  // Each segment gets a quarter of the samples: chi-square with 3 degrees of freedom, whose
  // 0.999 quantile is 16.266.
  const SampleStats s = draw(d, "empirical.segments");
  CHECK(s.sorted.front() >= 10);
  CHECK(s.sorted.back() <= 160);
  double chi2 = 0;
  const double expected = static_cast<double>(s.n()) / 4;
  for (int i = 0; i < 4; ++i) {
    const auto lo = std::lower_bound(s.sorted.begin(), s.sorted.end(), knots[i]);
    const auto hi = std::lower_bound(s.sorted.begin(), s.sorted.end(), knots[i + 1]);
    const double count = static_cast<double>(i == 3 ? s.sorted.end() - lo : hi - lo);
    chi2 += (count - expected) * (count - expected) / expected;
  }
  CAPTURE(chi2);
  CHECK(chi2 < 16.266);
}

TEST_CASE("empirical with one point always gives it, and with two is uniform between them") {
  const Distribution one = Distribution::empirical({42});
  RandomStream rng(1, "empirical.small");
  for (int i = 0; i < 100; ++i)
    CHECK(one.sample(rng) == 42);
  CHECK(one.mean() == 42);
  CHECK(one.quantile(0.3) == 42);
  const Distribution two = Distribution::empirical({5, 1});
  CHECK(two.quantile(0.5) == doctest::Approx(3).epsilon(1e-12));
  CHECK(two.mean() == doctest::Approx(3).epsilon(1e-12));
  check_against_theory(two, {3, 16.0 / 12, 3, 0.25, 4.8, 0.25}, "empirical.two");
}

TEST_CASE("the statistical checks catch small errors (negative controls)") {
  // If these pass, the tolerances above are too loose to mean anything.
  // A mean 2% too high: 5 / (250 / sqrt(200,000)) is about 9 standard errors.
  const SampleStats exp_wrong = draw(Distribution::exponential(255), "control.exponential");
  CHECK(std::abs(mean_z(exp_wrong, 250, 250.0 * 250)) > kMaxZ);
  // A p95 3% too high: 9 / 0.95 (the standard error of the sample p95) is about 9.5.
  const double sigma = std::log(3.0) / kZ95;
  const SampleStats logn_wrong =
      draw(Distribution::lognormal_p50_p95(100, 309), "control.lognormal");
  CHECK(std::abs(quantile_z(logn_wrong, 0.95, 300, normal_pdf(kZ95) / (300 * sigma))) > kMaxZ);
  // A normal whose standard deviation is 2% too large: the variance is 4% off.
  const SampleStats normal_wrong = draw(Distribution::normal(100, 15.3), "control.normal");
  CHECK(std::abs(variance_z(normal_wrong, 225)) > kMaxZ);
}

TEST_CASE("sample_duration rounds to whole microseconds and is never negative") {
  RandomStream rng(1, "duration.rounding");
  CHECK(Distribution::constant(2.5).sample_duration(rng) == Duration{3});  // half away from 0
  CHECK(Distribution::constant(2.4999).sample_duration(rng) == Duration{2});
  CHECK(Distribution::constant(0.5).sample_duration(rng) == Duration{1});
  CHECK(Distribution::constant(0.49).sample_duration(rng) == Duration{0});
  CHECK(Distribution::constant(-7).sample_duration(rng) == Duration{0});
  CHECK(Distribution::constant(std::numeric_limits<double>::quiet_NaN()).sample_duration(rng) ==
        Duration{0});
  // Beyond any scenario: clamped rather than overflowing int64.
  const Duration huge = Distribution::constant(1e30).sample_duration(rng);
  CHECK(huge.us > 0);
  CHECK(huge.us <= int64_t{4'600'000'000'000'000'000});
}

TEST_CASE("sample_duration is the rounded sample, clamped at zero") {
  const Distribution d = Distribution::normal(10, 100);  // below zero about 46% of the time
  RandomStream a(3, "duration.normal");
  RandomStream b(3, "duration.normal");
  int64_t zeros = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    const double x = d.sample(a);
    const Duration t = d.sample_duration(b);
    REQUIRE(t.us >= 0);
    REQUIRE(t.us == std::max<int64_t>(0, std::llround(x)));
    zeros += t.us == 0 ? 1 : 0;
  }
  // Zero whenever the sample is below 0.5: probability Phi((0.5 - 10) / 100), binomial.
  const double p = normal_cdf((0.5 - 10) / 100);
  const double fraction = static_cast<double>(zeros) / kDraws;
  CHECK(std::abs(fraction - p) < kMaxZ * std::sqrt(p * (1 - p) / kDraws));
}

TEST_CASE("sample_duration of an extreme pareto tail stays non-negative") {
  // Shape 0.05: samples reach 1e100 and beyond; they must clamp, not overflow into negatives.
  const Distribution d = Distribution::pareto(1000, 0.05);
  RandomStream rng(4, "duration.pareto");
  int64_t largest = 0;
  for (int i = 0; i < 100'000; ++i) {
    const Duration t = d.sample_duration(rng);
    REQUIRE(t.us >= 1000);
    largest = std::max(largest, t.us);
  }
  CHECK(largest > int64_t{1'000'000'000'000'000'000});
}

TEST_CASE("standard_normal_quantile matches known values to 1e-9") {
  // Reference values to 30 digits from mpmath (sqrt(2) * erfinv(2p - 1)).
  struct Known {
    double p;
    double z;
  };
  const Known known[] = {
      {0.5, 0.0},
      {0.975, 1.959963984540054},
      {0.025, -1.959963984540054},
      {0.95, 1.6448536269514727},
      {1e-6, -4.753424308822899},
      {0.001, -3.090232306167814},
      {0.999, 3.090232306167814},
      {1e-10, -6.361340902404056},
      {0.3, -0.5244005127080408},
      {0.02425, -1.972961051311885},  // the boundary between Acklam's central and tail regions
  };
  for (const Known& k : known) {
    CAPTURE(k.p);
    CHECK(std::abs(standard_normal_quantile(k.p) - k.z) < 1e-9);
  }
  CHECK(standard_normal_quantile(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(standard_normal_quantile(1.0) == std::numeric_limits<double>::infinity());
}

TEST_CASE("standard_normal_quantile inverts the normal CDF across the whole range") {
  // An error dz in z shows up as dp = phi(z) dz in the CDF, so |Phi(z(p)) - p| < 1e-9 phi(z)
  // bounds the error of z by 1e-9, in the tails as in the middle.
  for (const double p :
       {1e-300, 1e-100, 1e-20, 1e-8, 1e-4, 0.01, 0.0242, 0.02425, 0.0243, 0.1,
        0.25,   0.4,    0.5,   0.6,  0.75, 0.9,  0.97,   0.9757,  0.99,   0.9999}) {
    const double z = standard_normal_quantile(p);
    CAPTURE(p);
    CHECK(std::abs(normal_cdf(z) - p) < 1e-9 * normal_pdf(z));
    // Symmetry: z(p) = -z(1 - p), up to the rounding of 1 - p itself.
    if (p > 1e-8) {
      CHECK(std::abs(z + standard_normal_quantile(1 - p)) < 1e-9);
    }
  }
}

}  // namespace
}  // namespace syncdrill
