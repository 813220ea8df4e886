#include "sim/score/stats.hpp"

#include <array>
#include <cmath>
#include <limits>

namespace syncdrill {

double student_t_975(size_t df) {
  // t(0.975, df) for df = 1..30 (any statistics table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
  static constexpr std::array<double, 30> kTable = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return std::numeric_limits<double>::infinity();
  if (df <= kTable.size()) return kTable[df - 1];
  // Cornish-Fisher expansion of t around the normal quantile (Abramowitz and Stegun 26.7.5);
  // beyond 30 degrees of freedom its error is below 1e-4.
  const double z = 1.959963984540054;
  const double n = static_cast<double>(df);
  const double z3 = z * z * z;
  const double z5 = z3 * z * z;
  const double z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

MeanInterval mean_interval(const std::vector<double>& values) {
  MeanInterval out;
  out.n = values.size();
  if (out.n == 0) return out;
  double sum = 0;
  for (double v : values)
    sum += v;
  out.mean = sum / static_cast<double>(out.n);
  if (out.n < 2) {
    out.half_width = std::numeric_limits<double>::infinity();
    return out;
  }
  double squares = 0;  // two passes: exact enough for the few dozen seeds a comparison runs
  for (double v : values)
    squares += (v - out.mean) * (v - out.mean);
  out.stddev = std::sqrt(squares / static_cast<double>(out.n - 1));
  out.half_width = student_t_975(out.n - 1) * out.stddev / std::sqrt(static_cast<double>(out.n));
  return out;
}

MeanInterval paired_difference(const std::vector<std::optional<double>>& a,
                               const std::vector<std::optional<double>>& b) {
  std::vector<double> d;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] && b[i]) d.push_back(*b[i] - *a[i]);
  }
  return mean_interval(d);
}

}  // namespace syncdrill
