// LatencyHistogram tests: the bucket layout is checked exhaustively at every range boundary, and
// quantiles are compared with the exact nearest-rank quantile of the same data, sorted.
#include "core/observe/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/distribution.hpp"
#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// The exact nearest-rank quantile: the r-th smallest value, r = max(1, ceil(p * n)).
int64_t exact_quantile(const std::vector<int64_t>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(p * n)));
  return sorted[std::min(rank, sorted.size()) - 1];
}

// The documented guarantee: q <= R <= q + q/32.
void check_quantiles_against_exact(const LatencyHistogram& h, std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  for (int i = 0; i <= 1000; ++i) {
    const double p = i / 1000.0;
    const int64_t exact = exact_quantile(values, p);
    const int64_t got = h.quantile(p);
    CAPTURE(p);
    CAPTURE(exact);
    CHECK(got >= exact);
    CHECK(static_cast<double>(got - exact) <=
          static_cast<double>(exact) * LatencyHistogram::kRelativeErrorMax);
  }
}

TEST_CASE("an empty histogram reports zeros") {
  const LatencyHistogram h;
  CHECK(h.empty());
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0);
  CHECK(h.quantile(0) == 0);
  CHECK(h.quantile(0.5) == 0);
  CHECK(h.quantile(1) == 0);
}

TEST_CASE("buckets tile every non-negative int64 without gaps and are at most 1/32 wide") {
  CHECK(LatencyHistogram::bucket_lowest(0) == 0);
  for (size_t i = 0; i < LatencyHistogram::kBucketCount; ++i) {
    const int64_t low = LatencyHistogram::bucket_lowest(i);
    const int64_t high = LatencyHistogram::bucket_highest(i);
    CAPTURE(i);
    REQUIRE(low <= high);
    CHECK(LatencyHistogram::bucket_index(low) == i);
    CHECK(LatencyHistogram::bucket_index(high) == i);
    // Width relative to the lowest value: at most 1/32 (values below 64 are exact).
    CHECK(static_cast<double>(high - low) <=
          static_cast<double>(low) * LatencyHistogram::kRelativeErrorMax);
    if (i + 1 < LatencyHistogram::kBucketCount) {
      CHECK(LatencyHistogram::bucket_lowest(i + 1) == high + 1);
    }
  }
  CHECK(LatencyHistogram::bucket_highest(LatencyHistogram::kBucketCount - 1) == kInt64Max);
}

TEST_CASE("values below 64 microseconds are recorded exactly") {
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int64_t v = 63; v >= 0; --v) {
    h.record(v);
    values.push_back(v);
  }
  CHECK(h.count() == 64);
  CHECK(h.min() == 0);
  CHECK(h.max() == 63);
  CHECK(h.mean() == doctest::Approx(31.5));
  std::sort(values.begin(), values.end());
  for (int i = 0; i <= 100; ++i) {
    const double p = i / 100.0;
    CHECK(h.quantile(p) == exact_quantile(values, p));
  }
}

TEST_CASE("a histogram of zeros reports zero for every statistic") {
  LatencyHistogram h;
  for (int i = 0; i < 10; ++i)
    h.record(0);
  CHECK(h.count() == 10);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0);
  CHECK(h.quantile(0) == 0);
  CHECK(h.quantile(0.99) == 0);
  CHECK(h.quantile(1) == 0);
}

TEST_CASE("the largest int64 value is recorded and its sum does not overflow") {
  LatencyHistogram h;
  for (int i = 0; i < 4; ++i)
    h.record(kInt64Max);
  h.record(1);
  CHECK(h.count() == 5);
  CHECK(h.min() == 1);
  CHECK(h.max() == kInt64Max);
  CHECK(h.quantile(1) == kInt64Max);
  CHECK(h.quantile(0.5) == kInt64Max);
  CHECK(h.quantile(0.2) == 1);
  // 4 * (2^63 - 1) + 1 = 2^65 - 3: high word 1, low word 2^64 - 3.
  CHECK(h.sum().high() == 1);
  CHECK(h.sum().low() == std::numeric_limits<uint64_t>::max() - 2);
  CHECK(h.mean() == doctest::Approx(std::ldexp(4.0, 63) / 5));
  CHECK(h.bucket_count_at(LatencyHistogram::kBucketCount - 1) == 4);
}

TEST_CASE("quantiles of 1..100000 are within 1/32 above the exact nearest-rank value") {
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int64_t v = 100000; v >= 1; --v) {
    h.record(v);
    values.push_back(v);
  }
  CHECK(h.mean() == 50000.5);  // exact: the sum is kept in integers
  CHECK(h.quantile(0) == 1);
  CHECK(h.quantile(1) == 100000);
  // p50 is 50000, in the bucket [49152, 50175] (2^15 range, width 2^10): reported as 50175.
  CHECK(h.quantile(0.5) == 50175);
  check_quantiles_against_exact(h, values);
}

TEST_CASE("quantiles of lognormal latencies are within 1/32 above the exact values") {
  RandomStream rng(42, "histogram-test");
  const Distribution latency = Distribution::lognormal_p50_p95(20'000, 400'000);
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int i = 0; i < 20'000; ++i) {
    const int64_t v = latency.sample_duration(rng).us;
    h.record(v);
    values.push_back(v);
  }
  CHECK(h.min() == *std::min_element(values.begin(), values.end()));
  CHECK(h.max() == *std::max_element(values.begin(), values.end()));
  check_quantiles_against_exact(h, values);
}

TEST_CASE("merging two histograms equals recording everything into one") {
  RandomStream rng(7, "histogram-merge");
  const Distribution latency = Distribution::pareto(100, 1.2);
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram all;
  for (int i = 0; i < 5000; ++i) {
    const int64_t v = latency.sample_duration(rng).us;
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  merged.merge(LatencyHistogram{});  // merging an empty histogram changes nothing
  CHECK(merged.count() == all.count());
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
  CHECK(merged.sum() == all.sum());
  for (size_t i = 0; i < LatencyHistogram::kBucketCount; ++i) {
    CHECK(merged.bucket_count_at(i) == all.bucket_count_at(i));
  }

  LatencyHistogram into_empty;
  into_empty.merge(a);
  CHECK(into_empty.min() == a.min());
  CHECK(into_empty.max() == a.max());
  CHECK(into_empty.quantile(0.9) == a.quantile(0.9));
}

TEST_CASE("reset forgets every value") {
  LatencyHistogram h;
  h.record(5);
  h.record(5000);
  h.reset();
  CHECK(h.empty());
  CHECK(h.max() == 0);
  CHECK(h.quantile(1) == 0);
  CHECK(h.bucket_count_at(LatencyHistogram::bucket_index(5000)) == 0);
}

TEST_CASE("an exact sum adds 64 by 32 bit products without overflow") {
  ExactSum s;
  s.add_product(std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint32_t>::max());
  // (2^64 - 1)(2^32 - 1) = 2^96 - 2^64 - 2^32 + 1: high 2^32 - 2, low 2^64 - 2^32 + 1.
  CHECK(s.high() == (uint64_t{1} << 32) - 2);
  CHECK(s.low() == std::numeric_limits<uint64_t>::max() - ((uint64_t{1} << 32) - 2));
  ExactSum t;
  t.add_product(123456789, 1000);
  CHECK(t.high() == 0);
  CHECK(t.low() == 123456789000ULL);
  CHECK(t.to_double() == 123456789000.0);
}

}  // namespace
}  // namespace syncdrill
