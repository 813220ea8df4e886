// Means and 95% confidence intervals over independent replications (one run per seed), as
// `syncdrill compare` reports them: Student's t interval on the mean, and on the mean of paired
// differences when two policies ran on the same seeds (common random numbers).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace syncdrill {

struct MeanInterval {
  size_t n = 0;
  double mean = 0;
  double stddev = 0;      // sample standard deviation (n - 1); 0 when n < 2
  double half_width = 0;  // t(0.975, n - 1) * stddev / sqrt(n); infinite when n < 2
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  // Whether the interval lies wholly on one side of zero.
  bool excludes_zero() const { return n >= 2 && (low() > 0 || high() < 0); }
};

// The 0.975 quantile of Student's t distribution with `df` >= 1 degrees of freedom (two-sided
// 95%). Exact to the 3 decimals of the usual tables up to 30, a Cornish-Fisher expansion beyond.
double student_t_975(size_t df);

// Mean and 95% interval of `values`; n = 0 gives all zeros.
MeanInterval mean_interval(const std::vector<double>& values);

// The same of b[i] - a[i] over the indices where both are present (paired samples).
MeanInterval paired_difference(const std::vector<std::optional<double>>& a,
                               const std::vector<std::optional<double>>& b);

}  // namespace syncdrill
