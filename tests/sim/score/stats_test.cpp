// The intervals `syncdrill compare` reports, against statistics tables and against their own
// promise: a 95% interval covers the true mean in 95% of repeated experiments.
#include "sim/score/stats.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

TEST_CASE("Student's t 0.975 quantiles match the tables, and approach the normal") {
  CHECK(student_t_975(1) == doctest::Approx(12.706));
  CHECK(student_t_975(4) == doctest::Approx(2.776));
  CHECK(student_t_975(9) == doctest::Approx(2.262));
  CHECK(student_t_975(30) == doctest::Approx(2.042));
  // Beyond the table: the expansion against tabulated values (NIST e-Handbook, table 1.3.6.7.2).
  CHECK(student_t_975(40) == doctest::Approx(2.021).epsilon(0.0005));
  CHECK(student_t_975(60) == doctest::Approx(2.000).epsilon(0.0005));
  CHECK(student_t_975(100) == doctest::Approx(1.984).epsilon(0.0005));
  CHECK(student_t_975(1000) == doctest::Approx(1.962).epsilon(0.0005));
  // Monotone: more data, narrower quantile; never below the normal's 1.96.
  for (size_t df = 1; df < 500; ++df) {
    CHECK(student_t_975(df + 1) < student_t_975(df));
    CHECK(student_t_975(df) > 1.9599);
  }
  CHECK(std::isinf(student_t_975(0)));
}

TEST_CASE("a mean interval computed by hand") {
  const MeanInterval m = mean_interval({1, 2, 3, 4, 5});
  CHECK(m.n == 5);
  CHECK(m.mean == doctest::Approx(3));
  CHECK(m.stddev == doctest::Approx(std::sqrt(2.5)));
  CHECK(m.half_width == doctest::Approx(2.776 * std::sqrt(2.5) / std::sqrt(5.0)));
  CHECK(m.low() == doctest::Approx(3 - 1.96293).epsilon(1e-4));
  CHECK(m.excludes_zero());
  CHECK_FALSE(mean_interval({-1, 1, -2, 2}).excludes_zero());
  // One value: a mean with no interval.
  const MeanInterval one = mean_interval({7});
  CHECK(one.mean == 7);
  CHECK(std::isinf(one.half_width));
  CHECK_FALSE(one.excludes_zero());
  CHECK(mean_interval({}).n == 0);
}

TEST_CASE("paired differences pair by index and skip a missing value on either side") {
  const std::vector<std::optional<double>> a{10, 20, std::nullopt, 40, 50};
  const std::vector<std::optional<double>> b{12, 21, 99, std::nullopt, 53};
  const MeanInterval d = paired_difference(a, b);
  CHECK(d.n == 3);                      // seeds 0, 1 and 4
  CHECK(d.mean == doctest::Approx(2));  // (2 + 1 + 3) / 3
  // Pairing removes what the seeds share: these two differ by exactly 1 on every seed, so the
  // paired interval is a point even though each side varies widely.
  const std::vector<std::optional<double>> x{100, 5, 730, 42};
  const std::vector<std::optional<double>> y{101, 6, 731, 43};
  const MeanInterval p = paired_difference(x, y);
  CHECK(p.mean == doctest::Approx(1));
  CHECK(p.half_width == doctest::Approx(0));
  CHECK(p.excludes_zero());
  std::vector<double> xs, ys;
  for (size_t i = 0; i < x.size(); ++i) {
    xs.push_back(*x[i]);
    ys.push_back(*y[i]);
  }
  CHECK(mean_interval(xs).half_width > 100);  // unpaired, the difference would be lost in noise
}

// Coverage: draw n values from a known distribution many times; the interval must contain the
// true mean about 95% of the time. With 4,000 experiments the observed coverage has a standard
// error of 0.34 pp, so [93.9%, 96.1%] is a +-3.2 sigma band.
double coverage(size_t n, bool skewed) {
  RandomStream rng(20261128, skewed ? "coverage/exponential" : "coverage/normal");
  const int experiments = 4000;
  int covered = 0;
  for (int e = 0; e < experiments; ++e) {
    std::vector<double> values;
    for (size_t i = 0; i < n; ++i) {
      if (skewed) {
        values.push_back(-std::log(rng.uniform01_open_below()));  // exponential, mean 1
      } else {
        // Box-Muller: a standard normal, mean 0.
        const double u1 = rng.uniform01_open_below();
        const double u2 = rng.uniform01();
        values.push_back(std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
      }
    }
    const MeanInterval m = mean_interval(values);
    const double truth = skewed ? 1.0 : 0.0;
    covered += m.low() <= truth && truth <= m.high() ? 1 : 0;
  }
  return static_cast<double>(covered) / experiments;
}

TEST_CASE("95% intervals cover the true mean 95% of the time") {
  for (size_t n : {3, 5, 10, 40}) {
    CAPTURE(n);
    const double c = coverage(n, false);
    CHECK(c > 0.939);
    CHECK(c < 0.961);
  }
  // A skewed distribution with 40 samples: the t interval is close to nominal, a little under.
  const double skewed = coverage(40, true);
  CHECK(skewed > 0.92);
  CHECK(skewed < 0.961);
}

}  // namespace
}  // namespace syncdrill
